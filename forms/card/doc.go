// Package card prints QR-coded need cards — A4 sheets of 8 or 4 cards with
// cut marks, one card per A6 page, or one PNG per card for chat and slides —
// and the 《技术需求汇编》 as a print-ready PDF booklet ([RenderBooklet]).
//
// # What a card shows
//
// A card is drawn from the need's public view, [forms.Catalogue.Publish], and
// from nothing else: the package never reads an enterprise's fields itself, so
// a 匿名公开 need shows its public alias and no name, credit code or contact
// can reach the paper. A 不公开 need gets no card; [Render] skips it and lists
// it in [Report.Skipped].
//
// Each card has the need's number ([ShortID]) and type, its title, tech field
// (first level / second level), region down to the town, publisher (实名公开:
// the enterprise's name; 匿名公开: the public alias), budget in 万元 or 面议,
// cooperation modes, the problem statement and the indicators, and — when it
// resolves — a QR code at error correction level H (30 % of the symbol may be
// lost: a creased card still scans) at least 2 cm wide.
//
// A card carries a QR code only when the code resolves to the need: for a
// need whose enterprise confirmation is current and whose visibility is not
// 不公开, the platform's public URL once the platform has published it, else
// the need's page on the team's hub (forms.PublicPageURL of
// [Options.HubPublicURL]) when a hub is configured. Otherwise — no hub, not
// yet confirmed, or confirmed content edited since — the card has no QR
// code: in its place a box says where the need will be published
// ([Options.Platform]) and prints its check number ([CheckNumber]: the
// need's number and the first 8 hex digits of its content hash), so that a
// printed card can later be checked against the record. [QRContent] tells
// what a card's code holds. Every card whose confirmation is not current
// (none, or content edited since) carries a red 未经企业确认 mark in that
// column.
//
// Text is never allowed to overflow: every line is measured with the font's
// advance widths (in the PDF, through gopdf's MeasureTextWidth), wrapped at
// measured widths (CJK anywhere, Latin words whole unless a word alone is too
// long, such as a part number), and cut with "…" where the space ends.
//
// # The booklet
//
// [RenderBooklet] makes the handbook organisers hand out: A4, a cover with
// the campaign, organiser, deadline and how to submit a solution (with a QR
// code to the hub when one is configured), contents with page numbers, the
// needs grouped by the first level of their tech field, each need one
// framed block with its own QR code (by the cards' rule) and check number,
// running headers and page numbers, and the blank 《技术需求解决方案表》 as
// an appendix. A block is never split across pages: one that does not fit
// in what is left of a page starts the next; one taller than a page is set
// smaller, and only at the smallest size are its long texts cut. The needs
// are those the public outputs take (visibility 实名公开 or 匿名公开, a
// current confirmation), shown as [forms.Catalogue.Publish] gives them.
//
// Characters the font has no glyph for, or a glyph without an outline (the
// font's ℃), are drawn by a fallback (°C) or as □ and reported, never left
// blank; format characters (zero widths, bidi overrides) are dropped.
//
// # Why gopdf
//
// The PDF is written with github.com/signintech/gopdf: it embeds a TrueType
// (glyf) CJK font as a subset holding only the glyphs the cards use, with a
// ToUnicode map so the text can be searched and copied. A sheet of 8 cards is
// about 80 KB instead of the 3 MB font, 1,000 cards about 1.3 MB, and the PDF
// opens and prints with no font installed on the reader's machine. The font
// is named with a subset tag (XBSUBS+Xunbang-CJK), so that pdffonts says
// "sub yes". It is maintained, pure Go (no cgo), and fast: BUILD-FACTS measured 500
// cards with QR codes in 0.6 s. go-pdf/fpdf also subsets TrueType but was
// slower; neither accepts CFF fonts such as Noto CJK, hence WenQuanYi Micro
// Hei from assets/.
//
// The font is passed in as bytes ([Options.Font]) so that this package does
// not depend on the assets package (and through it on the UI toolkit). PNGs
// are drawn with the standard image packages and
// golang.org/x/image/font/opentype from the same font. QR codes come from
// internal/qr, the one wrapper around the QR encoder.
package card
