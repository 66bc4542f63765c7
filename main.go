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
	"sync/atomic"
	"syscall"
	"time"

	"fyne.io/fyne/v2"

	"github.com/xunbang/xunbang/app"
	"github.com/xunbang/xunbang/assets"
	"github.com/xunbang/xunbang/cli"
	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/control"
	// Before Fyne's init reads the locale: see the package.
	_ "github.com/xunbang/xunbang/internal/posixlocale"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/protocol"
)

func main() {
	attachConsole()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{
		Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin, Getenv: os.Getenv,
		Font: assets.FontBytes, OpenWindow: openWindow, ShowError: app.ShowStartError,
		Terminal: cli.StdinTerminal(),
	})
	stop()
	os.Exit(code)
}

func openWindow(ctx context.Context, o cli.WindowOptions) error {
	defer stopControl()
	key := store.DefaultKeySource(os.Getenv)
	if o.Passphrase != "" {
		key.Passphrase = o.Passphrase
	}
	return app.Run(ctx, app.Options{
		DataDir: o.DataDir, Lang: o.Lang, Screenshot: o.Screenshot, Screen: o.Screen,
		Size:    fyne.NewSize(float32(o.Width), float32(o.Height)),
		Connect: connectSync,
		Key:     key,
	})
}

// connectSync gives the window the sync client: a background loop while the
// window is open, the 立即同步 button, the strip's status and the conflicts
// to settle. Without a platform address or a token the strip shows the queue
// only.
func connectSync(ctx context.Context, st *store.Store, lang string) app.SyncHooks {
	startControl(ctx, st)
	h := app.SyncHooks{
		Status: func(ctx context.Context) (app.SyncStatus, error) {
			s, err := client.ReadStatus(ctx, st)
			return toStripStatus(s, lang), err
		},
		Conflicts: conflicts{st},
	}
	set, err := st.Settings(ctx)
	if err != nil || set.PlatformURL == "" {
		return h
	}
	cl, err := client.New(st, client.Config{Server: set.PlatformURL})
	if err != nil {
		slog.Info("sync: not connected", "reason", client.Message(err, "en"))
		return h
	}
	go cl.Run(ctx, 5*time.Minute)
	h.Sync = func(ctx context.Context) error {
		_, err := cl.Sync(ctx)
		return err
	}
	h.Status = func(ctx context.Context) (app.SyncStatus, error) {
		s, err := cl.Status(ctx)
		return toStripStatus(s, lang), err
	}
	return h
}

// windowControl is the open window's control server, nil when none runs.
var windowControl atomic.Pointer[control.Server]

// startControl lets `xunbang backup` reach the open window: the control
// server writes the backup with st while the window is open. Without it
// the command says the data dir is in use, as it did before.
func startControl(ctx context.Context, st *store.Store) {
	srv, err := cli.ServeControl(ctx, st)
	if err != nil {
		slog.Warn("control channel not started: xunbang backup will not work while the window is open", "err", err)
		return
	}
	windowControl.Store(srv)
}

// stopControl stops the control server once the window has closed, removing
// its control file (the process exits right after, before a goroutine
// watching ctx would get to it).
func stopControl() {
	if srv := windowControl.Swap(nil); srv != nil {
		if err := srv.Close(); err != nil {
			slog.Warn("control channel", "err", err)
		}
	}
}

func toStripStatus(s client.Status, lang string) app.SyncStatus {
	msg := s.LastError
	if lang == "en" {
		msg = s.LastErrorEN
	}
	return app.SyncStatus{
		Pending: s.Pending, Quarantined: s.Quarantined, LastSuccess: s.LastSuccess,
		LastError: msg, NextRetry: s.NextRetry, Running: s.Running, Conflicts: s.Conflicts,
	}
}

// conflicts adapts the sync client's kept conflicts to the window.
type conflicts struct{ st *store.Store }

func (c conflicts) NeedConflicts(ctx context.Context) ([]app.NeedConflict, error) {
	cs, err := client.Conflicts(ctx, c.st)
	if err != nil {
		return nil, err
	}
	var out []app.NeedConflict
	for _, cf := range cs {
		if cf.Kind != protocol.KindNeed {
			continue
		}
		local, err := c.st.Need(ctx, cf.ID)
		if err != nil {
			return nil, err
		}
		server, err := cf.ServerNeed()
		if err != nil {
			return nil, err
		}
		out = append(out, app.NeedConflict{ID: cf.ID, Local: local, Server: server})
	}
	return out, nil
}

func (c conflicts) ResolveNeed(ctx context.Context, id string, merged *forms.Need) error {
	return client.ResolveNeed(ctx, c.st, id, merged)
}
