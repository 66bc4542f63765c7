package client

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
)

// The codes of the reasons the client itself gives for setting a record
// aside (store.Reason.Code); the platform's reasons carry its own codes
// (those of forms' validation: "required", "max_len" …, or "forbidden").
const (
	ReasonConflict      = "conflict"       // the platform holds a colleague's revision (Detail: its rev)
	ReasonTooBig        = "too_big"        // over protocol.MaxRecordBytes: never sent
	ReasonRefusedTooBig = "too_big.server" // the platform found it too large
	ReasonUnreadable    = "unreadable"     // the local record does not read (Detail: why)
)

// ReasonTexts says why a record was set aside, in lang ("zh" or "en"), a
// line for each reason: the client's own reasons in the user's language;
// the platform's, when the refused revision (body, a record of kind) still
// shows the same problem to this program's validation, as that problem
// says it in lang, else in the platform's own words.
func ReasonTexts(reasons []store.Reason, kind string, body []byte, lang string) []string {
	var local []forms.Problem
	cat := forms.Default()
	switch kind {
	case store.KindNeed:
		var n forms.Need
		if json.Unmarshal(body, &n) == nil {
			local = cat.ValidateNeed(&n, forms.Final)
		}
	case store.KindEnterprise:
		var e forms.Enterprise
		if json.Unmarshal(body, &e) == nil {
			local = cat.ValidateEnterprise(&e, forms.Final)
		}
	}
	out := make([]string, 0, len(reasons))
	for _, r := range reasons {
		out = append(out, reasonText(r, local, cat, lang))
	}
	return out
}

func reasonText(r store.Reason, local []forms.Problem, cat *forms.Catalogue, lang string) string {
	en := lang == "en"
	switch r.Code {
	case ReasonConflict:
		if r.Detail == "" && r.Message != "" { // kept as a sentence by an older version
			return strings.TrimPrefix(r.Message, "conflict：")
		}
		if en {
			return fmt.Sprintf("A colleague's revision (%s) is on the platform; both are kept: choose, field by field, which to keep.", shortRev(r.Detail))
		}
		return fmt.Sprintf("平台上已有同事修改过的版本（%s），两边都已保留，请逐项选择保留哪一边。", shortRev(r.Detail))
	case ReasonTooBig:
		if en {
			return "The record is too large (over 1 MiB) to upload."
		}
		return "记录太大（超过 1 MiB），无法上传。"
	case ReasonRefusedTooBig:
		if en {
			return "The server found this record too large and refused it."
		}
		return "服务器认为这条记录太大，拒收。"
	case ReasonUnreadable:
		if en {
			return "The local record cannot be read; it was not uploaded: " + r.Detail
		}
		return "本地记录无法读取，未上传：" + r.Detail
	}
	for _, p := range local {
		if p.Code == r.Code && p.Field == r.Field && p.Item == r.Item && r.Code != "" {
			return p.Message(cat, lang)
		}
	}
	if r.Message != "" {
		return r.Message
	}
	if en {
		return fmt.Sprintf("%s: refused (%s)", cat.Label(r.Field, "en"), r.Code)
	}
	return fmt.Sprintf("「%s」未通过平台检查（%s）", cat.Label(r.Field, "zh"), r.Code)
}
