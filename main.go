// Command xunbang (寻榜) records, diagnoses and confirms enterprises'
// technology needs at the factory, offline, and syncs them to the provincial
// platform. With no command it opens the window; every other command runs
// without a display (xunbang help lists them).
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fyne.io/fyne/v2"

	"github.com/xunbang/xunbang/app"
	"github.com/xunbang/xunbang/assets"
	"github.com/xunbang/xunbang/cli"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{
		Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin, Getenv: os.Getenv,
		Font: assets.FontBytes, OpenWindow: openWindow,
	})
	stop()
	os.Exit(code)
}

func openWindow(ctx context.Context, o cli.WindowOptions) error {
	return app.Run(ctx, app.Options{
		DataDir: o.DataDir, Lang: o.Lang, Screenshot: o.Screenshot, Screen: o.Screen,
		Size:    fyne.NewSize(float32(o.Width), float32(o.Height)),
		Connect: connectSync,
	})
}

// connectSync gives the window the sync client: a background loop while the
// window is open, the 立即同步 button, and the strip's status. Without a
// platform address or a token the strip shows the queue only.
func connectSync(ctx context.Context, st *store.Store, lang string) (func(context.Context) error, func(context.Context) (app.SyncStatus, error)) {
	status := func(ctx context.Context) (app.SyncStatus, error) {
		s, err := client.ReadStatus(ctx, st)
		return toStripStatus(s, lang), err
	}
	set, err := st.Settings(ctx)
	if err != nil || set.PlatformURL == "" {
		return nil, status
	}
	cl, err := client.New(st, client.Config{Server: set.PlatformURL})
	if err != nil {
		slog.Info("sync: not connected", "reason", client.Message(err, "en"))
		return nil, status
	}
	go cl.Run(ctx, 5*time.Minute)
	return func(ctx context.Context) error {
			_, err := cl.Sync(ctx)
			return err
		}, func(ctx context.Context) (app.SyncStatus, error) {
			s, err := cl.Status(ctx)
			return toStripStatus(s, lang), err
		}
}

func toStripStatus(s client.Status, lang string) app.SyncStatus {
	msg := s.LastError
	if lang == "en" {
		msg = s.LastErrorEN
	}
	return app.SyncStatus{
		Pending: s.Pending, Quarantined: s.Quarantined, LastSuccess: s.LastSuccess,
		LastError: msg, NextRetry: s.NextRetry, Running: s.Running,
	}
}
