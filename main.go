// Command xunbang (寻榜) records, diagnoses and confirms enterprises'
// technology needs at the factory, offline, and syncs them to the provincial
// platform. With no command it opens the window; every other command runs
// without a display (xunbang help lists them).
package main

import (
	"context"
	"errors"
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
	"github.com/xunbang/xunbang/jobs"
	// Before Fyne's init reads the locale: see the package.
	_ "github.com/xunbang/xunbang/internal/posixlocale"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/platforms"
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

// connectSync gives the window the sync client: a link that syncs in the
// background while the window is open (rebuilt at once when the official
// connects or disconnects in 设置 → 平台连接), the 立即同步 button, the
// strip's status, the records the platform refused and the conflicts to
// settle.
func connectSync(ctx context.Context, st *store.Store, lang string) app.SyncHooks {
	startControl(ctx, st)
	link := client.NewLink(st, client.LinkConfig{Client: client.Config{Dial: platforms.Dial}, Interval: 5 * time.Minute})
	link.Start(ctx)
	return syncHooks(link, st, lang)
}

// syncHooks adapts a sync link to the window's hooks.
func syncHooks(link *client.Link, st *store.Store, lang string) app.SyncHooks {
	return app.SyncHooks{
		Sync: func(ctx context.Context) error {
			set, err := st.Settings(ctx)
			if err != nil {
				return err
			}
			_, err = jobs.Sync(ctx, link, st, set.PlatformURL)
			if err != nil {
				return errors.New(client.Message(err, lang))
			}
			return nil
		},
		Status: func(ctx context.Context) (app.SyncStatus, error) {
			s, err := link.Status(ctx)
			return toStripStatus(s, lang), err
		},
		Conflicts:  conflicts{st},
		Connection: connection{link, lang},
		Refusals:   refusals{st},
	}
}

// windowControl is the open window's control server, nil when none runs.
var windowControl atomic.Pointer[jobs.ControlServer]

// startControl lets `xunbang backup` reach the open window: the control
// server writes the backup with st while the window is open (jobs.Backup,
// as the command does when it has the data dir itself). Without it
// the command says the data dir is in use, as it did before.
func startControl(ctx context.Context, st *store.Store) {
	srv, err := jobs.ServeControl(ctx, st)
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

// toStripStatus words the status for the strip: the kind of the last
// failure becomes a sentence here, in the window's language.
func toStripStatus(s client.Status, lang string) app.SyncStatus {
	return app.SyncStatus{
		Pending: s.Pending, Refused: s.Refused, LastSuccess: s.LastSuccess,
		LastError: s.Message(lang), NextRetry: s.NextRetry, Running: s.Running, Conflicts: s.Conflicts,
		Problem: stripProblems[s.Problem], LastChange: s.LastChange,
	}
}

// stripProblems maps the sync client's problems to the window's.
var stripProblems = map[client.Problem]app.SyncProblem{
	client.ProblemNone:         app.SyncOK,
	client.ProblemNoAddress:    app.SyncNoAddress,
	client.ProblemNoToken:      app.SyncNoToken,
	client.ProblemBadAddress:   app.SyncBadAddress,
	client.ProblemTokenRefused: app.SyncTokenRefused,
	client.ProblemOffline:      app.SyncOffline,
	client.ProblemUnreachable:  app.SyncUnreachable,
	client.ProblemNotHub:       app.SyncNotHub,
	client.ProblemVersion:      app.SyncVersion,
	client.ProblemServer:       app.SyncServerTrouble,
	client.ProblemLocal:        app.SyncLocalTrouble,
}

// connection adapts the sync link to 设置 → 平台连接; its errors read as
// sentences in the window's language.
type connection struct {
	link *client.Link
	lang string
}

func (c connection) Current(ctx context.Context) (app.ConnectionInfo, error) {
	conn, err := c.link.Connection(ctx)
	return toConnectionInfo(conn), err
}

func (c connection) Connect(ctx context.Context, server, token string) (app.ConnectionInfo, error) {
	conn, err := c.link.Connect(ctx, server, token)
	if err != nil {
		return app.ConnectionInfo{}, errors.New(client.Message(err, c.lang))
	}
	return toConnectionInfo(conn), nil
}

func (c connection) Disconnect(ctx context.Context) error { return c.link.Disconnect(ctx) }

func toConnectionInfo(c client.Connection) app.ConnectionInfo {
	places := map[client.TokenPlace]app.TokenPlace{
		client.TokenMissing: app.TokenMissing, client.TokenFromEnv: app.TokenFromEnv,
		client.TokenInKeyring: app.TokenInKeyring, client.TokenInDataFile: app.TokenInDataFile,
	}
	return app.ConnectionInfo{Server: c.Server, User: c.User, Team: c.Team, PublicURL: c.PublicURL, Token: places[c.Token], At: c.At}
}

// refusals adapts the refused records the sync client keeps to the window.
type refusals struct{ st *store.Store }

func (r refusals) Refusals(ctx context.Context) ([]app.Refusal, error) {
	l, err := client.Refusals(ctx, r.st)
	if err != nil {
		return nil, err
	}
	out := make([]app.Refusal, len(l))
	lng := string(app.CurrentLanguage())
	for i, x := range l {
		out[i] = app.Refusal{Seq: x.Seq, Need: x.Kind == protocol.KindNeed, ID: x.ID, Title: x.Title,
			Reasons: x.Texts(lng), At: x.At, Superseded: x.Superseded}
	}
	return out, nil
}

func (r refusals) Dismiss(ctx context.Context, seq uint64) error {
	return client.DismissRefusal(ctx, r.st, seq)
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
