package platform_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// TestHubAppliesTheFormsGate: the hub refuses, over a real socket, what the
// forms gate refuses — control characters, bidirectional overrides, bytes
// that are not UTF-8 (named by field, not replaced) — and accepts the same
// record once mended (issue 11.6).
func TestHubAppliesTheFormsGate(t *testing.T) {
	f := newFixture(t, platform.Options{})
	tok := f.token("li", "suzhou")
	if rs := f.push(tok, enterprise("e1", "re1", "", "苏州某精密机械有限公司")); rs[0].Outcome != protocol.Accepted {
		t.Fatalf("enterprise: %+v", rs[0])
	}
	bad := []struct {
		rec   protocol.Record
		field string
		code  string
	}{
		{need("n1", "r1", "", "e1", "高温合金\u202e艺工接焊", forms.VisibilityNamed), "title", forms.CodeBidi},
		{need("n2", "r2", "", "e1", "高温合金\x00焊接工艺", forms.VisibilityNamed), "title", forms.CodeControl},
		{func() protocol.Record {
			r := need("n3", "r3", "", "e1", "高温合金焊接工艺XX", forms.VisibilityNamed)
			r.Body = bytes.Replace(r.Body, []byte("XX"), []byte{0xff, 0xfe}, 1)
			return r
		}(), "title", forms.CodeUTF8},
	}
	for _, b := range bad {
		rs := f.push(tok, b.rec)
		if rs[0].Outcome != protocol.Invalid || len(rs[0].Reasons) == 0 || rs[0].Reasons[0].Field != b.field || rs[0].Reasons[0].Code != b.code {
			t.Errorf("%s: %+v", b.rec.ID, rs[0])
			continue
		}
		if m := rs[0].Reasons[0].Message; !strings.Contains(m, "需求名称") {
			t.Errorf("%s: reason %q does not name the field", b.rec.ID, m)
		}
	}
	if rs := f.push(tok, need("n1", "r1b", "", "e1", "高温合金焊接工艺", forms.VisibilityNamed)); rs[0].Outcome != protocol.Accepted {
		t.Errorf("mended: %+v", rs[0])
	}
}
