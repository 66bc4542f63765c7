package xlsx

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

const (
	solNeed1 = "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab"
	solNeed2 = "7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
	solNeed3 = "8b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
)

var solNeeds = []NeedInfo{
	{ID: solNeed1, Title: "高精度谐波减速器柔轮疲劳寿命提升"},
	{ID: solNeed2, Title: "锂电池极片涂布厚度在线检测"},
	{ID: solNeed3, Title: "锂电池极片涂布厚度在线检测"}, // the same title twice
}

func readSolutionBytes(t testing.TB, data []byte) (*SolutionBatch, error) {
	t.Helper()
	return ReadSolutions(context.Background(), bytes.NewReader(data), int64(len(data)), Options{})
}

func solutionProblemsAt(b *SolutionBatch, sheet string, row int, col string) []Problem {
	var out []Problem
	for _, p := range b.Problems {
		if p.Sheet == sheet && p.Row == row && p.Column == col {
			out = append(out, p)
		}
	}
	return out
}

// A list of solutions an organiser collected: a title row, a header, rows.
func TestReadSolutionList(t *testing.T) {
	const s = "方案汇总"
	b := newBook(t, s).
		row(s, 1, "2026 挑战赛解决方案汇总表").
		row(s, 2, "需求编号", "拟解决的需求名称", "方案提供方 单位名称", "单位类型", "地区", "联系人", "职务", "联系方式", "E-mail", "解决方案\n简要介绍", "合作方式", "报价（万元）", "周期").
		row(s, 3, "6F1C2D3E", "高精度谐波减速器柔轮疲劳寿命提升", "东南大学苏州研究院", "科研院所", "江苏苏州", "陈工", "副所长", "138 0512 0001", "chen@seu.example.edu.cn",
			"以渗碳淬火与喷丸复合强化提升柔轮疲劳寿命，已在两家企业中试验证。", "合作开发", "60万", "8 个月").
		row(s, 4, nil, "高精度谐波减速器柔轮疲劳寿命提升", "王小明", "个人", "上海", "王小明", "工程师", "021-65432100", "wxm@example.com",
			"采用新型复合材料柔轮，寿命可达 12000 小时，样件已做出。").
		row(s, 5, "ZZZZZZZZ", nil, "苏州某自动化有限公司", "公司", "江苏昆山", "李", "经理", "13900000000", "li@example", "太短").
		row(s, 6, nil, "锂电池极片涂布厚度在线检测", "中科院某所", "研究机构", "北京", "赵研究员", "研究员", "010-88888888", "zhao@example.cn",
			"基于 β 射线与激光三角测量的在线测厚系统，精度 ±1 μm。").
		row(s, 7, "合计", nil, nil, nil, nil, nil, nil, nil, nil, nil)
	batch, err := readSolutionBytes(t, b.bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Solutions) != 4 || batch.Sheets[0].Role != RoleSolutions || batch.Sheets[0].HeaderRow != 2 {
		t.Fatalf("read %d solutions, sheets %+v", len(batch.Solutions), batch.Sheets)
	}
	first := batch.Solutions[0].Values
	if first.Get("provider_type") != "institute" || first.Get("quote_wan") != "60" || first.Get("solution_cooperation") != "02" ||
		first.Get("solution_email") != "chen@seu.example.edu.cn" || batch.Solutions[0].Source != forms.SourceExcel || batch.Solutions[0].Status != forms.SolutionSubmitted {
		t.Errorf("first solution %v", first)
	}
	if batch.Solutions[1].Values.Get("provider_type") != "individual" || batch.Solutions[3].Values.Get("provider_type") != "institute" {
		t.Error("单位类型 aliases not read")
	}
	// Row 5: a bad e-mail (column I) and a summary too short (J), each named.
	if ps := solutionProblemsAt(batch, s, 5, "I"); len(ps) != 1 || !strings.Contains(ps[0].Message("zh"), "「E-mail」") || !strings.Contains(ps[0].Message("zh"), "第 5 行 I 列") {
		t.Errorf("row 5, I: %v", ps)
	}
	if ps := solutionProblemsAt(batch, s, 5, "J"); len(ps) != 1 || ps[0].Field != "solution_summary" || ps[0].Code != "min_len" {
		t.Errorf("row 5, J: %v", ps)
	}
	batch.Resolve(solNeeds)
	if batch.Solutions[0].NeedID != solNeed1 || batch.Solutions[1].NeedID != solNeed1 || batch.Solutions[0].ID == "" {
		t.Errorf("resolved to %q, %q", batch.Solutions[0].NeedID, batch.Solutions[1].NeedID)
	}
	// Row 5 names no need; row 6 a title two needs share: both errors at
	// their cells.
	if ps := solutionProblemsAt(batch, s, 5, "A"); len(ps) != 1 || ps[0].Code != "need.unknown" {
		t.Errorf("row 5, A: %v", ps)
	}
	if ps := solutionProblemsAt(batch, s, 6, "B"); len(ps) != 1 || ps[0].Code != "need.ambiguous" || !strings.Contains(ps[0].ZH, "需求编号") {
		t.Errorf("row 6, B: %v", ps)
	}
	if !batch.HasErrors() {
		t.Fatal("no errors")
	}
	good := batch.Partial()
	if len(good.Solutions) != 2 || len(good.Refs) != 2 {
		t.Errorf("partial: %d", len(good.Solutions))
	}
	// The same rows read again make the same ids.
	again, _ := readSolutionBytes(t, b.bytes())
	again.Resolve(solNeeds)
	if again.Solutions[0].ID != batch.Solutions[0].ID || again.Solutions[0].ID == again.Solutions[1].ID {
		t.Error("ids are not stable per row")
	}
}

// The 方案表 itself (附件2): labels with their values beside them.
func TestReadSolutionForm(t *testing.T) {
	const s = "技术需求解决方案表"
	b := newBook(t, s).
		row(s, 1, "技术需求解决方案表").
		row(s, 2, "方案提供方 单位名称", "苏州大学机电工程学院", nil, "地区", "江苏苏州").
		row(s, 3, "联系人", "王晓明", nil, "联系方式", "0512-65112233").
		row(s, 4, "E-mail", "wxm@suda.example.edu.cn", nil, "职务", "教授").
		row(s, 5, "单位类型", "高校").
		row(s, 6, "拟解决的需求 名称", "锂电池极片涂布厚度在线检测", nil, "需求编号", "7A2B3C4D").
		row(s, 7, "解决方案 简要介绍").
		row(s, 8, "采用 X 射线与机器视觉融合的在线测厚方法，已完成实验室验证，精度 ±1 μm。").
		merge(s, "B2", "C2")
	batch, err := readSolutionBytes(t, b.bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Solutions) != 1 || batch.Sheets[0].Role != RoleSolutionForm {
		t.Fatalf("read %d solutions; %s", len(batch.Solutions), strings.Join(batch.Messages(), "; "))
	}
	v := batch.Solutions[0].Values
	if v.Get("provider_name") != "苏州大学机电工程学院" || v.Get("solution_contact") != "王晓明" || v.Get("solution_phone") != "0512-65112233" ||
		v.Get("provider_type") != "university" || !strings.HasPrefix(v.Get("solution_summary"), "采用 X 射线") || v.Get("solution_position") != "教授" {
		t.Errorf("form read as %v", v)
	}
	if batch.HasErrors() {
		t.Errorf("problems: %v", batch.Messages())
	}
	batch.Resolve(solNeeds)
	if batch.Solutions[0].NeedID != solNeed2 || batch.HasErrors() {
		t.Errorf("need %q, %v", batch.Solutions[0].NeedID, batch.Messages())
	}
	// A form without 联系人 says so, at the form.
	b = newBook(t, s).
		row(s, 1, "方案提供方单位名称", "某公司").
		row(s, 2, "单位类型", "企业", "地区", "江苏").
		row(s, 3, "解决方案简要介绍", "一套完整的在线检测方案，含硬件与软件，已有三个客户案例。")
	batch, err = readSolutionBytes(t, b.bytes())
	if err != nil {
		t.Fatal(err)
	}
	msgs := strings.Join(batch.Messages(), "\n")
	for _, label := range []string{"「联系人」为必填项", "「E-mail」为必填项", "「联系方式」为必填项"} {
		if !strings.Contains(msgs, label) {
			t.Errorf("no %s in %s", label, msgs)
		}
	}
}

// A 方案状态 column (or the form's label) gives the solution's status, by
// its label or id; an empty cell leaves it 已提交, an unknown one is an
// error at its cell.
func TestReadSolutionStatus(t *testing.T) {
	const s = "方案汇总"
	summary := "以渗碳淬火与喷丸复合强化提升柔轮疲劳寿命，已在两家企业中试验证。"
	b := newBook(t, s).
		row(s, 1, "需求编号", "方案提供方单位名称", "单位类型", "地区", "联系人", "职务", "联系方式", "E-mail", "解决方案简要介绍", "方案状态").
		row(s, 2, "6F1C2D3E", "东南大学苏州研究院", "科研院所", "江苏苏州", "陈工", "副所长", "13805120001", "chen@seu.example.edu.cn", summary, "已签约").
		row(s, 3, "6F1C2D3E", "苏州大学", "高校", "江苏苏州", "王工", "教授", "13805120002", "wang@suda.example.edu.cn", summary, "chosen").
		row(s, 4, "6F1C2D3E", "某公司", "企业", "江苏苏州", "李工", "经理", "13805120003", "li@example.cn", summary, nil).
		row(s, 5, "6F1C2D3E", "另一公司", "企业", "江苏苏州", "赵工", "经理", "13805120004", "zhao@example.cn", summary, "差不多了")
	batch, err := readSolutionBytes(t, b.bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(batch.Solutions) != 4 {
		t.Fatalf("read %d solutions", len(batch.Solutions))
	}
	for i, want := range []forms.SolutionStatus{forms.SolutionSigned, forms.SolutionChosen, forms.SolutionSubmitted, forms.SolutionSubmitted} {
		if got := batch.Solutions[i].Status; got != want {
			t.Errorf("row %d: status %s, want %s", i+2, got, want)
		}
	}
	if ps := solutionProblemsAt(batch, s, 5, "J"); len(ps) != 1 || !ps[0].Error() || !strings.Contains(ps[0].Message("zh"), "方案状态“差不多了”无法识别") {
		t.Errorf("row 5, J: %v", ps)
	}
	if len(batch.Errors()) != 1 || len(batch.Partial().Solutions) != 3 {
		t.Errorf("problems: %v", batch.Messages())
	}
}

func TestSolutionWorkbookDetection(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sol := write("sol.xlsx", newBook(t, "S").row("S", 1, "方案提供方单位名称", "联系人", "E-mail", "解决方案简要介绍").bytes())
	need := write("need.xlsx", newBook(t, "N").row("N", 1, "企业名称", "需求名称", "需求类型", "联系人", "职务", "所在地区", "单位名称").bytes())
	for path, want := range map[string]bool{sol: true, need: false} {
		got, err := IsSolutionWorkbook(context.Background(), path, Options{})
		if err != nil || got != want {
			t.Errorf("%s: %v, %v", filepath.Base(path), got, err)
		}
	}
	if _, err := ReadSolutionsFile(context.Background(), need, Options{}); !errors.Is(err, ErrNoData) {
		t.Errorf("a need workbook read as solutions: %v", err)
	}
	// A read of needs told to refuse solutions tells the same in one go.
	if _, err := ReadFileStream(context.Background(), sol, Options{RefuseSolutions: true}); !errors.Is(err, ErrSolutionWorkbook) {
		t.Errorf("solutions read as needs with RefuseSolutions: %v, want ErrSolutionWorkbook", err)
	}
	b, err := ReadFileStream(context.Background(), need, Options{RefuseSolutions: true})
	if err != nil {
		t.Fatalf("needs read with RefuseSolutions: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
}

func FuzzReadSolutions(f *testing.F) {
	seed := newBook(f, "S").row("S", 1, "方案提供方单位名称", "联系人", "E-mail", "解决方案简要介绍").
		row("S", 2, "某大学", "张三", "a@b.cn", "一个足够长的解决方案简要介绍，二十个字以上。").bytes()
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ReadSolutions(context.Background(), bytes.NewReader(data), int64(len(data)), Options{})
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("not a FileError: %v", err)
			}
			return
		}
		b.Resolve(solNeeds)
		if len(b.Refs) != len(b.Solutions) {
			t.Fatal("refs and solutions differ")
		}
	})
}
