package forms

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"
)

// Enterprise is a company (or other institution) an official visits.
type Enterprise struct {
	ID               string    `json:"id"`
	Rev              string    `json:"rev,omitempty"`
	CatalogueVersion string    `json:"catalogue_version,omitempty"`
	Values           Values    `json:"-"` // enterprise fields by id
	Contacts         []Contact `json:"contacts,omitempty"`
	// Overrides lists the warnings the user chose to accept, by code
	// (e.g. "credit_code.check_char" for an early code failing its check character).
	Overrides []string  `json:"overrides,omitempty"`
	Team      string    `json:"team,omitempty"`
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Name returns the enterprise's name.
func (e *Enterprise) Name() string { return e.Values.Get("enterprise_name") }

// CreditCode returns the enterprise's 统一社会信用代码.
func (e *Enterprise) CreditCode() string { return e.Values.Get("credit_code") }

// Contact returns the contact with the given id.
func (e *Enterprise) Contact(id string) (Contact, bool) {
	for _, c := range e.Contacts {
		if c.ID == id {
			return c, true
		}
	}
	return Contact{}, false
}

// Contact is a person at an enterprise. All of it is personal information.
type Contact struct {
	ID     string `json:"id"`
	Values Values `json:"-"`
}

// Need is one technology need of an enterprise: the heart of the 需求征集表.
type Need struct {
	ID               string `json:"id"`
	EnterpriseID     string `json:"enterprise_id"`
	ContactID        string `json:"contact_id,omitempty"`
	Rev              string `json:"rev,omitempty"`      // this revision's id, set by the store
	BaseRev          string `json:"base_rev,omitempty"` // the revision this one was edited from
	CatalogueVersion string `json:"catalogue_version,omitempty"`
	Status           Status `json:"status"`
	// StaleFrom is the status an edit that made the confirmation stale
	// took the need from (it is then 待企业确认): undoing the edit brings it
	// back there. Empty otherwise.
	StaleFrom Status `json:"stale_from,omitempty"`
	Values    Values `json:"-"` // need fields by id
	// Missing lists the fields an import found empty, or holding a value
	// that breaks a limit a draft may break (a 主要问题 shorter than its
	// minimum): the need is 待补充 until they are completed.
	Missing      []string      `json:"missing,omitempty"`
	Overrides    []string      `json:"overrides,omitempty"`
	Diagnosis    *Diagnosis    `json:"diagnosis,omitempty"`
	Confirmation *Confirmation `json:"confirmation,omitempty"`
	Platform     Platform      `json:"platform,omitzero"`
	Team         string        `json:"team,omitempty"`
	CreatedBy    string        `json:"created_by,omitempty"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`

	// Evaluation is the 竞榜 evaluation (evaluation.go), nil until one is
	// recorded; internal, never in a public output.
	Evaluation *Evaluation `json:"evaluation,omitempty"`
}

// Title returns the need's title.
func (n *Need) Title() string { return n.Values.Get("title") }

// Visibility returns the need's visibility; an unset one counts as private.
func (n *Need) Visibility() Visibility {
	switch v := Visibility(n.Values.Get("visibility")); v {
	case VisibilityNamed, VisibilityAnonymous:
		return v
	}
	return VisibilityPrivate
}

// Visibility is how a need may be published.
type Visibility string

// Visibilities: codes of the catalogue's "visibility" vocabulary.
const (
	VisibilityPrivate   Visibility = "private"   // 不公开
	VisibilityAnonymous Visibility = "anonymous" // 匿名公开
	VisibilityNamed     Visibility = "named"     // 实名公开
)

// Diagnosis is an official's on-site judgement of a need: the seven criteria
// and a conclusion, kept as catalogue fields of entity "diagnosis".
type Diagnosis struct {
	Values Values    `json:"-"`
	By     string    `json:"by,omitempty"`
	At     time.Time `json:"at"`
}

// Conclusion returns the diagnosis conclusion code ("" when not concluded).
func (d *Diagnosis) Conclusion() string { return d.Values.Get("diag_conclusion") }

// Diagnosis conclusions: codes of the "conclusion" vocabulary.
const (
	ConclusionValid      = "valid"      // 有效需求
	ConclusionSupplement = "supplement" // 需补充完善
	ConclusionLongTerm   = "long_term"  // 转长期跟踪
	ConclusionReject     = "reject"     // 不予发布
)

// DiagnosisCriteria lists the field ids of the seven criteria, in order.
var DiagnosisCriteria = []string{
	"diag_authenticity", "diag_validity", "diag_reasonableness", "diag_completeness",
	"diag_advancement", "diag_economics", "diag_feasibility",
}

// Confirmation records that the enterprise read and confirmed a need's content.
type Confirmation struct {
	Values Values    `json:"-"` // confirmer_name, confirmer_position, confirmation_method
	At     time.Time `json:"at"`
	// Visibility is the publication scope the enterprise agreed to.
	Visibility Visibility `json:"visibility"`
	// NoticeVersion names the wording of the notice shown on the screen.
	NoticeVersion string `json:"notice_version,omitempty"`
	// Signature is the drawn signature as PNG, if one was drawn.
	Signature []byte `json:"signature,omitempty"`
	// Content is the exact canonical content that was shown and hashed.
	Content []byte `json:"content,omitempty"`
	// ContentHash is the hex SHA-256 of Content.
	ContentHash string `json:"content_hash"`
	// Recoded lists, oldest first, the times Content was re-encoded
	// without a change of meaning: codes of a vocabulary replaced by new
	// ones for the same options (see [Catalogue.UpgradeNeed]). Each keeps
	// the hash the content had before, so the original confirmation can
	// still be traced.
	Recoded []Recoding `json:"recoded,omitempty"`
}

// Recoding is one re-encoding of a confirmed content (see
// [Confirmation.Recoded]).
type Recoding struct {
	At time.Time `json:"at"`
	// FromHash is the content hash before the re-encoding.
	FromHash string `json:"from_hash"`
	// Reason says what changed, e.g. "tech_field codes of catalogue 2026.1
	// → 2026.2".
	Reason string `json:"reason"`
}

// Platform is what the provincial platform last said about a need.
type Platform struct {
	State     string    `json:"state,omitempty"` // the platform's word, e.g. 审核中, 已发布, 退回
	URL       string    `json:"url,omitempty"`   // the public address once published
	Comment   string    `json:"comment,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// RegionShown reports that the platform said which region it shows a
	// 匿名公开 need with: Region, a region code, or none when Region is "".
	// Public outputs print such a need's region no finer (ShownRegion).
	RegionShown bool   `json:"region_shown,omitempty"`
	Region      string `json:"region,omitempty"`
}

// NewID returns a new random record id (a version 4 UUID).
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("forms: no randomness: %v", err))
	}
	return uuid4(b)
}

// uuid4 writes 16 bytes as a version 4 UUID: its version and variant bits
// set, in lowercase hex, grouped 8-4-4-4-12.
func uuid4(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return UUIDString(b)
}

// UUIDString writes 16 bytes as a UUID: lowercase hex, grouped
// 8-4-4-4-12.
func UUIDString(b [16]byte) string {
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], b[10:16])
	return string(out[:])
}

// IDRun hands out new record ids, version 4 UUIDs as [NewID]'s, that rise
// in the order they are handed out: each lies a random step of up to 2⁶⁴
// above the one before, from a random start. A big import that creates its
// enterprises with one run writes each B+tree keyed by them at the tree's
// end, where random ids rewrite a page somewhere in the tree for nearly
// every record (issue 17). To whoever knows none of a run's ids they are
// as unguessable as NewID's; one who knows an id still has 64 random bits
// to guess for the next. What a run's ids tell beyond NewID's: which
// records came from the same run, and in what order. So a run is not for
// ids that are published beside others (a need's): the order of a sheet's
// rows could point an anonymous need at its enterprise. A nil run hands
// out NewID.
type IDRun struct {
	hi, lo uint64 // the next id's 122 free bits: hi's low 58 bits, then lo
}

// NewIDRun starts a run at a random id in the lower half of the ids, so
// that no run of fewer than 2⁵⁷ ids overflows.
func NewIDRun() *IDRun {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("forms: no randomness: %v", err))
	}
	return &IDRun{hi: binary.BigEndian.Uint64(b[:8]) >> 7, lo: binary.BigEndian.Uint64(b[8:])}
}

// Next returns the run's next id.
func (r *IDRun) Next() string {
	if r == nil {
		return NewID()
	}
	// The 122 bits fill the UUID's free bits in order: 48, then 12 beside
	// the version nibble, then 62 after the variant bits.
	top48 := r.hi >> 10
	mid12 := (r.hi&0x3ff)<<2 | r.lo>>62
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], top48<<16|0x4<<12|mid12)
	binary.BigEndian.PutUint64(b[8:], 0b10<<62|r.lo&(1<<62-1))
	var step [8]byte
	if _, err := rand.Read(step[:]); err != nil {
		panic(fmt.Sprintf("forms: no randomness: %v", err))
	}
	var carry uint64
	r.lo, carry = bits.Add64(r.lo, binary.BigEndian.Uint64(step[:])|1, 0)
	r.hi += carry
	return uuid4(b)
}

// ParseUUID reads a UUID as UUIDString writes one: 36 characters,
// lowercase hex in groups of 8-4-4-4-12. ok is false for anything else, so
// that UUIDString gives back the very text. id may be text or bytes.
func ParseUUID[T ~string | ~[]byte](id T) (b [16]byte, ok bool) {
	if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
		return b, false
	}
	j := 0
	for i := 0; i < 36; i += 2 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i-- // the dash: the next pair starts after it
			continue
		}
		hi, ok1 := lowerHex(id[i])
		lo, ok2 := lowerHex(id[i+1])
		if !ok1 || !ok2 {
			return b, false
		}
		b[j] = hi<<4 | lo
		j++
	}
	return b, j == 16
}

func lowerHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// NewIDFrom returns a version 4 UUID made from two numbers, for generated
// data sets that must come out the same every time.
func NewIDFrom(hi, lo uint64) string {
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	return uuid4(b)
}

// Clone returns a deep copy of the need: values, diagnosis, confirmation
// (signature and confirmed content included) and evaluation. A nil Values
// stays nil.
func (n *Need) Clone() *Need {
	c := *n
	c.Values = n.Values.Clone()
	c.Missing = slices.Clone(n.Missing)
	c.Overrides = slices.Clone(n.Overrides)
	if n.Diagnosis != nil {
		d := *n.Diagnosis
		d.Values = n.Diagnosis.Values.Clone()
		c.Diagnosis = &d
	}
	if n.Confirmation != nil {
		cf := *n.Confirmation
		cf.Values = n.Confirmation.Values.Clone()
		cf.Signature = slices.Clone(n.Confirmation.Signature)
		cf.Content = slices.Clone(n.Confirmation.Content)
		cf.Recoded = slices.Clone(n.Confirmation.Recoded)
		c.Confirmation = &cf
	}
	c.Evaluation = n.Evaluation.Clone()
	return &c
}

// Clone returns a deep copy of the enterprise and its contacts.
func (e *Enterprise) Clone() *Enterprise {
	c := *e
	c.Values = e.Values.Clone()
	c.Overrides = slices.Clone(e.Overrides)
	c.Contacts = make([]Contact, len(e.Contacts))
	for i, ct := range e.Contacts {
		c.Contacts[i] = Contact{ID: ct.ID, Values: ct.Values.Clone()}
	}
	return &c
}

// ShortID returns a need's number as printed on its card and its public
// page: the first 8 letters or digits of its id, upper case ("6F1C2D3E" for
// 6f1c2d3e-4b5a-…).
func ShortID(id string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(id) {
		if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
			if b.Len() == 8 {
				break
			}
		}
	}
	return b.String()
}
