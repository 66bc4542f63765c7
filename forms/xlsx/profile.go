package xlsx

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/xunbang/xunbang/forms"
)

// Platform profiles: for one platform, which columns its upload sheet has,
// in which order, and how each catalogue field and vocabulary is written
// there (codes or labels, one value or several, 元 or 万元, composed
// texts). A profile is data (profiles/*.json, embedded), checked against the
// catalogue when first used. Its columns are its own list, so a field added
// to the catalogue shifts no platform's columns; a profile for another
// platform is added when that platform's format is known, never guessed.

//go:embed profiles/*.json
var profileFiles embed.FS

// DefaultProfile is the profile the platform sheet takes when none is
// chosen: the Jiangsu platform's (jstec).
const DefaultProfile = "jstec"

// Profile is one platform's upload sheet.
type Profile struct {
	ID string `json:"id"`
	ZH string `json:"zh"`
	EN string `json:"en"`
	// Sheet names the upload sheet.
	Sheet string `json:"sheet"`
	// AboutZH and AboutEN say what the sheet is and for whom; the 说明
	// sheet prints them.
	AboutZH string `json:"about_zh"`
	AboutEN string `json:"about_en"`
	// Sources cite where the platform's fields and codes come from.
	Sources []string `json:"sources"`
	// Codes maps, by vocabulary, each of our option codes to the
	// platform's code, or to null where the platform has none. Every
	// option of a vocabulary a column writes as "code" is listed, so that
	// a new option needs a decision here.
	Codes map[string]map[string]*string `json:"codes"`
	// Labels names the platform's codes, by vocabulary, for the 代码表
	// sheet and the drop-down lists.
	Labels  map[string]map[string]string `json:"labels"`
	Columns []ProfileColumn              `json:"columns"`
}

// Label returns the profile's name in the given language.
func (p *Profile) Label(lang string) string { return tr(lang, p.ZH, p.EN) }

// ProfileColumn is one column of an upload sheet.
type ProfileColumn struct {
	Header string `json:"header"`
	// Key names the platform record's field the column fills (name,
	// cooperationMode …), "" for a column of ours (the enterprise's name
	// for the operator, the xunbang id).
	Key string `json:"key,omitempty"`
	// Field is the catalogue field written; Or a second one used when the
	// first is empty (a landline for a need without a mobile).
	Field string `json:"field,omitempty"`
	Or    string `json:"or,omitempty"`
	// Special is "need_id": the need's xunbang id.
	Special string `json:"special,omitempty"`
	// Value says how a field is written:
	//   ""                   labels for options, text as it is
	//   "code"               the platform's codes (Profile.Codes)
	//   "own_code"           xunbang's codes (the xunbang profile)
	//   "name_path"          a tech field as the names of its levels, top first
	//   "code_most_specific" a tech field's code, the most specific one
	//   "full_name"          a region as its full name (江苏省苏州市昆山市玉山镇)
	//   "county_codes"       a region as the 6-digit codes of its province,
	//                        city and county, comma-separated
	Value string `json:"value,omitempty"`
	// One: the platform takes one value; the first the platform has a
	// code for is written, else Fallback.
	One      bool   `json:"one,omitempty"`
	Fallback string `json:"fallback,omitempty"`
	// Sep joins several values; default "," for codes, "、" for labels.
	Sep string `json:"sep,omitempty"`
	// Unit of a money field: "wan" (万元, the default) or "yuan" (元).
	Unit string `json:"unit,omitempty"`
	// Negotiable is written for 面议; default "面议".
	Negotiable *string `json:"negotiable,omitempty"`
	// Validate adds a drop-down list of the column's options.
	Validate bool `json:"validate,omitempty"`
	// Compose makes one text of several fields, each part numbered and
	// headed (一、需求内容：…).
	Compose []ComposePart `json:"compose,omitempty"`
	Width   float64       `json:"width,omitempty"`
}

// ComposePart is one part of a composed text.
type ComposePart struct {
	Label  string   `json:"label"`
	Fields []string `json:"fields"`
	// LabelFields heads every field by its label; else only the fields
	// after the first are.
	LabelFields bool `json:"label_fields,omitempty"`
	// IfLost writes the part only when a one-valued or coded column lost
	// some of the field's value (several cooperation modes, one without a
	// platform code, 面议 where the platform wants a number).
	IfLost bool `json:"if_lost,omitempty"`
}

type profileFile struct {
	Format int `json:"format"`
	Profile
}

var (
	profilesOnce sync.Once
	profileList  []*Profile
	profileErr   error
)

// Profiles returns the embedded profiles, the default first.
func Profiles() []*Profile {
	profilesOnce.Do(func() {
		profileList, profileErr = loadProfiles(forms.Default())
	})
	if profileErr != nil {
		panic(fmt.Sprintf("xlsx: embedded platform profiles: %v", profileErr)) // tested: a broken build
	}
	return profileList
}

// ProfileByID returns the profile with the given id; "" is the default.
func ProfileByID(id string) (*Profile, bool) {
	if id == "" {
		id = DefaultProfile
	}
	for _, p := range Profiles() {
		if p.ID == id {
			return p, true
		}
	}
	return nil, false
}

// ProfileIDs returns the ids of the profiles, the default first.
func ProfileIDs() []string {
	var out []string
	for _, p := range Profiles() {
		out = append(out, p.ID)
	}
	return out
}

func loadProfiles(cat *forms.Catalogue) ([]*Profile, error) {
	names, err := profileFiles.ReadDir("profiles")
	if err != nil {
		return nil, err
	}
	var out []*Profile
	for _, e := range names {
		data, err := profileFiles.ReadFile(path.Join("profiles", e.Name()))
		if err != nil {
			return nil, err
		}
		p, err := parseProfile(cat, data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID == DefaultProfile && out[j].ID != DefaultProfile })
	return out, nil
}

// parseProfile reads a profile and checks it against the catalogue: every
// field exists; nothing the upload may not carry is mapped (see
// uploadField); every code a column writes is mapped; the platform's codes
// have labels.
func parseProfile(cat *forms.Catalogue, data []byte) (*Profile, error) {
	var f profileFile
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse profile: %w", err)
	}
	if f.Format != 1 {
		return nil, fmt.Errorf("parse profile: unsupported format %d", f.Format)
	}
	p := &f.Profile
	if p.ID == "" || p.Sheet == "" || p.ZH == "" || p.EN == "" || len(p.Sources) == 0 || len(p.Columns) == 0 {
		return nil, fmt.Errorf("parse profile %q: id, sheet, names, sources and columns are required", p.ID)
	}
	headers := map[string]bool{}
	ids := 0
	for i, c := range p.Columns {
		where := fmt.Sprintf("profile %s column %d (%s)", p.ID, i+1, c.Header)
		if c.Header == "" || headers[c.Header] {
			return nil, fmt.Errorf("%s: empty or repeated header", where)
		}
		headers[c.Header] = true
		if c.Special == "need_id" {
			ids++
		}
		if err := p.checkColumn(cat, c); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
	}
	if ids != 1 {
		return nil, fmt.Errorf("profile %s: %d xunbang id columns, want one (the key of a re-upload)", p.ID, ids)
	}
	return p, nil
}

// checkColumn checks one column against the catalogue.
func (p *Profile) checkColumn(cat *forms.Catalogue, c ProfileColumn) error {
	fields, err := c.fields()
	if err != nil {
		return err
	}
	for _, id := range fields {
		fd, ok := cat.Field(id)
		if !ok {
			return fmt.Errorf("no catalogue field %q", id)
		}
		if !uploadField(fd) {
			return fmt.Errorf("field %s (%s, %s) may not go to a platform", id, fd.Entity, fd.Class)
		}
	}
	if c.Field == "" || len(c.Compose) > 0 {
		return nil
	}
	fd := cat.MustField(c.Field)
	if err := p.checkValue(cat, c, fd); err != nil {
		return err
	}
	if c.Unit != "" && (c.Unit != "wan" && c.Unit != "yuan" || fd.Kind != forms.KindMoney) {
		return fmt.Errorf("unit %q", c.Unit)
	}
	if c.Validate && (fd.Kind != forms.KindEnum && !c.One || fd.Vocabulary == "") {
		return fmt.Errorf("a drop-down list needs a field of one option")
	}
	return nil
}

// fields lists the catalogue fields a column writes.
func (c ProfileColumn) fields() ([]string, error) {
	switch {
	case c.Special == "need_id":
		if c.Field != "" || len(c.Compose) > 0 {
			return nil, fmt.Errorf("the id column writes nothing else")
		}
		return nil, nil
	case c.Special != "":
		return nil, fmt.Errorf("unknown special %q", c.Special)
	case len(c.Compose) > 0:
		if c.Field != "" {
			return nil, fmt.Errorf("a composed column has no field of its own")
		}
		var out []string
		for _, part := range c.Compose {
			if part.Label == "" || len(part.Fields) == 0 {
				return nil, fmt.Errorf("a composed part needs a label and fields")
			}
			out = append(out, part.Fields...)
		}
		return out, nil
	case c.Field == "":
		return nil, fmt.Errorf("no field")
	case c.Or != "":
		return []string{c.Field, c.Or}, nil
	}
	return []string{c.Field}, nil
}

// checkValue checks how a column writes its field: every option of a
// coded vocabulary mapped, every platform code named.
func (p *Profile) checkValue(cat *forms.Catalogue, c ProfileColumn, fd *forms.Field) error {
	switch c.Value {
	case "", "own_code":
	case "code":
		if fd.Vocabulary == "" {
			return fmt.Errorf("codes of a field without options")
		}
		m := p.Codes[fd.Vocabulary]
		for _, o := range cat.Vocabulary(fd.Vocabulary).Options {
			code, listed := m[o.Code]
			if !listed {
				return fmt.Errorf("option %s %s has no entry in codes.%s (null when the platform has none)", o.Code, o.ZH, fd.Vocabulary)
			}
			if code != nil && p.Labels[fd.Vocabulary][*code] == "" {
				return fmt.Errorf("the platform's code %s has no label", *code)
			}
		}
		if c.Fallback != "" && p.Labels[fd.Vocabulary][c.Fallback] == "" {
			return fmt.Errorf("fallback %s is no platform code", c.Fallback)
		}
	case "name_path", "code_most_specific":
		if fd.Vocabulary != "tech_field" {
			return fmt.Errorf("%s is for tech fields", c.Value)
		}
	case "full_name", "county_codes":
		if fd.Kind != forms.KindRegion {
			return fmt.Errorf("%s is for a region", c.Value)
		}
	default:
		return fmt.Errorf("unknown value %q", c.Value)
	}
	return nil
}

// fields returns the ids of the catalogue fields the profile's columns
// write (ProfileColumn.fields).
func (p *Profile) fields() map[string]bool {
	out := map[string]bool{}
	for _, c := range p.Columns {
		ids, _ := c.fields() // checked when the profile was parsed
		for _, id := range ids {
			out[id] = true
		}
	}
	return out
}

// uploadField reports whether a field may go to a platform's operator in
// an upload sheet: a public field; the enterprise's identity and its
// contact (the operator checks and reaches the enterprise: the upload is
// not the publication); an internal field marked for the upload (the
// 技术经理人, the 专场, the platform's number); a business secret the
// enterprise may publish need by need, written only where it chose to.
// Internal notes, the legal representative, R&D figures and the diagnosis
// never are.
func uploadField(fd *forms.Field) bool {
	switch {
	case fd.Entity == forms.EntityContact:
		return true
	case fd.Entity != forms.EntityEnterprise && fd.Entity != forms.EntityNeed:
		return false
	case fd.Class == forms.ClassPublic:
		return true
	case fd.Class == forms.ClassInternal:
		return fd.Upload
	case fd.Class == forms.ClassSecret:
		return fd.PublishFlag != ""
	}
	return false
}

// platformCode returns the platform's code of one of our codes.
func (p *Profile) platformCode(vocab, code string) (string, bool) {
	c, ok := p.Codes[vocab][code]
	if !ok || c == nil {
		return "", false
	}
	return *c, true
}

// platformCodes lists the platform's codes of a vocabulary, sorted.
func (p *Profile) platformCodes(vocab string) []string {
	var out []string
	for c := range p.Labels[vocab] {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// lossy reports whether a column carries only part of a value (one of
// several, the county of a town, a composed text): reading it back would
// lose the rest.
func (c ProfileColumn) lossy() bool {
	return c.One || len(c.Compose) > 0 || c.Value == "county_codes" || c.Value == "code_most_specific"
}
