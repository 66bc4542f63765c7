package xlsx

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

// TestReadAppliesTheFormsGate: a workbook's cells pass the same gate as
// JSON Lines, the window and the hub: a bidirectional override or a
// control character is an error at its row and column (issue 11.6).
func TestReadAppliesTheFormsGate(t *testing.T) {
	b := newBook(t, "Sheet1")
	b.row("Sheet1", 1, "企业名称", "需求名称", "主要问题")
	b.row("Sheet1", 2, "苏州测试科技有限公司", "伺服电机\u202e化产国器码编", "第一行\n第二行")
	b.row("Sheet1", 3, "苏州测试科技有限公司", "伺服电机编码器国产化", "温度BELL过高，焊缝开裂需要改进")
	b.row("Sheet1", 4, "苏州测试科技有限公司", "谐波减速器寿命提升", "第一行：寿命不足\n\t第二行：噪声大")
	// Excel writes a control character as _x0007_; excelize's own writer
	// would have replaced it with U+FFFD.
	data := b.bytes()
	ss := unzipParts(t, data)["xl/sharedStrings.xml"]
	data = rezip(t, data, map[string]func(w io.Writer){"xl/sharedStrings.xml": func(w io.Writer) {
		w.Write(bytes.Replace(ss, []byte("BELL"), []byte("_x0007_"), 1))
	}})
	batch := mustRead(t, data, Options{})
	for _, tc := range []struct {
		row  int
		col  string
		code string
	}{{2, "B", forms.CodeBidi}, {3, "C", forms.CodeControl}} {
		ps := problemsAt(batch, "Sheet1", tc.row, tc.col)
		if len(ps) == 0 || ps[0].Code != tc.code || !ps[0].Error() || !strings.Contains(ps[0].ZH, "U+") {
			t.Errorf("row %d column %s: want %s\n%s", tc.row, tc.col, tc.code, dumpProblems(batch))
		}
	}
	if ps := problemsAt(batch, "Sheet1", 4, ""); len(ps) > 0 {
		for _, p := range ps {
			if p.Error() {
				t.Errorf("row 4 is good: %s", dumpProblems(batch))
			}
		}
	}
}
