package platform

import (
	"context"
	"sync"
)

// A request's log line gathers attributes from the handlers it passes
// through (who asked, how many records…): ids and counts only, never content.

type logAttrsKey struct{}

type logBag struct {
	mu    sync.Mutex
	attrs []any
}

func withLogAttrs(ctx context.Context) context.Context {
	return context.WithValue(ctx, logAttrsKey{}, &logBag{})
}

func addLogAttrs(ctx context.Context, kv ...any) {
	if b, ok := ctx.Value(logAttrsKey{}).(*logBag); ok {
		b.mu.Lock()
		b.attrs = append(b.attrs, kv...)
		b.mu.Unlock()
	}
}

func logAttrs(ctx context.Context) []any {
	if b, ok := ctx.Value(logAttrsKey{}).(*logBag); ok {
		b.mu.Lock()
		defer b.mu.Unlock()
		return append([]any(nil), b.attrs...)
	}
	return nil
}
