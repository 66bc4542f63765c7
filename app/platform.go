package app

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/store"
)

// PlatformConnection connects the data dir to its hub: the window's
// 设置 → 平台连接. main wires it to the sync client (one code path with
// `xunbang login`), so the window needs no network code.
type PlatformConnection interface {
	// Current says what the data dir knows of its hub (no network).
	Current(ctx context.Context) (ConnectionInfo, error)
	// Connect checks token with the hub at server (who am I, which team),
	// keeps it safely and starts syncing with it at once. Its error reads
	// as a sentence for the user, in the window's language.
	Connect(ctx context.Context, server, token string) (ConnectionInfo, error)
	// Disconnect forgets the token and stops syncing; the address stays.
	Disconnect(ctx context.Context) error
}

// ConnectionInfo is what the data dir knows of its hub.
type ConnectionInfo struct {
	Server    string // "" when no address is set
	User      string // whom the hub said the token belongs to
	Team      string
	PublicURL string // the hub's public base address, if it has one
	Token     TokenPlace
	At        time.Time // when the token was checked
}

// TokenPlace says where the hub's token is kept.
type TokenPlace int

// Token places.
const (
	TokenMissing    TokenPlace = iota // no token
	TokenFromEnv                      // the XUNBANG_TOKEN environment variable
	TokenInKeyring                    // the OS keyring
	TokenInDataFile                   // sealed inside the encrypted data file
)

// SyncProblem says why nothing is syncing now; the strip says it and
// offers the one action that fixes it.
type SyncProblem int

// Sync problems.
const (
	SyncOK            SyncProblem = iota // syncing, or nothing to do
	SyncNoAddress                        // no platform address: 连接平台
	SyncNoToken                          // no token: 连接平台
	SyncBadAddress                       // an address that cannot be used: 连接平台
	SyncTokenRefused                     // the hub refused the token: 连接平台
	SyncOffline                          // no network here: retries by itself, 立即同步
	SyncUnreachable                      // the hub does not answer: retries by itself, 立即同步
	SyncNotHub                           // something else answered (Wi-Fi login page): 立即同步 after signing in
	SyncVersion                          // the hub speaks another protocol version: update xunbang
	SyncServerTrouble                    // the hub is busy or failing: retries by itself, 立即同步
	SyncLocalTrouble                     // saving on this computer failed: 立即同步
)

// needsConnecting reports whether the fix is in 设置 → 平台连接.
func (p SyncProblem) needsConnecting() bool {
	switch p {
	case SyncNoAddress, SyncNoToken, SyncBadAddress, SyncTokenRefused:
		return true
	}
	return false
}

// platformPanel is 设置 → 平台连接: the hub's address and token as the
// hub's operator hands them out, checked with the hub at once; who the
// token says the official is; where the token is kept; 连接 and 断开.
type platformPanel struct {
	u          *ui
	st         settingsStore
	address    *widget.Entry
	token      *widget.Entry
	connect    *widget.Button
	disconnect *widget.Button
	busy       *widget.Activity
	state      *widget.Label // connected as whom, the token where; or not connected
	message    *widget.Label // the outcome of the last button
	content    fyne.CanvasObject
	current    ConnectionInfo
}

func newPlatformPanel(u *ui) *platformPanel {
	p := &platformPanel{u: u, st: u.st}
	p.address = widget.NewEntry()
	p.address.SetPlaceHolder("https://")
	p.token = widget.NewPasswordEntry()
	p.token.SetPlaceHolder(lang.L("platform.token.placeholder"))
	p.token.OnSubmitted = func(string) { p.doConnect() }
	p.connect = widget.NewButtonWithIcon(lang.L("platform.connect"), theme.LoginIcon(), p.doConnect)
	p.connect.Importance = widget.HighImportance
	p.disconnect = widget.NewButtonWithIcon(lang.L("platform.disconnect"), theme.LogoutIcon(), p.doDisconnect)
	p.busy = widget.NewActivity()
	p.busy.Hide()
	p.state = widget.NewLabel("")
	p.state.Wrapping = fyne.TextWrapWord
	p.message = widget.NewLabel("")
	p.message.Wrapping = fyne.TextWrapWord
	p.message.Hide()
	help := smallLabel(lang.L("platform.help"))
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("platform.address")), p.address,
		widget.NewLabel(lang.L("platform.token")), p.token,
	)
	p.content = container.NewVBox(
		help,
		form,
		container.NewHBox(layout.NewSpacer(), p.busy, p.disconnect, p.connect),
		p.message,
		p.state,
	)
	if u.opts.Connection == nil {
		p.connect.Disable()
		p.disconnect.Disable()
		p.state.SetText(lang.L("platform.unavailable"))
	}
	return p
}

// load reads the connection off the UI goroutine and shows it.
func (p *platformPanel) load() {
	c := p.u.opts.Connection
	if c == nil {
		p.address.SetText(p.u.settings.PlatformURL)
		return
	}
	u := p.u
	u.bg.Go(func() {
		info, err := c.Current(u.ctx)
		u.run(func() {
			if err != nil {
				p.say(userMessage(err, u.lang), widget.DangerImportance)
				return
			}
			p.show(info)
			if p.address.Text == "" {
				p.address.SetText(info.Server)
			}
		})
	})
}

// show puts a connection's state on the panel.
func (p *platformPanel) show(info ConnectionInfo) {
	p.current = info
	switch {
	case info.Server == "":
		p.state.SetText(lang.L("platform.state.noaddress"))
		p.state.Importance = widget.WarningImportance
	case info.Token == TokenMissing:
		p.state.SetText(lang.L("platform.state.notoken", map[string]any{"Server": info.Server}))
		p.state.Importance = widget.WarningImportance
	default:
		who := info.User
		if info.Team != "" {
			who = lang.L("platform.who", map[string]any{"User": info.User, "Team": info.Team})
		}
		if who == "" {
			who = lang.L("platform.who.unknown")
		}
		p.state.SetText(lang.L("platform.state.connected", map[string]any{
			"Server": info.Server, "Who": who, "Where": tokenPlaceText(info.Token),
		}))
		p.state.Importance = widget.SuccessImportance
	}
	p.state.Refresh()
	if info.Token == TokenInKeyring || info.Token == TokenInDataFile {
		p.disconnect.Enable()
	} else {
		p.disconnect.Disable()
	}
}

func tokenPlaceText(t TokenPlace) string {
	switch t {
	case TokenFromEnv:
		return lang.L("platform.where.env")
	case TokenInDataFile:
		return lang.L("platform.where.datafile")
	}
	return lang.L("platform.where.keyring")
}

// doConnect checks the address and token with the hub, off the UI
// goroutine; on success the window syncs with it at once.
func (p *platformPanel) doConnect() {
	u := p.u
	u.touch()
	c := u.opts.Connection
	if c == nil || p.connect.Disabled() {
		return
	}
	server, token := strings.TrimSpace(p.address.Text), strings.TrimSpace(p.token.Text)
	// An empty address is not refused here: the hub's connect text,
	// pasted whole into the token field, carries it.
	switch {
	case server == "" && token == "":
		p.say(lang.L("platform.missing.address"), widget.DangerImportance)
		u.win.Canvas().Focus(p.address)
		return
	case token == "":
		p.say(lang.L("platform.missing.token"), widget.DangerImportance)
		u.win.Canvas().Focus(p.token)
		return
	}
	p.setBusy(true)
	p.say(lang.L("platform.checking"), widget.MediumImportance)
	u.bg.Go(func() {
		info, err := c.Connect(u.ctx, server, token)
		var set store.Settings
		var serr error
		if err == nil {
			set, serr = p.st.Settings(u.ctx)
		}
		u.run(func() {
			p.setBusy(false)
			if err != nil {
				p.say(err.Error(), widget.DangerImportance)
				return
			}
			p.token.SetText("")
			p.address.SetText(info.Server)
			if serr == nil {
				u.settings.PlatformURL, u.settings.HubPublicURL = set.PlatformURL, set.HubPublicURL
			}
			p.show(info)
			p.say(lang.L("platform.connected", map[string]any{"User": info.User, "Team": info.Team}), widget.SuccessImportance)
			u.sync.refresh()
			u.editor.refreshVerdict()
		})
	})
}

// doDisconnect forgets the token, off the UI goroutine.
func (p *platformPanel) doDisconnect() {
	u := p.u
	u.touch()
	c := u.opts.Connection
	if c == nil {
		return
	}
	p.setBusy(true)
	u.bg.Go(func() {
		err := c.Disconnect(u.ctx)
		var info ConnectionInfo
		if err == nil {
			info, err = c.Current(u.ctx)
		}
		u.run(func() {
			p.setBusy(false)
			if err != nil {
				p.say(userMessage(err, u.lang), widget.DangerImportance)
				return
			}
			p.show(info)
			p.say(lang.L("platform.disconnected"), widget.SuccessImportance)
			u.sync.refresh()
		})
	})
}

func (p *platformPanel) setBusy(busy bool) {
	if busy {
		p.connect.Disable()
		p.disconnect.Disable()
		p.busy.Show()
		p.busy.Start()
		return
	}
	p.busy.Stop()
	p.busy.Hide()
	p.connect.Enable()
	p.show(p.current)
}

func (p *platformPanel) say(text string, imp widget.Importance) {
	showMessage(p.message, text, imp)
}
