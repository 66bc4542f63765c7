package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// TestSyncFailsOnARefusedRecord: a record the hub refuses makes `xunbang
// sync` exit non-zero and say which record and why (issue 11.6: it used to
// report success while the hub quarantined the record on every sync).
func TestSyncFailsOnARefusedRecord(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data, hub := filepath.Join(dir, "laptop"), filepath.Join(dir, "hub")
	env := map[string]string{"LANG": "zh_CN.UTF-8"}
	if _, errs, code := run(t, env, "demo", "--data", data, "--needs", "3"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	// A draft with a malformed value (a need type no vocabulary has). A
	// title shorter than its minimum is no longer refused: a draft may
	// break a length (issue 13.9), on the laptop and on the hub alike.
	st, err := store.Open(ctx, data, store.Options{Key: store.KeySource{Keyring: keyring}})
	if err != nil {
		t.Fatal(err)
	}
	sums, err := st.Needs(ctx, store.Query{})
	if err != nil || len(sums) == 0 {
		t.Fatal(err)
	}
	n, err := st.Need(ctx, sums[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	draft := &forms.Need{EnterpriseID: n.EnterpriseID, Status: forms.StatusDraft, Values: forms.Values{"title": {"电机"}, "need_type": {"42"}}}
	if err := st.SaveNeed(ctx, draft); err != nil {
		t.Fatal(err)
	}
	st.Close()

	tok, errs, code := run(t, env, "serve", "token", "create", "--user", "李科技", "--team", "苏州科技镇长团", "--data", hub)
	if code != 0 {
		t.Fatalf("token create: %s", errs)
	}
	t.Setenv("XUNBANG_TOKEN", strings.TrimSpace(tok))
	url, stop := serveOnce(t, hub)
	defer stop()
	_, errs, code = run(t, env, "sync", "--server", url, "--data", data)
	if code != ExitError {
		t.Fatalf("sync with a refused record: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"平台拒收需求 " + draft.ID, "「电机」", "需求类型", "不是可选值", "1 条记录被平台拒收"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	// Nothing new was refused: the next sync succeeds.
	if _, errs, code := run(t, env, "sync", "--server", url, "--data", data); code != 0 {
		t.Errorf("second sync: exit %d\n%s", code, errs)
	}
}

// TestImportRefusesBadIDsAndText: `xunbang import` refuses a path as an id,
// bytes that are not UTF-8, NUL and U+202E, naming line and field, and
// imports nothing (issue 11.6).
func TestImportRefusesBadIDsAndText(t *testing.T) {
	dir := t.TempDir()
	data, file := filepath.Join(dir, "data"), filepath.Join(dir, "in.jsonl")
	const at = `"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"`
	lines := []string{
		`{"type":"enterprise","id":"e1","enterprise_name":"苏州测试科技有限公司",` + at + `}`,
		`{"type":"need","id":"../../x","enterprise_id":"e1","status":"draft","title":"一个好好的需求",` + at + `}`,
		`{"type":"need","id":"n3","enterprise_id":"e1","status":"draft","title":"一个` + "\xff" + `的需求",` + at + `}`,
		`{"type":"need","id":"n4","enterprise_id":"e1","status":"draft","title":"一个\u0000的需求",` + at + `}`,
		`{"type":"enterprise","id":"e5","enterprise_name":"苏州\u202e司公限有",` + at + `}`,
	}
	writeFile(t, file, strings.Join(lines, "\n")+"\n")
	for lang, wants := range map[string][]string{
		"zh_CN.UTF-8": {"第 2 行", "../../x", "第 3 行", "UTF-8", "第 4 行", "U+0000", "第 5 行", "U+202E", "未导入任何记录"},
		"en_US.UTF-8": {"line 2", "line 3", "not valid UTF-8", "line 4", "line 5", "bidirectional", "nothing was imported"},
	} {
		_, errs, code := run(t, map[string]string{"LANG": lang}, "import", file, "--data", data)
		if code != ExitError {
			t.Fatalf("%s: exit %d\n%s", lang, code, errs)
		}
		for _, w := range wants {
			if !strings.Contains(errs, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", lang, w, errs)
			}
		}
	}
	out, _, _ := run(t, map[string]string{}, "list", "--json", "--data", data)
	if strings.TrimSpace(out) != "" {
		t.Errorf("something was imported:\n%s", out)
	}
}
