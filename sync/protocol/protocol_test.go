package protocol

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func protoHeader() http.Header {
	h := http.Header{}
	SetHeaders(h)
	return h
}

func body(id, rev, base string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"id": id, "rev": rev, "base_rev": base, "enterprise_id": "e1", "status": "draft", "title": "高温合金"})
	return b
}

func TestDecodeRejectsWhatIsNotAnAnswer(t *testing.T) {
	good := `{"protocol":"1","results":[{"kind":"need","id":"n1","rev":"r1","outcome":"accepted"}]}`
	html := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	noVersion := http.Header{"Content-Type": {MediaType}}
	otherVersion := protoHeader()
	otherVersion.Set(HeaderVersion, "2")
	tests := []struct {
		name    string
		h       http.Header
		body    string
		version bool // a *VersionError rather than ErrNotProtocol
	}{
		{"captive portal login page", html, `<html><body>请登录 Wi-Fi</body></html>`, false},
		{"html body with protocol headers", protoHeader(), `<html>login</html>`, false},
		{"json without version header", noVersion, good, false},
		{"other version header", otherVersion, good, true},
		{"json content type", http.Header{"Content-Type": {"application/json"}, HeaderVersion: {"1"}}, good, false},
		{"empty", protoHeader(), ``, false},
		{"array", protoHeader(), `[]`, false},
		{"trailing data", protoHeader(), good + `{}`, false},
		{"truncated", protoHeader(), good[:len(good)-5], false},
		{"no protocol field", protoHeader(), `{"results":[]}`, false},
		{"other protocol field", protoHeader(), `{"protocol":"2","results":[]}`, true},
		{"no results", protoHeader(), `{"protocol":"1"}`, false},
		{"unknown outcome", protoHeader(), `{"protocol":"1","results":[{"kind":"need","id":"n1","rev":"r1","outcome":"maybe"}]}`, false},
		{"conflict without current", protoHeader(), `{"protocol":"1","results":[{"kind":"need","id":"n1","rev":"r1","outcome":"conflict"}]}`, false},
		{"invalid without reasons", protoHeader(), `{"protocol":"1","results":[{"kind":"need","id":"n1","rev":"r1","outcome":"invalid"}]}`, false},
		{"bad id", protoHeader(), `{"protocol":"1","results":[{"kind":"need","id":"n 1","rev":"r1","outcome":"accepted"}]}`, false},
		{"latin1 charset", http.Header{"Content-Type": {MediaType + "; charset=latin1"}, HeaderVersion: {"1"}}, good, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r PushResponse
			err := Decode(tt.h, []byte(tt.body), &r)
			if err == nil {
				t.Fatal("accepted")
			}
			var ve *VersionError
			if tt.version != errors.As(err, &ve) {
				t.Fatalf("err = %v, want version error %v", err, tt.version)
			}
			if !tt.version && !errors.Is(err, ErrNotProtocol) {
				t.Fatalf("err = %v, want ErrNotProtocol", err)
			}
		})
	}
	var r PushResponse
	if err := Decode(protoHeader(), []byte(good), &r); err != nil {
		t.Fatal(err)
	}
	h := protoHeader()
	h.Set("Content-Type", MediaType+"; charset=UTF-8")
	if err := Decode(h, []byte(good), &r); err != nil {
		t.Fatal(err)
	}
}

func TestPushResponseMatchRequest(t *testing.T) {
	req := PushRequest{Protocol: Version, Records: []Record{
		{Kind: KindNeed, ID: "n1", Rev: "r1", Body: body("n1", "r1", "")},
		{Kind: KindNeed, ID: "n2", Rev: "r2", Body: body("n2", "r2", "")},
	}}
	if err := req.Validate(); err != nil {
		t.Fatal(err)
	}
	resp := PushResponse{Protocol: Version, Results: []Result{
		{Kind: KindNeed, ID: "n1", Rev: "r1", Outcome: Accepted},
		{Kind: KindNeed, ID: "n2", Rev: "r2", Outcome: Duplicate},
	}}
	if err := resp.MatchRequest(&req); err != nil {
		t.Fatal(err)
	}
	resp.Results[0], resp.Results[1] = resp.Results[1], resp.Results[0]
	if err := resp.MatchRequest(&req); !errors.Is(err, ErrNotProtocol) {
		t.Fatalf("reordered results: %v", err)
	}
	if err := resp.MatchRequest(&PushRequest{Records: req.Records[:1]}); !errors.Is(err, ErrNotProtocol) {
		t.Fatalf("extra result: %v", err)
	}
}

func TestRecordValidate(t *testing.T) {
	ok := Record{Kind: KindNeed, ID: "n1", Rev: "r2", BaseRev: "r1", Body: body("n1", "r2", "r1")}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	// The body's base_rev is the sender's own history; the record's counts.
	otherBase := Record{Kind: KindNeed, ID: "n1", Rev: "r2", BaseRev: "r0", Body: body("n1", "r2", "r1")}
	if err := otherBase.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []Record{
		{Kind: "diagnosis", ID: "n1", Rev: "r2", BaseRev: "r1", Body: body("n1", "r2", "r1")},
		{Kind: KindNeed, ID: "n1", Rev: "r2", BaseRev: "r1", Body: body("n1", "r3", "r1")},
		{Kind: KindNeed, ID: "n2", Rev: "r2", BaseRev: "r1", Body: body("n1", "r2", "r1")},
		{Kind: KindNeed, ID: "n1", Rev: "r1", BaseRev: "r1", Body: body("n1", "r1", "r1")},
		{Kind: KindNeed, ID: "n1", Rev: "r2", Body: json.RawMessage(`"x"`)},
		{Kind: KindNeed, ID: strings.Repeat("a", MaxIDLen+1), Rev: "r2"},
	}
	for i, r := range bad {
		if err := r.Validate(); err == nil {
			t.Errorf("%d: accepted %+v", i, r)
		}
	}
}

func TestPullResponseValidate(t *testing.T) {
	at := time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC)
	ok := PullResponse{Protocol: Version, Cursor: "abc-3", Changes: []Change{
		{Kind: ChangeRecord, Record: &Record{Kind: KindNeed, ID: "n1", Rev: "r1", Body: body("n1", "r1", "")}},
		{Kind: ChangeStatus, Status: &StatusChange{NeedID: "n1", State: StatePublished, Label: "已发布", URL: "https://p.example/n1", At: at}},
		{Kind: ChangePublicNeed, NeedID: "n9", Public: &PublicNeed{ID: "n9", State: StatePublished}},
		{Kind: ChangePublicNeed, NeedID: "n8"},
		{Kind: ChangeRegistry, Registry: &RegistryEntry{ID: "e7", Name: "苏州某公司"}},
	}}
	b, err := Encode(ok)
	if err != nil {
		t.Fatal(err)
	}
	var got PullResponse
	if err := Decode(protoHeader(), b, &got); err != nil {
		t.Fatal(err)
	}
	bad := []Change{
		{Kind: "gossip"},
		{Kind: ChangeRecord},
		{Kind: ChangeStatus, Status: &StatusChange{NeedID: "n1", State: "maybe", At: at}},
		{Kind: ChangeStatus, Status: &StatusChange{NeedID: "n1", State: StatePublished}},
		{Kind: ChangePublicNeed, NeedID: "n1", Public: &PublicNeed{ID: "n2", State: StatePublished}},
		{Kind: ChangeRecord, Record: ok.Changes[0].Record, Status: ok.Changes[1].Status},
	}
	for i, c := range bad {
		p := PullResponse{Protocol: Version, Cursor: "c", Changes: []Change{c}}
		if err := p.Validate(); !errors.Is(err, ErrNotProtocol) {
			t.Errorf("%d: %v", i, err)
		}
	}
	if err := (&PullResponse{Protocol: Version, Changes: []Change{}}).Validate(); err == nil {
		t.Error("no cursor accepted")
	}
}

func TestParseServerURL(t *testing.T) {
	for _, s := range []string{"https://hub.example.cn", "https://hub.example.cn/base/", "http://127.0.0.1:8787", "http://localhost:8787", "http://[::1]:8787", "http://127.1.2.3"} {
		if _, err := ParseServerURL(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"http://hub.example.cn", "http://192.168.1.10:8787", "http://10.0.0.1", "ftp://127.0.0.1", "hub.example.cn", "https://u:p@hub.example.cn", "http://127.0.0.1.example.com",
		// Names that end in .localhost are resolved by DNS (issue 11.7).
		"http://evil.localhost:8787", "http://a.b.localhost", "http://localhost.example.com", "http://LOCALHOST.evil.cn"} {
		if _, err := ParseServerURL(s); err == nil {
			t.Errorf("%s accepted", s)
		}
	}
	if _, err := ParseServerURL("http://192.168.1.10"); !errors.Is(err, ErrInsecureURL) {
		t.Errorf("err = %v", err)
	}
	u, _ := ParseServerURL("https://hub.example.cn/base/?x=1#f")
	if u.String() != "https://hub.example.cn/base" {
		t.Errorf("normalised to %s", u)
	}
}

func TestPlatformStates(t *testing.T) {
	for _, s := range []string{"已发布", "published", "Published"} {
		st, err := ParsePlatformState(s)
		if err != nil || st != StatePublished {
			t.Errorf("%s: %v %v", s, st, err)
		}
	}
	if _, err := ParsePlatformState("发布了"); err == nil {
		t.Error("unknown state accepted")
	}
	for _, st := range PlatformStates {
		if !st.LocalStatus().Valid() {
			t.Errorf("%s maps to unknown status", st)
		}
	}
}
