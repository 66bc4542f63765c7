package xlsx

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xunbang/xunbang/forms"
)

// secretsOf lists the strings of an enterprise and its need that must not
// appear in public output unless the need is 实名公开: who the enterprise is,
// its contacts, and every business-secret (商业秘密) field — and, for good
// measure, the internal and personal ones.
func secretsOf(e *forms.Enterprise, n *forms.Need) []string {
	cat := forms.Default()
	var out []string
	add := func(id string, l []string) {
		f, ok := cat.Field(id)
		if ok && (f.Class != forms.ClassPublic || f.Identifying) {
			out = append(out, l...)
		}
	}
	for id, l := range e.Values {
		add(id, l)
	}
	for _, c := range e.Contacts {
		for id, l := range c.Values {
			add(id, l)
		}
	}
	for id, l := range n.Values {
		add(id, l)
	}
	return out
}

// TestRedaction builds needs of all three visibilities with distinctive
// names, credit codes, contacts and secret values, writes the handbook (with
// and without the unconfirmed ones), the platform sheet and the report, and
// searches every part of each unzipped file, shared strings included.
func TestRedaction(t *testing.T) {
	m := &memRecords{}
	type party struct {
		vis  forms.Visibility
		ent  *forms.Enterprise
		need *forms.Need
	}
	var parties []party
	for i, p := range []struct {
		vis              forms.Visibility
		name, who, phone string
		confirm          bool
	}{
		{forms.VisibilityNamed, "实名甲乙丙精密机械有限公司", "实名联系人", "13911110001", true},
		{forms.VisibilityAnonymous, "匿名丁戊己新材料有限公司", "匿名联系人", "13922220002", true},
		{forms.VisibilityPrivate, "不公开庚辛壬生物科技有限公司", "私密联系人", "13933330003", true},
		{forms.VisibilityAnonymous, "匿名未确认癸子丑有限公司", "未确认联系人", "13944440004", false},
	} {
		tag := []string{"AAA", "BBB", "CCC", "DDD"}[i]
		e := m.addEnterprise(t, entSpec{
			name: p.name, code: creditCode(t, "9132058"+strings.Repeat(string("1234"[i]), 2)+"MA1XYW"+string("5678"[i])),
			region: "320583100",
			contact: forms.Values{"contact_name": {p.who}, "contact_position": {"总工程师" + tag}, "contact_mobile": {p.phone},
				"contact_landline": {"0512-5777" + strings.Repeat(string("1234"[i]), 4)}, "contact_email": {"boss" + strings.ToLower(tag) + "@example.com"}},
			extra: forms.Values{"legal_representative": {"法人代表" + tag}, "address": {"秘密地址" + tag + "路 88 号"},
				"rd_spend_wan": {"98765." + string("1234"[i])}, "profile": {"内部简介" + tag}},
		})
		title := "公开标题" + tag
		if p.vis == forms.VisibilityPrivate {
			title = "不公开标题" + tag
		}
		n := m.addNeed(t, e, title, p.vis, p.confirm, forms.Values{
			"current_basis":      {"商业秘密现有基础" + tag},
			"confidential_notes": {"内部保密备注" + tag},
			"intended_partners":  {"意向合作单位" + tag},
		})
		if p.vis == forms.VisibilityAnonymous {
			n.Values.Set("public_alias", "苏州市某企业"+tag)
			if p.confirm {
				n.Status = forms.StatusToConfirm
				if err := forms.Default().Confirm(n, e, forms.Confirmation{At: fixedNow()}); err != nil {
					t.Fatal(err)
				}
			}
		}
		parties = append(parties, party{p.vis, e, n})
	}

	files := map[string][]byte{}
	ctx := context.Background()
	var buf bytes.Buffer
	if _, err := WriteHandbook(ctx, &buf, m, HandbookOptions{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	files["handbook"] = bytes.Clone(buf.Bytes())
	buf.Reset()
	if _, err := WriteHandbook(ctx, &buf, m, HandbookOptions{Now: fixedNow, IncludeUnconfirmed: true}); err != nil {
		t.Fatal(err)
	}
	files["handbook with unconfirmed"] = bytes.Clone(buf.Bytes())
	buf.Reset()
	if _, err := WritePlatform(ctx, &buf, m, PlatformOptions{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	files["platform"] = bytes.Clone(buf.Bytes())
	buf.Reset()
	if _, err := WriteReport(ctx, &buf, m, ReportOptions{Now: fixedNow, HomeRegion: kunshan}); err != nil {
		t.Fatal(err)
	}
	files["report"] = bytes.Clone(buf.Bytes())

	for name, data := range files {
		parts := unzipParts(t, data)
		found := func(s string) []string {
			var in []string
			for part, b := range parts {
				if bytes.Contains(b, []byte(s)) {
					in = append(in, part)
				}
			}
			return in
		}
		for _, p := range parties {
			secrets := secretsOf(p.ent, p.need)
			switch {
			case p.vis == forms.VisibilityNamed:
				// Sanity: the named need is there under its name, so the
				// search below is not vacuous.
				if parts := found(p.ent.Name()); len(parts) == 0 {
					t.Errorf("%s: the named enterprise %q is missing", name, p.ent.Name())
				}
				// Even when named, secret and internal fields never go out.
				for id, l := range p.need.Values {
					if f, _ := forms.Default().Field(id); f != nil && (f.Class == forms.ClassSecret || f.Class == forms.ClassInternal) && name != "report" {
						for _, s := range l {
							if in := found(s); len(in) > 0 {
								t.Errorf("%s: %s field %s of the named need (%q) appears in %v", name, f.Class, id, s, in)
							}
						}
					}
				}
			default:
				if p.vis == forms.VisibilityPrivate {
					secrets = append(secrets, p.need.Title())
				}
				if name == "platform" && p.vis == forms.VisibilityAnonymous && p.need.Confirmation != nil {
					// The upload is not the publication (issue 13.4): the
					// operator gets who the enterprise is and its contact,
					// never its secrets or the team's notes.
					secrets = nil
					for id, l := range p.need.Values {
						if f, _ := forms.Default().Field(id); f != nil && (f.Class == forms.ClassSecret || f.Class == forms.ClassInternal && !f.Upload) {
							secrets = append(secrets, l...)
						}
					}
					for _, id := range []string{"legal_representative", "address", "rd_spend_wan", "profile"} {
						secrets = append(secrets, p.ent.Values.List(id)...)
					}
					if len(found(p.ent.Name())) == 0 || len(found(p.ent.CreditCode())) == 0 {
						t.Errorf("platform: the anonymous need's enterprise is not named for the operator")
					}
				}
				for _, s := range secrets {
					if in := found(s); len(in) > 0 {
						t.Errorf("%s: %q of a %s need appears in %v", name, s, p.vis, in)
					}
				}
			}
		}
	}
	// The anonymous alias stands in for the name.
	hb := unzipParts(t, files["handbook"])
	if !bytes.Contains(hb["xl/worksheets/sheet1.xml"], []byte("苏州市某企业BBB")) {
		t.Error("the handbook lacks the anonymous need's alias")
	}
	if bytes.Contains(hb["xl/worksheets/sheet1.xml"], []byte("苏州市某企业DDD")) {
		t.Error("the handbook holds the unconfirmed need without IncludeUnconfirmed")
	}
	hbu := unzipParts(t, files["handbook with unconfirmed"])
	if !bytes.Contains(hbu["xl/worksheets/sheet1.xml"], []byte("苏州市某企业DDD")) {
		t.Error("the handbook with unconfirmed needs lacks the unconfirmed anonymous need")
	}
}
