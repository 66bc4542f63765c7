package client

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Link keeps an open data dir connected to its hub while the window is
// open: a background sync loop on the client the settings and the kept
// token describe, rebuilt at once when the user connects or disconnects
// (no restart), and the status the window shows — including why nothing
// syncs when there is no client at all (no address, no token).
type Link struct {
	st  ConnectionStore
	cfg LinkConfig

	mu     sync.Mutex
	parent context.Context    // the context Start was given; nil before
	cl     *Client            // nil when not connected
	why    error              // why cl is nil
	stop   context.CancelFunc // stops cl's loop
}

// LinkConfig configures a Link.
type LinkConfig struct {
	// Client is the template of the clients the link makes (the Dial that
	// opens the platform, timeouts, retries, batch sizes, HTTP client for
	// tests); Server and Token are filled in from the data dir.
	Client Config
	// Interval is the time between background syncs after a success; 0
	// runs no background loop (Sync only when asked).
	Interval time.Duration
}

// NewLink returns a link for st; it does nothing until Start.
func NewLink(st ConnectionStore, cfg LinkConfig) *Link {
	if cfg.Client.Keyring == nil {
		cfg.Client.Keyring = SystemKeyring{}
	}
	if cfg.Client.Logger == nil {
		cfg.Client.Logger = slog.Default()
	}
	return &Link{st: st, cfg: cfg, why: ErrNoAddress}
}

// Start connects the link as the data dir says, and keeps its background
// loop (if any) running until ctx ends.
func (l *Link) Start(ctx context.Context) {
	l.mu.Lock()
	l.parent = ctx
	l.mu.Unlock()
	l.reload(ctx)
}

// reload rebuilds the client from the settings and the kept token, and
// restarts the background loop on it.
func (l *Link) reload(ctx context.Context) {
	set, err := l.st.Settings(ctx)
	var cl *Client
	if err == nil {
		cfg := l.cfg.Client
		cfg.Server, cfg.Token = set.PlatformURL, ""
		cl, err = New(l.st, cfg)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stop != nil {
		l.stop()
		l.stop = nil
	}
	l.cl, l.why = cl, err
	if err != nil {
		l.cfg.Client.Logger.Info("sync: not connected", "reason", err)
		return
	}
	if l.parent != nil && l.cfg.Interval > 0 {
		loop, stop := context.WithCancel(l.parent)
		l.stop = stop
		go func() { _ = cl.Run(loop, l.cfg.Interval) }()
	}
}

func (l *Link) client() (*Client, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cl, l.why
}

// Connect checks token with the hub at server, keeps it (see Connect) and
// starts syncing with it at once.
func (l *Link) Connect(ctx context.Context, server, token string) (Connection, error) {
	conn, err := Connect(ctx, l.st, server, token, l.connectOptions())
	if err != nil {
		return conn, err
	}
	l.reload(ctx)
	return conn, nil
}

// Disconnect forgets the token (see Disconnect) and stops syncing.
func (l *Link) Disconnect(ctx context.Context) error {
	if err := Disconnect(ctx, l.st, l.connectOptions()); err != nil {
		return err
	}
	l.reload(ctx)
	return nil
}

func (l *Link) connectOptions() ConnectOptions {
	return ConnectOptions{Keyring: l.cfg.Client.Keyring, Dial: l.cfg.Client.Dial, HTTPClient: l.cfg.Client.HTTPClient, Logger: l.cfg.Client.Logger}
}

// Connection returns what the data dir knows of its hub.
func (l *Link) Connection(ctx context.Context) (Connection, error) {
	return CurrentConnection(ctx, l.st, l.cfg.Client.Keyring)
}

// Sync syncs now (立即同步). Without a client it returns why there is none
// (ErrNoAddress, ErrNoToken, an address it cannot use).
func (l *Link) Sync(ctx context.Context) (Report, error) {
	cl, why := l.client()
	if cl == nil {
		return Report{}, why
	}
	return cl.Sync(ctx)
}

// SyncNow asks the background loop to sync at once; it never blocks.
func (l *Link) SyncNow() {
	if cl, _ := l.client(); cl != nil {
		cl.SyncNow()
	}
}

// Status returns the queue's state and why nothing syncs, if nothing does.
func (l *Link) Status(ctx context.Context) (Status, error) {
	cl, why := l.client()
	if cl != nil {
		return cl.Status(ctx)
	}
	s, err := ReadStatus(ctx, l.st)
	s.Problem, s.Err = ProblemOf(why), why
	s.NextRetry = time.Time{}
	return s, err
}
