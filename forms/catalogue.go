package forms

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
)

//go:embed data/catalogue.json
var catalogueJSON []byte

// Entity names the record a field belongs to.
type Entity string

// The entities of the 需求征集表.
const (
	EntityEnterprise   Entity = "enterprise"
	EntityContact      Entity = "contact"
	EntityNeed         Entity = "need"
	EntityDiagnosis    Entity = "diagnosis"
	EntityConfirmation Entity = "confirmation"
	// EntitySolution is a solution a provider offers for a published need
	// (《技术需求解决方案表》); see solution.go.
	EntitySolution Entity = "solution"
)

// Kind is the kind of value a field holds. It decides how the value is parsed,
// validated, stored and drawn.
type Kind string

// Field kinds. Every value is kept as text in a canonical form (see [Values]).
const (
	KindText       Kind = "text"        // one line
	KindLongText   Kind = "longtext"    // several lines
	KindNumber     Kind = "number"      // decimal, "12" or "3.5"
	KindMoney      Kind = "money"       // 万元, canonical decimal with up to 4 places
	KindDate       Kind = "date"        // "2006-01-02" or "2006-01"
	KindEnum       Kind = "enum"        // one option code
	KindMultiEnum  Kind = "multi_enum"  // option codes, several
	KindKeywords   Kind = "keywords"    // free words, several
	KindRegion     Kind = "region"      // GB/T 2260 code, 6 or 9 digits
	KindCreditCode Kind = "credit_code" // 统一社会信用代码, normalised
	KindMobile     Kind = "mobile"      // 11 digits
	KindLandline   Kind = "landline"    // 0512-65246015
	KindEmail      Kind = "email"
	KindBool       Kind = "bool" // "true" or "false"
)

// Multi reports whether fields of this kind hold several values.
func (k Kind) Multi() bool { return k == KindMultiEnum || k == KindKeywords }

// DataClass says how confidential a field's value is. Redaction reads it.
type DataClass string

// Data classes (公开 / 内部 / 商业秘密 / 个人信息).
const (
	ClassPublic   DataClass = "public"   // 公开: may appear in public output
	ClassInternal DataClass = "internal" // 内部: the team's working notes, never published
	ClassSecret   DataClass = "secret"   // 商业秘密: the enterprise's business secret
	ClassPersonal DataClass = "personal" // 个人信息: personal information (PIPL)
)

// Label returns the class's name in the given language ("zh" or "en").
func (c DataClass) Label(lang string) string {
	zh, en := map[DataClass]string{ClassPublic: "公开", ClassInternal: "内部", ClassSecret: "商业秘密", ClassPersonal: "个人信息"},
		map[DataClass]string{ClassPublic: "public", ClassInternal: "internal", ClassSecret: "business secret", ClassPersonal: "personal information"}
	if lang == "en" {
		return en[c]
	}
	return zh[c]
}

// Field describes one field of the 需求征集表.
type Field struct {
	ID          string    `json:"id"` // stable snake_case id; JSON, Excel and the UI key on it
	Entity      Entity    `json:"entity"`
	Section     string    `json:"section"`
	ZH          string    `json:"zh"`
	EN          string    `json:"en"`
	Kind        Kind      `json:"kind"`
	Vocabulary  string    `json:"vocabulary,omitempty"` // for enum and multi_enum
	Required    bool      `json:"required,omitempty"`   // blocks finalising, never saving a draft
	MinLen      int       `json:"min_len,omitempty"`    // in characters (runes)
	MaxLen      int       `json:"max_len,omitempty"`    // in characters; per item for keywords
	Min         *float64  `json:"min,omitempty"`
	Max         *float64  `json:"max,omitempty"`
	Integer     bool      `json:"integer,omitempty"`
	MinItems    int       `json:"min_items,omitempty"`
	MaxItems    int       `json:"max_items,omitempty"`
	Class       DataClass `json:"class"`
	Identifying bool      `json:"identifying,omitempty"` // names the enterprise or a person: hidden in anonymous publication
	HelpZH      string    `json:"help_zh,omitempty"`
	HelpEN      string    `json:"help_en,omitempty"`
	Aliases     []string  `json:"aliases,omitempty"` // other headers people write for it
	// NegotiableFlag names the bool field that 面议 sets, for a money field.
	NegotiableFlag string `json:"negotiable_flag,omitempty"`
	// PublishFlag names, for a business-secret field the enterprise may
	// choose to publish need by need (现有基础), the bool field of the same
	// record that says it does: the field is then published like a public
	// one (see [Catalogue.Publish]).
	PublishFlag string `json:"publish_flag,omitempty"`
	// Upload marks an internal field that the platform's operator receives
	// in the upload sheet (the responsible 技术经理人, the 专场, the
	// platform's own number): still never published.
	Upload bool `json:"upload,omitempty"`
	// RangeEnd names, for the first year of a range (需求时限), the field of
	// its last year: a cell holding both ("2025—2027") fills the two.
	RangeEnd string `json:"range_end,omitempty"`

	contentIndex int // 1 + its place in Catalogue.content, or 0
}

// Label returns the field's label in the given language ("zh" or "en").
func (f *Field) Label(lang string) string {
	if lang == "en" {
		return f.EN
	}
	return f.ZH
}

// Help returns the field's help text in the given language.
func (f *Field) Help(lang string) string {
	if lang == "en" {
		return f.HelpEN
	}
	return f.HelpZH
}

// Option is one value of a vocabulary.
type Option struct {
	// Code is the option's stable code: an official one where there is one
	// (the 高新技术领域 codes, GB/T 4754 letters), else xunbang's own. A
	// platform's codes are mapped to it by that platform's profile
	// (forms/xlsx/profiles), never assumed equal.
	Code    string   `json:"code"`
	ZH      string   `json:"zh"`
	EN      string   `json:"en"`
	Parent  string   `json:"parent,omitempty"` // for vocabularies in levels (tech fields: three)
	Aliases []string `json:"aliases,omitempty"`
	// Legacy lists codes the option had in earlier catalogues: they are
	// matched as aliases, and [Catalogue.UpgradeValues] rewrites them.
	Legacy []string `json:"legacy,omitempty"`
}

// Label returns the option's label in the given language.
func (o Option) Label(lang string) string {
	if lang == "en" {
		return o.EN
	}
	return o.ZH
}

// Vocabulary is a list of options a field may take.
type Vocabulary struct {
	ID      string
	Options []Option
	byCode  map[string]int
	byName  map[string]int    // normalised code, labels and aliases
	legacy  map[string]string // a legacy code → the current code
	// listParts is the most parts (see SplitList) a code, label or alias
	// splits into: the longest run of parts that can name one option.
	listParts int
}

// Option returns the option with the given code.
func (v *Vocabulary) Option(code string) (Option, bool) {
	i, ok := v.byCode[code]
	if !ok {
		return Option{}, false
	}
	return v.Options[i], true
}

// Label returns the label of code in lang, or code itself when unknown.
func (v *Vocabulary) Label(code, lang string) string {
	if o, ok := v.Option(code); ok {
		return o.Label(lang)
	}
	return code
}

// Match finds the option a person meant: by code, Chinese or English label, or a
// known alias, ignoring width, case, spaces and quotes.
func (v *Vocabulary) Match(s string) (Option, bool) {
	k := matchKey(s)
	i, ok := v.byName[k]
	if !ok {
		return Option{}, false
	}
	if isDigits(k) && strings.ContainsAny(strings.TrimSpace(s), "、 \t\n\r\u3000") {
		// Digits written apart ("10、104", "10 104") are several codes,
		// not one: the tech field codes nest (10, 104, 10401).
		return Option{}, false
	}
	return v.Options[i], true
}

// Upgrade returns the current code of a code, which may be a legacy one
// (see [Option.Legacy]); ok is false when code is neither.
func (v *Vocabulary) Upgrade(code string) (current string, ok bool) {
	if _, ok := v.byCode[code]; ok {
		return code, true
	}
	current, ok = v.legacy[code]
	return current, ok
}

// Path returns the options from the top level down to code's, code's last;
// nil for an unknown code.
func (v *Vocabulary) Path(code string) []Option {
	var out []Option
	for range 8 { // vocabularies have at most three levels
		o, ok := v.Option(code)
		if !ok {
			return nil
		}
		out = append(out, o)
		if o.Parent == "" {
			slices.Reverse(out)
			return out
		}
		code = o.Parent
	}
	return nil
}

// Above reports whether code a lies above code b: b's parent, its
// parent's parent, and so on. Unlike Path it allocates nothing.
func (v *Vocabulary) Above(a, b string) bool {
	o, ok := v.Option(b)
	for range 8 { // vocabularies have at most three levels
		if !ok || o.Parent == "" {
			return false
		}
		if o.Parent == a {
			return true
		}
		o, ok = v.Option(o.Parent)
	}
	return false
}

// Root returns the top-level code above code (code itself for a top-level
// one), or "" for an unknown code or a nil vocabulary.
func (v *Vocabulary) Root(code string) string {
	if v == nil {
		return ""
	}
	if p := v.Path(code); len(p) > 0 {
		return p[0].Code
	}
	return ""
}

// Children returns the options whose parent is code ("" for the top level).
func (v *Vocabulary) Children(code string) []Option {
	var out []Option
	for _, o := range v.Options {
		if o.Parent == code {
			out = append(out, o)
		}
	}
	return out
}

// Catalogue is the field catalogue of the unified 需求征集表.
type Catalogue struct {
	Format  int
	Version string
	TitleZH string
	TitleEN string
	// Sources cite, by vocabulary id, the public sources of its codes.
	Sources      map[string]string
	fields       []*Field
	byID         map[string]*Field
	byEntity     map[Entity][]*Field // each entity's fields, in catalogue order
	byAlias      map[string]*Field
	vocabularies map[string]*Vocabulary
	// content lists the need fields of a need's canonical content (all
	// but the internal ones), sorted by id.
	content []*Field
	// handbook lists the rows of a need's block in the 《技术需求汇编》.
	handbook []string
	// flags are the bool fields another field names as its publish or
	// negotiable flag.
	flags map[string]bool
	// solutionByAlias maps the headers of a 《技术需求解决方案表》 to its
	// fields: an index of its own, since 联系人 or 单位类型 name other
	// fields on a 需求征集表.
	solutionByAlias map[string]*Field
}

type catalogueFile struct {
	Format       int                 `json:"format"`
	Version      string              `json:"version"`
	TitleZH      string              `json:"title_zh"`
	TitleEN      string              `json:"title_en"`
	Handbook     []string            `json:"handbook"`
	Sources      map[string]string   `json:"sources"`
	Fields       []*Field            `json:"fields"`
	Vocabularies map[string][]Option `json:"vocabularies"`
}

var (
	defaultOnce sync.Once
	defaultCat  *Catalogue
)

// Default returns the embedded catalogue. It panics if the embedded file is
// malformed, which the package's tests rule out.
func Default() *Catalogue {
	defaultOnce.Do(func() {
		c, err := ParseCatalogue(catalogueJSON)
		if err != nil {
			panic(fmt.Sprintf("forms: embedded catalogue: %v", err))
		}
		defaultCat = c
	})
	return defaultCat
}

// ParseCatalogue reads and checks a catalogue file.
func ParseCatalogue(data []byte) (*Catalogue, error) {
	var f catalogueFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse catalogue: %w", err)
	}
	if f.Format != 1 {
		return nil, fmt.Errorf("parse catalogue: unsupported format %d", f.Format)
	}
	if f.Version == "" {
		return nil, fmt.Errorf("parse catalogue: no version")
	}
	c := &Catalogue{
		Format: f.Format, Version: f.Version, TitleZH: f.TitleZH, TitleEN: f.TitleEN, Sources: f.Sources,
		fields: f.Fields, byID: map[string]*Field{}, byAlias: map[string]*Field{},
		solutionByAlias: map[string]*Field{}, vocabularies: map[string]*Vocabulary{},
	}
	for id, opts := range f.Vocabularies {
		v, err := parseVocabulary(id, opts)
		if err != nil {
			return nil, err
		}
		c.vocabularies[id] = v
	}
	if err := c.indexFields(); err != nil {
		return nil, err
	}
	if err := c.setHandbook(f.Handbook); err != nil {
		return nil, err
	}
	if err := c.checkFieldRefs(); err != nil {
		return nil, err
	}
	c.numberContent()
	if err := c.indexHeaders(); err != nil {
		return nil, err
	}
	if err := c.indexSolutionHeaders(); err != nil {
		return nil, err
	}
	return c, nil
}

// indexFields checks each field and indexes it by id; the need fields of a
// need's content are listed in c.content.
func (c *Catalogue) indexFields() error {
	c.byEntity = map[Entity][]*Field{}
	for _, fd := range c.fields {
		c.byEntity[fd.Entity] = append(c.byEntity[fd.Entity], fd)
		if !validID(fd.ID) {
			return fmt.Errorf("parse catalogue: field id %q is not snake_case", fd.ID)
		}
		if _, dup := c.byID[fd.ID]; dup {
			return fmt.Errorf("parse catalogue: duplicate field %s", fd.ID)
		}
		if err := c.checkField(fd); err != nil {
			return fmt.Errorf("parse catalogue: field %s: %w", fd.ID, err)
		}
		c.byID[fd.ID] = fd
		if fd.Entity == EntityNeed && fd.Class != ClassInternal {
			c.content = append(c.content, fd)
		}
	}
	return nil
}

// checkField checks that a field is of a known entity, kind (an option
// field's vocabulary known too) and data class, has both labels, and is
// marked upload or given a publish flag only where that means something.
func (c *Catalogue) checkField(fd *Field) error {
	switch fd.Entity {
	case EntityEnterprise, EntityContact, EntityNeed, EntityDiagnosis, EntityConfirmation, EntitySolution:
	default:
		return fmt.Errorf("unknown entity %q", fd.Entity)
	}
	switch fd.Kind {
	case KindText, KindLongText, KindNumber, KindMoney, KindDate, KindRegion, KindCreditCode,
		KindMobile, KindLandline, KindEmail, KindBool, KindKeywords:
	case KindEnum, KindMultiEnum:
		if c.vocabularies[fd.Vocabulary] == nil {
			return fmt.Errorf("unknown vocabulary %q", fd.Vocabulary)
		}
	default:
		return fmt.Errorf("unknown kind %q", fd.Kind)
	}
	switch fd.Class {
	case ClassPublic, ClassInternal, ClassSecret, ClassPersonal:
	default:
		return fmt.Errorf("unknown data class %q", fd.Class)
	}
	if fd.ZH == "" || fd.EN == "" {
		return fmt.Errorf("needs zh and en labels")
	}
	if fd.Upload && fd.Class != ClassInternal {
		return fmt.Errorf("only an internal field is marked upload")
	}
	if fd.PublishFlag != "" && fd.Class != ClassSecret {
		return fmt.Errorf("only a business-secret field has a publish flag")
	}
	return nil
}

// numberContent sorts the fields of a need's content by id and numbers
// them from 1 in that order.
func (c *Catalogue) numberContent() {
	slices.SortFunc(c.content, func(a, b *Field) int { return strings.Compare(a.ID, b.ID) })
	for i, fd := range c.content {
		fd.contentIndex = i + 1
	}
}

// indexHeaders indexes the fields by the headers that name them on a
// filled-in 需求征集表 (only the entities it carries take part): labels
// first, then aliases; an alias may not steal a label, nor one header name
// two fields.
func (c *Catalogue) indexHeaders() error {
	headed := func(fd *Field) bool {
		return fd.Entity == EntityEnterprise || fd.Entity == EntityContact || fd.Entity == EntityNeed
	}
	for _, fd := range c.fields {
		if !headed(fd) {
			continue
		}
		for _, name := range []string{fd.ID, fd.ZH, fd.EN} {
			k := HeaderKey(name)
			if other, taken := c.byAlias[k]; taken && other != fd {
				return fmt.Errorf("parse catalogue: header %q names both %s and %s", name, other.ID, fd.ID)
			}
			c.byAlias[k] = fd
		}
	}
	for _, fd := range c.fields {
		if !headed(fd) {
			continue
		}
		for _, a := range fd.Aliases {
			k := HeaderKey(a)
			if other, taken := c.byAlias[k]; taken && other != fd {
				return fmt.Errorf("parse catalogue: alias %q of %s already names %s", a, fd.ID, other.ID)
			}
			c.byAlias[k] = fd
		}
	}
	return nil
}

// parseVocabulary indexes a vocabulary's options by code, label, alias and
// legacy code, refusing a code, label or legacy code that names two.
func parseVocabulary(id string, opts []Option) (*Vocabulary, error) {
	v := &Vocabulary{ID: id, Options: opts, byCode: map[string]int{}, byName: map[string]int{}, legacy: map[string]string{}}
	for i, o := range opts {
		if _, dup := v.byCode[o.Code]; dup || o.Code == "" {
			return nil, fmt.Errorf("parse catalogue: vocabulary %s: bad or duplicate code %q", id, o.Code)
		}
		if o.Parent != "" {
			if _, ok := v.byCode[o.Parent]; !ok {
				return nil, fmt.Errorf("parse catalogue: vocabulary %s: option %s has unknown parent %s", id, o.Code, o.Parent)
			}
		}
		v.byCode[o.Code] = i
	}
	// Codes and labels win over aliases: register them first.
	for i, o := range opts {
		for _, name := range []string{o.Code, o.ZH, o.EN} {
			k := matchKey(name)
			if j, taken := v.byName[k]; taken && j != i {
				return nil, fmt.Errorf("parse catalogue: vocabulary %s: %q names both %s and %s", id, name, opts[j].Code, o.Code)
			}
			v.byName[k] = i
		}
	}
	for i, o := range opts {
		for _, l := range o.Legacy {
			if _, cur := v.byCode[l]; cur || v.legacy[l] != "" || l == "" {
				return nil, fmt.Errorf("parse catalogue: vocabulary %s: legacy code %q of %s is a current code or another's legacy", id, l, o.Code)
			}
			v.legacy[l] = o.Code
			if _, taken := v.byName[matchKey(l)]; !taken {
				v.byName[matchKey(l)] = i
			}
		}
	}
	for i, o := range opts {
		for _, a := range o.Aliases {
			if _, taken := v.byName[matchKey(a)]; !taken {
				v.byName[matchKey(a)] = i
			}
		}
	}
	for _, o := range opts {
		for _, name := range append([]string{o.Code, o.ZH, o.EN}, o.Aliases...) {
			v.listParts = max(v.listParts, len(listSpans(name)))
		}
	}
	return v, nil
}

// Rows of a need's block in the 《技术需求汇编》 that are not one field.
const (
	HandbookPublisher = "@publisher" // the enterprise's name (实名公开) or its public alias
	HandbookRegion    = "@region"    // the region, as forms.Publish gives it
	HandbookOther     = "@other"     // every public field with a value not listed elsewhere
)

// IsFlag reports whether a field is the publish or negotiable flag of
// another field (current_basis_public, budget_negotiable): a switch that
// says how the other is shown, not a fact to show by itself.
func (c *Catalogue) IsFlag(id string) bool { return c.flags[id] }

// Handbook returns the rows of a need's block in the 《技术需求汇编》 (the
// xlsx handbook and the PDF booklet), in order: public need field ids, and
// the Handbook* rows. The title heads the block. It is the catalogue's
// "handbook" list: a new field appears in the handbook by a catalogue
// change, in the row @other until it is given a place.
func (c *Catalogue) Handbook() []string { return c.handbook }

// setHandbook checks and keeps the handbook's rows: each a public need
// field or a Handbook* row, once.
func (c *Catalogue) setHandbook(rows []string) error {
	seen := map[string]bool{}
	for _, id := range rows {
		switch id {
		case HandbookPublisher, HandbookRegion, HandbookOther:
		default:
			f, ok := c.byID[id]
			if !ok || f.Entity != EntityNeed || f.Class == ClassInternal || f.Class == ClassPersonal {
				return fmt.Errorf("parse catalogue: handbook row %q is no published need field", id)
			}
		}
		if seen[id] {
			return fmt.Errorf("parse catalogue: handbook row %q twice", id)
		}
		seen[id] = true
	}
	if len(rows) == 0 {
		return fmt.Errorf("parse catalogue: no handbook rows")
	}
	c.handbook = rows
	return nil
}

// checkFieldRefs checks that every field a field names (its publish flag,
// its range end, its 面议 flag) is a field of the same record, of the kind
// it must be.
func (c *Catalogue) checkFieldRefs() error {
	c.flags = map[string]bool{}
	for _, fd := range c.fields {
		for _, f := range []string{fd.PublishFlag, fd.NegotiableFlag} {
			if f != "" {
				c.flags[f] = true
			}
		}
		for _, ref := range []struct{ id, what string }{{fd.PublishFlag, "publish flag"}, {fd.RangeEnd, "range end"}, {fd.NegotiableFlag, "negotiable flag"}} {
			if ref.id == "" {
				continue
			}
			other, ok := c.byID[ref.id]
			want := KindBool
			if ref.what == "range end" {
				want = fd.Kind
			}
			if !ok || other.Entity != fd.Entity || other.Kind != want {
				return fmt.Errorf("parse catalogue: field %s: %s %q is no %s field of the same record", fd.ID, ref.what, ref.id, want)
			}
			if ref.what == "publish flag" && other.Class != ClassPublic {
				return fmt.Errorf("parse catalogue: field %s: publish flag %s must be public (the enterprise confirms it)", fd.ID, ref.id)
			}
		}
	}
	return nil
}

func validID(id string) bool {
	if id == "" || id[0] < 'a' || id[0] > 'z' {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// Field returns the field with the given id.
func (c *Catalogue) Field(id string) (*Field, bool) {
	f, ok := c.byID[id]
	return f, ok
}

// MustField returns the field with the given id and panics when there is none;
// for ids written in code, which tests check against the catalogue.
func (c *Catalogue) MustField(id string) *Field {
	f, ok := c.byID[id]
	if !ok {
		panic("forms: no catalogue field " + id)
	}
	return f
}

// Fields returns the fields of an entity in catalogue order; with no entity,
// all fields.
func (c *Catalogue) Fields(entity ...Entity) []*Field {
	switch len(entity) {
	case 0:
		return c.fields
	case 1: // the common case, without allocating: a check of every record asks
		return slices.Clip(c.byEntity[entity[0]])
	}
	var out []*Field
	for _, f := range c.fields {
		for _, e := range entity {
			if f.Entity == e {
				out = append(out, f)
			}
		}
	}
	return out
}

// UpgradeValues rewrites, in place, every legacy option code (see
// [Option.Legacy]) in the enum and multi-enum fields of an entity's values
// to its current code, and reports whether anything changed. Codes that are
// neither current nor legacy are left for validation to report.
func (c *Catalogue) UpgradeValues(entity Entity, v Values) bool {
	changed := false
	for id, l := range v {
		f, ok := c.byID[id]
		if !ok || f.Entity != entity || f.Vocabulary == "" {
			continue
		}
		voc := c.vocabularies[f.Vocabulary]
		cloned := false
		for i, code := range l {
			if cur, ok := voc.legacy[code]; ok {
				if !cloned {
					l, cloned = slices.Clone(l), true
				}
				l[i] = cur
			}
		}
		if cloned {
			v.SetList(id, l) // an old code and its new one, both given, become one
			changed = true
		}
	}
	return changed
}

// Vocabulary returns the vocabulary with the given id, or nil.
func (c *Catalogue) Vocabulary(id string) *Vocabulary { return c.vocabularies[id] }

// FieldByHeader maps an enterprise, contact or need column header as people write it (需求名称, 技术需求名称,
// 拟投入资金（万元）…) to a field, ignoring width, spaces, line breaks,
// punctuation and units in brackets.
func (c *Catalogue) FieldByHeader(header string) (*Field, bool) {
	k := HeaderKey(header)
	if k == "" {
		return nil, false
	}
	if f, ok := c.byAlias[k]; ok {
		return f, true
	}
	return nil, false
}

// HeaderKey normalises a column header for matching: full-width to half-width,
// lower case, no spaces or line breaks, no bracketed units ((万元), （元）, [必填]),
// no marks such as * ： : and a leading number "1." or "一、".
func HeaderKey(s string) string {
	s = Fold(s)
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(' || r == '[' || r == '{' || r == '<':
			depth++
		case r == ')' || r == ']' || r == '}' || r == '>':
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case r == '*' || r == ':' || r == '.' || r == '、' || r == '-' || r == '_' || r == '"' || r == '\'' || r == '“' || r == '”' || r == '/':
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000':
		default:
			b.WriteRune(r)
		}
	}
	out := strings.TrimLeft(b.String(), "0123456789一二三四五六七八九十")
	if out == "" {
		return b.String()
	}
	return out
}

// matchKey normalises an option name for matching.
func matchKey(s string) string {
	s = Fold(s)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '"', '\'', '“', '”', '(', ')', '、':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Fold maps full-width ASCII forms and the ideographic space to their
// half-width forms and lower-cases Latin letters.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\u3000':
			r = ' '
		case r >= '\uFF01' && r <= '\uFF5E':
			r -= 0xFEE0
		case r == '【' || r == '〔':
			r = '['
		case r == '】' || r == '〕':
			r = ']'
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
