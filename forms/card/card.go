package card

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xunbang/xunbang/forms"
)

// Item is one need to print, with its enterprise (which may be nil).
type Item struct {
	Need       *forms.Need
	Enterprise *forms.Enterprise
}

// Layout is how cards are arranged on paper.
type Layout string

// The layouts.
const (
	LayoutA4x8 Layout = "a4-8" // A4 portrait, 2 × 4 cards of 95 × 65 mm, cut marks
	LayoutA4x4 Layout = "a4-4" // A4 portrait, 2 × 2 cards of 92 × 135.5 mm, cut marks
	LayoutA6   Layout = "a6"   // one 97 × 140 mm card per A6 page
)

// Layouts lists the layouts, the default first.
var Layouts = []Layout{LayoutA4x8, LayoutA4x4, LayoutA6}

// ParseLayout accepts a layout name ("" gives the default).
func ParseLayout(s string) (Layout, error) {
	t := Layout(strings.ToLower(strings.TrimSpace(s)))
	if t == "" {
		return LayoutA4x8, nil
	}
	for _, l := range Layouts {
		if t == l {
			return l, nil
		}
	}
	return "", fmt.Errorf("card: unknown layout %q (known: a4-8, a4-4, a6)", s)
}

// Options control rendering. Only Font is required.
type Options struct {
	// Font is a TrueType (glyf outline) font with CJK glyphs, such as the one in
	// assets/fonts. The PDF embeds the subset of it that the cards use.
	Font []byte
	// Layout is the paper layout; "" means a4-8. RenderPNG draws each card at
	// the size of this layout's card.
	Layout Layout
	// HubPublicURL is the public base address of the team's hub
	// (store.Settings.HubPublicURL), "" when none is configured. A need the
	// hub has published (confirmation current, not 不公开, status 已发布 or
	// later) but with no platform URL gets the QR code of its page there,
	// forms.PublicPageURL(HubPublicURL, id).
	HubPublicURL string
	// Platform names where the needs are published (store.Settings.Event's
	// Platform, e.g. 江苏省科技资源统筹服务云平台); a card without a QR code
	// says its need will be published there. "" means 线上平台.
	Platform string
	// Catalogue is the field catalogue; nil means forms.Default().
	Catalogue *forms.Catalogue
	// Regions names regions; nil means forms.Regions().
	Regions *forms.RegionIndex
	// DPI is the resolution of RenderPNG's images; 0 means 300, at most 1200.
	DPI float64

	uncompressed bool // tests: write the PDF's streams uncompressed
}

func (o *Options) catalogue() *forms.Catalogue {
	if o.Catalogue != nil {
		return o.Catalogue
	}
	return forms.Default()
}

func (o *Options) regions() *forms.RegionIndex {
	if o.Regions != nil {
		return o.Regions
	}
	return forms.Regions()
}

func (o *Options) layout() (Layout, error) { return ParseLayout(string(o.Layout)) }

func (o *Options) dpi() float64 {
	switch {
	case o.DPI <= 0:
		return 300
	case o.DPI > 1200:
		return 1200
	}
	return o.DPI
}

// Report tells what Render or RenderPNG did.
type Report struct {
	// Cards is the number of cards drawn, Pages the number of PDF pages.
	Cards, Pages int
	// Unconfirmed is how many cards carry the 未经企业确认 mark.
	Unconfirmed int
	// WithQR is how many cards carry a QR code; the others print 尚无二维码
	// and a check number: no address resolves to their needs yet.
	WithQR int
	// Skipped lists the items that got no card, in input order.
	Skipped []Skip
	// MissingGlyphs lists the characters the font lacks, drawn as □.
	MissingGlyphs []rune
	// Files lists the files RenderPNG wrote, in input order.
	Files []string
	// Bytes is the size of the PDF written by Render.
	Bytes int64
}

// drew counts a card drawn.
func (r *Report) drew(c *card) {
	r.Cards++
	if !c.confirmed {
		r.Unconfirmed++
	}
	if c.code != nil {
		r.WithQR++
	}
}

// Skip is an item that got no card.
type Skip struct {
	ID     string // the need's id ("" for an item without a need)
	Title  string // the need's title, for messages
	Code   string // SkipPrivate, SkipNoNeed, SkipNamesEnterprise, SkipNamesPlace or SkipQR
	Reason string // in Chinese, for the user
}

// Skip codes.
const (
	SkipPrivate = "private" // the need is 不公开
	SkipNoNeed  = "no_need" // the item has no need
	// SkipNamesEnterprise: the need is 匿名公开 and yet names its
	// enterprise where the card would print it (forms.NamesEnterprise).
	SkipNamesEnterprise = "names_enterprise"
	// SkipNamesPlace: the need is 匿名公开 and its alias or text names a
	// county or town finer than the region the card would print
	// (forms.Catalogue.NamesShownPlace).
	SkipNamesPlace = "names_place"
	SkipQR         = "qr" // the QR content is too long to encode
)

// ErrNoCards is returned when no item gets a card; the report says why.
var ErrNoCards = errors.New("card: nothing to print (every need was skipped)")

// ErrNoFont is returned when Options.Font is empty.
var ErrNoFont = errors.New("card: no font (Options.Font is empty)")

// ShortID returns a need's number as printed on its card: the first 8 letters
// or digits of its id, upper case ("6F1C2D3E" for 6f1c2d3e-4b5a-…).
func ShortID(id string) string { return forms.ShortID(id) }

// QRContent returns what the QR code of item's card holds, or "" when the
// card gets no QR code because no address resolves to the need yet. A code
// is printed only for a need whose enterprise confirmation is current and
// whose visibility is not 不公开; it holds the platform's public URL when the
// platform has published the need (an http or https URL), else the need's
// page on the team's hub when Options.HubPublicURL is set and the hub has
// published it (its status 已发布 or later, as the pull brought it).
func QRContent(item Item, opt Options) string {
	if item.Need == nil {
		return ""
	}
	p, ok := opt.catalogue().Publish(item.Need, item.Enterprise)
	return qrContent(&p, ok, &opt)
}

// qrContent is QRContent given the need's public view (ok: it has one).
func qrContent(p *forms.PublicNeed, ok bool, opt *Options) string {
	if !ok {
		return ""
	}
	return p.Address(opt.HubPublicURL)
}

// CheckNumber is the number a card without a QR code prints so that the
// card can be checked against the record: the need's number ([ShortID]), a
// hyphen, and the first 8 hex digits of its content hash, upper case
// ("6F1C2D3E-0A1B2C3D"). An edit of the need's content changes it.
func CheckNumber(item Item, opt Options) string {
	if item.Need == nil {
		return ""
	}
	return checkNumber(item.Need.ID, opt.catalogue().ContentHash(item.Need, item.Enterprise))
}

func checkNumber(id, hash string) string {
	if len(hash) > 8 {
		hash = hash[:8]
	}
	return ShortID(id) + "-" + strings.ToUpper(hash)
}

// publishedWhere is where a card says its need will be published.
func (o *Options) publishedWhere() string {
	if w := clean(o.Platform); w != "" {
		return w
	}
	return "线上平台"
}
