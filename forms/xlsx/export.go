package xlsx

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"

	"github.com/xuri/excelize/v2"

	"github.com/xunbang/xunbang/forms"
)

// Records is what the exporters read from the store. Enterprises are read
// first, then needs, in separate iterations: the exporters never ask for a
// record while an iteration is under way (with bbolt, a nested read
// transaction can deadlock against a writer waiting to remap the file).
// The records passed to fn must be the caller's to keep: the exporters
// prepare needs on other goroutines after fn has returned (the store copies
// values out of its transactions).
type Records interface {
	ForEachEnterprise(ctx context.Context, fn func(*forms.Enterprise) error) error
	ForEachNeed(ctx context.Context, fn func(*forms.Need) error) error
}

// FollowUps is implemented by stores that keep follow-ups (意向, 合同, 付款);
// the report counts matches and deals from them when the Records passed to
// [WriteReport] implements it.
type FollowUps interface {
	AllFollowUps(ctx context.Context) ([]forms.FollowUp, error)
}

// NeedCounter is implemented by Records that know cheaply how many needs
// they hold (the store counts them in memory). The platform sheet and the
// report take it as the total of their Progress; without it the total is 0.
type NeedCounter interface {
	CountNeeds(ctx context.Context) int
}

// progressEvery is how many rows or needs go by between two calls of a
// Progress callback (of [Options], [PlatformOptions], [HandbookOptions] and
// [ReportOptions]), besides the last call at the end.
const progressEvery = 500

// progressMeter counts the needs an export has gone through and calls its
// Progress callback every progressEvery of them and once at the end. With
// no callback it costs a comparison a need.
type progressMeter struct {
	fn          func(done, total int)
	done, total int
}

// needMeter returns a meter whose total is the number of needs recs holds,
// when it says (see [NeedCounter]), else 0.
func needMeter(ctx context.Context, recs Records, fn func(done, total int)) *progressMeter {
	m := &progressMeter{fn: fn}
	if c, ok := recs.(NeedCounter); ok && fn != nil {
		m.total = c.CountNeeds(ctx)
	}
	return m
}

// step counts one need.
func (m *progressMeter) step() {
	if m.fn == nil {
		return
	}
	m.done++
	if m.done%progressEvery == 0 {
		m.fn(m.done, max(m.total, m.done))
	}
}

// finish makes the last call: done == total, unless the total is unknown
// (0). A total counted before the needs were read that no longer matches
// (records added or deleted since) gives way to the count.
func (m *progressMeter) finish() {
	if m.fn == nil {
		return
	}
	if m.total > 0 {
		m.total = m.done
	}
	m.fn(m.done, m.total)
}

// ExportStats says what an export wrote and what it left out.
type ExportStats struct {
	Needs       int // needs written
	Unconfirmed int // left out (or, for the handbook with IncludeUnconfirmed, marked) for want of a current confirmation
	Private     int // left out as 不公开
	// NamesEnterprise counts the needs left out of a public output
	// because their public text gives a contact's details or, 匿名公开,
	// names the enterprise or a place finer than the region printed
	// (forms.Catalogue.GivesAway).
	NamesEnterprise int
}

// loadEnterprises reads every enterprise once, keeping only the fields keep
// reports true for and, when contact is not nil, its contacts with the
// fields contact reports true for.
func loadEnterprises(ctx context.Context, recs Records, keep func(id string) bool, contact func(id string) bool) (*enterprises, error) {
	out := newEnterprises()
	err := recs.ForEachEnterprise(ctx, func(e *forms.Enterprise) error {
		out.add(e, keep, contact)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("xlsx: read enterprises: %w", err)
	}
	return out, nil
}

// confirmedContentFields are the enterprise fields that are part of a need's
// confirmed content (forms.CanonicalContent): keep them so that
// ConfirmationCurrent sees what the store has.
func confirmedContentField(id string) bool {
	return id == "enterprise_name" || id == "credit_code" || id == "region"
}

// labels returns the labels of codes in a vocabulary.
func labels(v *forms.Vocabulary, codes []string, lang string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = v.Label(c, lang)
	}
	return out
}

// moneyText writes an amount in 万元, or 面议.
func moneyText(v forms.Values, f *forms.Field, lang string) string {
	if f.NegotiableFlag != "" && v.Bool(f.NegotiableFlag) {
		return tr(lang, "面议", "negotiable")
	}
	if s := v.Get(f.ID); s != "" {
		return tr(lang, s+" 万元", s+" ×10k CNY")
	}
	return ""
}

func tr(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// number returns a canonical decimal as a float64 for a numeric cell, or the
// text when it is not one.
func number(s string) any {
	if x, err := strconv.ParseFloat(s, 64); err == nil {
		return x
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// cellName is excelize.CoordinatesToCellName without the error, for
// coordinates built in code.
func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// setColWidths sets the widths of columns 1…n. It goes from the last column
// to the first: the StreamWriter keeps column definitions in the order
// opposite to the calls and writes them as kept, and Excel wants <col>
// elements in ascending order.
func setColWidths(sw *excelize.StreamWriter, widths []float64) error {
	for i := len(widths) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	return nil
}

// NeedBrief is what Records may know of a need without reading it whole.
type NeedBrief struct {
	Visibility forms.Visibility
	// Confirmed reports that the need has a confirmation and that it is
	// current.
	Confirmed bool
}

// NeedBriefs is implemented by Records that know each need's brief without
// reading the need (the store keeps it in the need's summary). The upload
// sheet then reads only the needs it may write, and counts the others
// unread: with the store, reading a need (decrypting and decoding it) is
// most of the cost of an export. ForEachNeedBrief calls fn with every need's
// brief, in the order ForEachNeed gives the needs, and with the need when
// read reports true for its brief, else nil; the needs are the caller's to
// keep, as ForEachNeed's. read must be quick and call no method of the
// Records.
type NeedBriefs interface {
	ForEachNeedBrief(ctx context.Context, read func(NeedBrief) bool, fn func(NeedBrief, *forms.Need) error) error
}

// preparedChunk is a run of items prepared in parallel, written in order.
type preparedChunk[I, T any] struct {
	items []I
	out   []T
	done  chan struct{}
}

var errWriterFailed = errors.New("writer failed")

// forEachPrepared takes the items each gives (the needs, in order), runs
// prep on each on all cores, and hands the results to write in the items'
// order, on one goroutine (a StreamWriter is not safe for concurrent use).
// The work in flight is bounded, so memory does not grow with the number
// of needs.
func forEachPrepared[I, T any](ctx context.Context, each func(fn func(I) error) error, prep func(I) T, write func(T) error) error {
	const size = 256
	workers := max(1, runtime.GOMAXPROCS(0))
	work := make(chan *preparedChunk[I, T], 2*workers)
	order := make(chan *preparedChunk[I, T], 2*workers+2)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				c.out = make([]T, len(c.items))
				for i, it := range c.items {
					c.out[i] = prep(it)
				}
				close(c.done)
			}
		}()
	}
	var werr error
	failed := make(chan struct{})
	written := make(chan struct{})
	go func() {
		defer close(written)
		for c := range order {
			<-c.done
			if werr != nil {
				continue // drain
			}
			for _, t := range c.out {
				if err := write(t); err != nil {
					werr = err
					close(failed)
					break
				}
			}
		}
	}()
	cur := &preparedChunk[I, T]{done: make(chan struct{})}
	flush := func() error {
		if len(cur.items) == 0 {
			return nil
		}
		select {
		case order <- cur:
		case <-failed:
			return errWriterFailed
		}
		work <- cur
		cur = &preparedChunk[I, T]{done: make(chan struct{})}
		return ctx.Err()
	}
	err := each(func(it I) error {
		cur.items = append(cur.items, it)
		if len(cur.items) < size {
			return nil
		}
		return flush()
	})
	if err == nil {
		err = flush()
	}
	close(work)
	close(order)
	wg.Wait()
	<-written
	if werr != nil {
		return werr
	}
	return err
}

// styleDef is a style to add to a workbook and where to keep its id.
type styleDef struct {
	id *int
	st excelize.Style
}

// addStyles adds the styles to f, storing each one's id.
func addStyles(f *excelize.File, defs []styleDef) error {
	for _, d := range defs {
		id, err := f.NewStyle(&d.st)
		if err != nil {
			return err
		}
		*d.id = id
	}
	return nil
}

// rowWriter writes a sheet's rows in order through a StreamWriter, keeping
// the number of the last row written and the first error.
type rowWriter struct {
	sw  *excelize.StreamWriter
	at  int // the last row written
	err error
}

func (w *rowWriter) row(vals []any, height float64) {
	if w.err != nil {
		return
	}
	w.at++
	w.err = w.sw.SetRow(cellName(1, w.at), vals, excelize.RowOpts{Height: height})
}

// mergeLast merges the first cols cells of the last row written.
func (w *rowWriter) mergeLast(cols int) {
	if w.err == nil {
		w.err = w.sw.MergeCell(cellName(1, w.at), cellName(cols, w.at))
	}
}
