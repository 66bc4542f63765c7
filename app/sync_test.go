package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/store"
	"github.com/xunbang/xunbang/sync/client"
	"github.com/xunbang/xunbang/sync/client/fakeplatform"
	"github.com/xunbang/xunbang/sync/client/platforms"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// The window's sync, as an official meets it: the strip's reasons and
// buttons, connecting in 设置 → 平台连接 against the real hub over loopback,
// the records the hub refused, and the platform's verdicts reaching the
// open screens.

var quietLog = slog.New(slog.DiscardHandler)

// testHub is the reference hub on a loopback socket.
type testHub struct {
	srv *platform.Server
	url string
}

func startHub(t *testing.T) *testHub {
	t.Helper()
	srv, err := platform.Open(t.TempDir(), platform.Options{Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.ServeListener(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	return &testHub{srv: srv, url: "http://" + ln.Addr().String()}
}

func (h *testHub) token(t *testing.T, user, team string) string {
	t.Helper()
	tok, err := h.srv.CreateToken(context.Background(), user, team)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// noKeyring is a computer without an OS keyring, as this one is.
type noKeyring struct{}

func (noKeyring) Get(string, string) (string, error) { return "", client.ErrNoKeyring }
func (noKeyring) Set(string, string, string) error   { return client.ErrNoKeyring }
func (noKeyring) Delete(string, string) error        { return client.ErrNoKeyring }

// linkHooks wires a sync link to the window as main does (main.go's
// syncHooks; main cannot be imported).
func linkHooks(link *client.Link, st *store.Store) SyncHooks {
	problems := map[client.Problem]SyncProblem{
		client.ProblemNone: SyncOK, client.ProblemNoAddress: SyncNoAddress, client.ProblemNoToken: SyncNoToken,
		client.ProblemBadAddress: SyncBadAddress, client.ProblemTokenRefused: SyncTokenRefused,
		client.ProblemOffline: SyncOffline, client.ProblemUnreachable: SyncUnreachable, client.ProblemNotHub: SyncNotHub,
		client.ProblemVersion: SyncVersion, client.ProblemServer: SyncServerTrouble, client.ProblemLocal: SyncLocalTrouble,
	}
	return SyncHooks{
		Sync: func(ctx context.Context) error {
			_, err := link.Sync(ctx)
			if err != nil {
				return errors.New(client.Message(err, "zh"))
			}
			return nil
		},
		Status: func(ctx context.Context) (SyncStatus, error) {
			s, err := link.Status(ctx)
			return SyncStatus{Pending: s.Pending, Refused: s.Refused, LastSuccess: s.LastSuccess, LastError: s.Message("zh"),
				NextRetry: s.NextRetry, Running: s.Running, Conflicts: s.Conflicts, Problem: problems[s.Problem], LastChange: s.LastChange}, err
		},
		Connection: testConnection{link},
		Refusals:   testRefusals{st},
	}
}

type testConnection struct{ link *client.Link }

func (c testConnection) Current(ctx context.Context) (ConnectionInfo, error) {
	conn, err := c.link.Connection(ctx)
	return ConnectionInfo{Server: conn.Server, User: conn.User, Team: conn.Team, Token: TokenPlace(conn.Token), At: conn.At}, err
}

func (c testConnection) Connect(ctx context.Context, server, token string) (ConnectionInfo, error) {
	conn, err := c.link.Connect(ctx, server, token)
	if err != nil {
		return ConnectionInfo{}, errors.New(client.Message(err, "zh"))
	}
	return ConnectionInfo{Server: conn.Server, User: conn.User, Team: conn.Team, Token: TokenPlace(conn.Token), At: conn.At}, nil
}

func (c testConnection) Disconnect(ctx context.Context) error { return c.link.Disconnect(ctx) }

type testRefusals struct{ st *store.Store }

func (r testRefusals) Refusals(ctx context.Context) ([]Refusal, error) {
	l, err := client.Refusals(ctx, r.st)
	var out []Refusal
	for _, x := range l {
		out = append(out, Refusal{Seq: x.Seq, Need: x.Kind == protocol.KindNeed, ID: x.ID, Title: x.Title, Reasons: x.Texts("zh"), At: x.At, Superseded: x.Superseded})
	}
	return out, err
}

func (r testRefusals) Dismiss(ctx context.Context, seq uint64) error {
	return client.DismissRefusal(ctx, r.st, seq)
}

// newSyncTestUI opens a window on an encrypted store (so that a token can
// be kept in it) with a sync link on a computer without a keyring; the
// link syncs only when asked.
func newSyncTestUI(t *testing.T, prepare func(st *store.Store)) (*ui, *store.Store, *client.Link, string) {
	t.Helper()
	return newSyncTestUIDial(t, platforms.Dial, prepare)
}

// newSyncTestUIDial is newSyncTestUI with the link's platforms opened by
// dial (the fake platform's, say).
func newSyncTestUIDial(t *testing.T, dial client.Dialer, prepare func(st *store.Store)) (*ui, *store.Store, *client.Link, string) {
	t.Helper()
	setLocale(t, "zh_CN.UTF-8")
	mustSetLanguage(t, Chinese)
	t.Setenv(client.TokenEnv, "")
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, store.Options{Key: store.KeySource{Raw: testRawKey}})
	if err != nil {
		t.Fatal(err)
	}
	if prepare != nil {
		prepare(st)
	}
	set, err := st.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	link := client.NewLink(st, client.LinkConfig{Client: client.Config{Keyring: noKeyring{}, Dial: dial, Logger: quietLog,
		Timeout: 10 * time.Second, RetryCount: -1}})
	link.Start(ctx)
	h := linkHooks(link, st)
	w := a.NewWindow("寻榜")
	u := newUI(ctx, a, w, st, set, Options{DataDir: dir, Sync: h.Sync, SyncStatus: h.Status, Connection: h.Connection, Refusals: h.Refusals})
	useQueue(u)
	for _, d := range []*debouncer{u.editor.autosave.later, u.enterprises.autosave.later, u.needs.searchLater, u.needs.reloadLater,
		u.enterprises.searchLater, u.enterprises.nameLater, u.sync.refreshLater} {
		d.delay, d.maxWait = 5*time.Millisecond, 0
	}
	w.Resize(fyne.NewSize(1024, 768))
	t.Cleanup(func() {
		settle(t, u)
		w.Close()
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	u.start()
	settle(t, u)
	return u, st, link, dir
}

// stripState is what the strip shows: its texts and which buttons are on.
type stripState struct {
	problem          string // "" when hidden
	connect, syncNow bool
	refused          string // "" when hidden
	retry            bool
}

func readStrip(s *syncStrip) stripState {
	st := stripState{connect: s.connect.Visible(), syncNow: s.syncNow.Visible(), retry: s.retry.Visible()}
	if s.problem.Visible() {
		st.problem = s.problem.Text
	}
	if s.refused.Visible() {
		st.refused = s.refused.Text
	}
	return st
}

// TestSyncStripSaysWhy: in every state the strip says why nothing syncs
// and offers the one button that fixes it.
func TestSyncStripSaysWhy(t *testing.T) {
	u, _ := newTestUI(t, nil)
	u.opts.Sync = func(context.Context) error { return nil }
	u.opts.Connection = testConnection{}
	u.opts.Refusals = testRefusals{}
	later := time.Now().Add(10 * time.Minute)
	for _, tc := range []struct {
		name   string
		status SyncStatus
		want   stripState
	}{
		{"syncing", SyncStatus{Pending: 2, LastSuccess: time.Now()}, stripState{syncNow: true}},
		{"no address", SyncStatus{Pending: 32, Problem: SyncNoAddress, LastError: "x"},
			stripState{problem: "未同步：还没有连接平台（需要平台地址和令牌）。", connect: true}},
		{"no token", SyncStatus{Pending: 32, Problem: SyncNoToken}, stripState{problem: "未同步：还没有登录令牌。", connect: true}},
		{"bad address", SyncStatus{Problem: SyncBadAddress}, stripState{problem: "平台地址不能用：须以 https:// 开头。", connect: true}},
		{"token refused", SyncStatus{Problem: SyncTokenRefused, NextRetry: later},
			stripState{problem: "未同步：平台不认可登录令牌（可能已被收回），请重新粘贴。", connect: true}},
		{"offline", SyncStatus{Problem: SyncOffline, NextRetry: later},
			stripState{problem: "未同步：本机没有联网，联网后会自动同步。", syncNow: true, retry: true}},
		{"hub unreachable", SyncStatus{Problem: SyncUnreachable, NextRetry: later},
			stripState{problem: "未同步：连不上平台，稍后自动重试。", syncNow: true, retry: true}},
		{"retry time passed", SyncStatus{Problem: SyncUnreachable, NextRetry: time.Now().Add(-time.Minute)},
			stripState{problem: "未同步：连不上平台，稍后自动重试。", syncNow: true}},
		{"wifi login page", SyncStatus{Problem: SyncNotHub, NextRetry: later},
			stripState{problem: "未同步：收到的不是平台的回复，可能要先在浏览器里登录无线网络。", syncNow: true, retry: true}},
		{"other version", SyncStatus{Problem: SyncVersion}, stripState{problem: "未同步：平台的版本与本程序不一致，请升级寻榜。"}},
		{"hub failing", SyncStatus{Problem: SyncServerTrouble, LastError: "同步服务器出错，稍后会自动重试。", NextRetry: later},
			stripState{problem: "上次出错：同步服务器出错，稍后会自动重试。", syncNow: true, retry: true}},
		{"refused records", SyncStatus{Refused: 2, LastSuccess: time.Now()}, stripState{syncNow: true, refused: "2 条被平台退回"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u.sync.show(tc.status)
			if got := readStrip(u.sync); got != tc.want {
				t.Errorf("strip\n got %+v\nwant %+v", got, tc.want)
			}
			wantPending := "已全部同步"
			if tc.status.Pending > 0 {
				wantPending = "待同步 " + strconv.Itoa(tc.status.Pending) + " 条"
			}
			if u.sync.pending.Text != wantPending {
				t.Errorf("pending %q, want %q", u.sync.pending.Text, wantPending)
			}
		})
	}
	// 连接平台… opens 设置 → 平台连接 with the cursor in the address.
	u.sync.show(SyncStatus{Problem: SyncNoAddress})
	test.Tap(u.sync.connect)
	if u.tabs.Selected() != u.settingsTab || u.win.Canvas().Focused() != u.settingsView.platform.address {
		t.Errorf("连接平台… selected %v, focused %T", u.tabs.Selected().Text, u.win.Canvas().Focused())
	}
}

// TestConnectToTheHub: an official with no keyring pastes a token in
// 设置 → 平台连接; the hub says who they are, the token is kept sealed in
// the data file (not in plain text), syncing works at once without a
// restart, and 断开 forgets the token.
func TestConnectToTheHub(t *testing.T) {
	hub := startHub(t)
	tok := hub.token(t, "李科技", "苏州科技镇长团")
	u, st, _, dir := newSyncTestUI(t, func(st *store.Store) { confirmedNeed(t, st) })
	ctx := context.Background()
	if got := readStrip(u.sync); got.problem != "未同步：还没有连接平台（需要平台地址和令牌）。" || !got.connect || got.syncNow {
		t.Fatalf("strip before connecting: %+v", got)
	}
	if u.sync.pending.Text != "待同步 2 条" { // the enterprise and the need, however often saved
		t.Errorf("pending %q", u.sync.pending.Text)
	}
	test.Tap(u.sync.connect)
	p := u.settingsView.platform
	if u.tabs.Selected() != u.settingsTab || u.win.Canvas().Focused() != p.address {
		t.Fatal("连接平台… did not open 设置 → 平台连接")
	}
	if !strings.Contains(p.state.Text, "未连接") {
		t.Errorf("panel state %q", p.state.Text)
	}

	// A token pasted with a line break, for the wrong hub: refused, said so.
	test.Type(p.address, hub.url)
	p.token.SetText("not-the-token\n")
	test.Tap(p.connect)
	settle(t, u)
	if !p.message.Visible() || !strings.Contains(p.message.Text, "平台不认可这个令牌") {
		t.Fatalf("wrong token: message %q", p.message.Text)
	}
	p.token.SetText(" " + tok + "\n")
	test.Tap(p.connect)
	settle(t, u)
	if !strings.Contains(p.message.Text, "李科技") || !strings.Contains(p.state.Text, "团队 苏州科技镇长团") ||
		!strings.Contains(p.state.Text, "加密保存在数据文件中") || p.token.Text != "" || p.disconnect.Disabled() {
		t.Fatalf("after connecting: message %q, state %q", p.message.Text, p.state.Text)
	}
	if u.settings.PlatformURL != hub.url {
		t.Errorf("the window's settings: %q", u.settings.PlatformURL)
	}
	raw, err := os.ReadFile(filepath.Join(dir, store.FileName))
	if err != nil || bytes.Contains(raw, []byte(tok)) {
		t.Fatalf("the token is in the data file in plain text (%v)", err)
	}

	// Applied without a restart: the strip offers 立即同步, which syncs.
	u.sync.refresh()
	settle(t, u)
	if got := readStrip(u.sync); got.problem != "" || got.connect || !got.syncNow {
		t.Fatalf("strip after connecting: %+v", got)
	}
	test.Tap(u.sync.syncNow)
	settle(t, u)
	if u.sync.pending.Text != "已全部同步" || !strings.HasPrefix(u.sync.last.Text, "上次同步成功") {
		t.Fatalf("after 立即同步: %q, %q, problem %q", u.sync.pending.Text, u.sync.last.Text, u.sync.problem.Text)
	}
	if recs, _ := hub.srv.Records(context.Background(), ""); len(recs) != 2 {
		t.Errorf("the hub holds %d records", len(recs))
	}

	test.Tap(p.disconnect)
	settle(t, u)
	if !strings.Contains(p.state.Text, "还没有令牌") || !p.disconnect.Disabled() {
		t.Errorf("after 断开: state %q", p.state.Text)
	}
	if _, _, err := client.LoadStoredToken(ctx, st, hub.url, noKeyring{}); !errors.Is(err, client.ErrNoToken) {
		t.Errorf("the token outlived 断开: %v", err)
	}
	u.sync.refresh()
	settle(t, u)
	if got := readStrip(u.sync); got.problem != "未同步：还没有登录令牌。" || !got.connect {
		t.Errorf("strip after 断开: %+v", got)
	}

	// The hub's console hands out a connect text; pasted whole into the
	// token field (whose line breaks become spaces) it gives the address too.
	p.address.SetText("")
	p.token.SetText(strings.ReplaceAll(protocol.FormatConnectText(hub.url, tok), "\n", " "))
	test.Tap(p.connect)
	settle(t, u)
	if p.address.Text != hub.url || !strings.Contains(p.state.Text, "已连接") {
		t.Errorf("connect text: address %q, state %q, message %q", p.address.Text, p.state.Text, p.message.Text)
	}
}

// TestStripNamesThePlatformsFailure: through the link, each kind of
// failure the platform reports (here the fake platform, which can be
// offline) reaches the strip as its reason, in the window's words, and the
// next sync that succeeds clears it.
func TestStripNamesThePlatformsFailure(t *testing.T) {
	p := fakeplatform.New(fakeplatform.Options{})
	tok := p.Token("李科技", "苏州科技镇长团")
	u, _, link, _ := newSyncTestUIDial(t, p.Dial, func(st *store.Store) { confirmedNeed(t, st) })
	if _, err := link.Connect(context.Background(), "https://hub.example.cn", tok); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind client.ErrorKind
		want stripState
	}{
		{client.KindOffline, stripState{problem: "未同步：本机没有联网，联网后会自动同步。", syncNow: true, retry: true}},
		{client.KindNotProtocol, stripState{problem: "未同步：收到的不是平台的回复，可能要先在浏览器里登录无线网络。", syncNow: true, retry: true}},
		{client.KindUnauthorized, stripState{problem: "未同步：平台不认可登录令牌（可能已被收回），请重新粘贴。", connect: true}},
		{client.KindBusy, stripState{problem: "上次出错：同步服务器正忙，稍后会自动重试。", syncNow: true, retry: true}},
	} {
		p.Fail(tc.kind, 0)
		test.Tap(u.sync.syncNow)
		settle(t, u)
		u.sync.refresh()
		settle(t, u)
		if got := readStrip(u.sync); got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.kind, got, tc.want)
		}
	}
	p.Fail(0, 0)
	test.Tap(u.sync.syncNow)
	settle(t, u)
	u.sync.refresh()
	settle(t, u)
	if got := readStrip(u.sync); got.problem != "" || u.sync.pending.Text != "已全部同步" {
		t.Errorf("after the platform recovered: %+v, %q", got, u.sync.pending.Text)
	}
}

// syncOnce connects the window's link to hub and syncs through 立即同步.
func syncOnce(t *testing.T, u *ui, link *client.Link, hub *testHub, tok string) {
	t.Helper()
	if _, err := link.Connection(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c, _ := link.Connection(context.Background()); c.Token == client.TokenMissing {
		if _, err := link.Connect(context.Background(), hub.url, tok); err != nil {
			t.Fatal(err)
		}
		u.sync.refresh()
		settle(t, u)
	}
	test.Tap(u.sync.syncNow)
	settle(t, u)
	u.sync.refresh()
	settle(t, u)
}

// TestRefusedRecordsDialog: a need the hub refuses is listed with the
// hub's reasons; 打开修改 opens it; once saved again, its old refusal can
// be dismissed, and the fix goes through.
func TestRefusedRecordsDialog(t *testing.T) {
	hub := startHub(t)
	tok := hub.token(t, "李科技", "苏州科技镇长团")
	var bad *forms.Need
	u, st, link, _ := newSyncTestUI(t, func(st *store.Store) {
		ent := saveEnterprise(t, st, "苏州退回测试有限公司", "")
		// Refused for a need type no vocabulary has (a short title is only
		// a warning: a draft may break a length, issue 13.9).
		bad = &forms.Need{EnterpriseID: ent.ID, Status: forms.StatusDraft, Values: forms.Values{"title": {"短"}, "need_type": {"42"}}}
		if err := st.SaveNeed(context.Background(), bad); err != nil {
			t.Fatal(err)
		}
	})
	syncOnce(t, u, link, hub, tok)
	if got := readStrip(u.sync); got.refused != "1 条被平台退回" {
		t.Fatalf("strip after the refusal: %+v", got)
	}
	test.Tap(u.sync.refused)
	settle(t, u)
	r := u.refusals
	texts := strings.Join(objectTexts(r.rows), "\n")
	if len(r.list) != 1 || !strings.Contains(texts, "短") || !strings.Contains(texts, "需求类型") || r.dismis[0] != nil {
		t.Fatalf("dialog: %d rows, texts %q", len(r.list), texts)
	}
	test.Tap(r.opened[0])
	settle(t, u)
	if u.editor.need == nil || u.editor.need.ID != bad.ID || u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("打开修改 did not open the refused need")
	}
	// The official fixes the need type and the title in the editor.
	u.editor.form.input("need_type").sel.SetSelected("技术改造")
	u.editor.form.input("title").entry.SetText("表面处理工艺改进")
	u.editor.saveNow()
	settle(t, u)
	test.Tap(u.sync.refused)
	settle(t, u)
	r = u.refusals
	if len(r.list) != 1 || !r.list[0].Superseded || r.dismis[0] == nil {
		t.Fatalf("after the fix: %+v", r.list)
	}
	test.Tap(r.dismis[0])
	settle(t, u)
	if len(r.list) != 0 || !strings.Contains(r.intro.Text, "没有被平台退回的记录") {
		t.Fatalf("after dismissing: %+v %q", r.list, r.intro.Text)
	}
	r.d.Hide()
	if got := readStrip(u.sync); got.refused != "" {
		t.Errorf("strip after dismissing: %+v", got)
	}
	test.Tap(u.sync.syncNow)
	settle(t, u)
	if l, _ := client.Refusals(context.Background(), st); len(l) != 0 || u.sync.pending.Text != "已全部同步" {
		t.Errorf("after syncing the fix: %v, %q", l, u.sync.pending.Text)
	}
}

// TestVerdictReachesOpenScreens: the hub publishes a need while it is open
// in the editor; after the next sync the editor and the list both say
// 已发布, with the platform's comment and public address. A verdict on a
// need that waits for the enterprise's confirmation is shown as a clash.
func TestVerdictReachesOpenScreens(t *testing.T) {
	hub := startHub(t)
	tok := hub.token(t, "李科技", "苏州科技镇长团")
	var need *forms.Need
	u, st, link, _ := newSyncTestUI(t, func(st *store.Store) { need = confirmedNeed(t, st) })
	syncOnce(t, u, link, hub, tok)
	u.openNeed(need.ID)
	settle(t, u)
	e := u.editor
	if e.status.Text != "状态：已确认" || e.verdict.content.Visible() {
		t.Fatalf("before the verdict: %q, verdict shown %v", e.status.Text, e.verdict.content.Visible())
	}
	const url = "https://kjcg.example.cn/crowdsourcing/demandDetail?id=1"
	if err := hub.srv.Review(context.Background(), need.ID, "已发布", url, "内容完整，准予发布"); err != nil {
		t.Fatal(err)
	}
	test.Tap(u.sync.syncNow)
	settle(t, u)
	if e.status.Text != "状态：已发布" {
		t.Errorf("the open editor still says %q", e.status.Text)
	}
	if !e.verdict.content.Visible() || !strings.HasPrefix(e.verdict.state.Text, "平台：已发布") || e.verdict.link.Text != url ||
		!e.verdict.copyBtn.Visible() || !e.verdict.openBtn.Visible() || e.verdict.comment.Text != "平台意见：内容完整，准予发布" || e.verdict.clash.Visible() {
		t.Errorf("verdict row: %q %q %q clash %v", e.verdict.state.Text, e.verdict.link.Text, e.verdict.comment.Text, e.verdict.clash.Visible())
	}
	test.Tap(e.verdict.copyBtn)
	if got := u.app.Clipboard().Content(); got != url {
		t.Errorf("clipboard %q", got)
	}
	// The list says the same.
	u.showNeedList()
	settle(t, u)
	row := u.needs.list.CreateItem()
	u.needs.updateRow(0, row)
	cells := row.(*fyne.Container).Objects
	if cells[2].(*widget.Label).Text != "已发布" || !strings.HasPrefix(cells[7].(*verdictCell).label.Text, "已发布：内容完整") ||
		!cells[7].(*verdictCell).link.Visible() || cells[7].(*verdictCell).url != url {
		t.Errorf("list row: status %q, platform %q", cells[2].(*widget.Label).Text, cells[7].(*verdictCell).label.Text)
	}
	u.app.Clipboard().SetContent("")
	cells[7].(*verdictCell).menu.Items[0].Action() // 复制网址
	if got := u.app.Clipboard().Content(); got != url {
		t.Errorf("the list's 复制网址 copied %q", got)
	}

	// The official edits confirmed content: the need waits for the
	// enterprise again; the platform's 已发布 now clashes, and says why.
	u.openNeed(need.ID)
	settle(t, u)
	e.form.input("budget_wan").entry.SetText("120")
	e.saveNow()
	settle(t, u)
	if e.status.Text != "状态：待企业确认" || !e.verdict.clash.Visible() ||
		!strings.Contains(e.verdict.clash.Text, "平台的结论“已发布”与本机状态“待企业确认”不一致") {
		t.Errorf("after editing: %q, clash %q", e.status.Text, e.verdict.clash.Text)
	}
	// A review arriving while it waits leaves the status, and is shown.
	syncOnce(t, u, link, hub, tok)
	if err := hub.srv.Review(context.Background(), need.ID, "对接中", "", ""); err != nil {
		t.Fatal(err)
	}
	syncOnce(t, u, link, hub, tok)
	n, _ := st.Need(context.Background(), need.ID)
	if n.Status != forms.StatusToConfirm || n.Platform.State != "对接中" {
		t.Fatalf("stored: %s %+v", n.Status, n.Platform)
	}
	if !strings.HasPrefix(e.verdict.state.Text, "平台：对接中") || !strings.Contains(e.verdict.clash.Text, "尚待企业确认") {
		t.Errorf("editor after the review: %q, clash %q", e.verdict.state.Text, e.verdict.clash.Text)
	}
}

// TestVerdictClash: a verdict disagrees with the local status only when
// the need is not simply further along here.
func TestVerdictClash(t *testing.T) {
	mustSetLanguage(t, Chinese)
	for _, tc := range []struct {
		state  string
		status forms.Status
		want   string // "" for no clash
	}{
		{"已发布", forms.StatusPublished, ""},
		{"对接中", forms.StatusSigned, ""},    // signed here, the platform not told yet
		{"已发布", forms.StatusMatching, ""},  // matching here
		{"审核中", forms.StatusPublished, ""}, // published here before the review
		{"已发布", forms.StatusToConfirm, "尚待企业确认"},
		{"对接中", forms.StatusDraft, "尚待企业确认"},
		{"退回", forms.StatusPublished, "平台退回了这条需求"},
		{"已关闭", forms.StatusMatching, "平台已关闭这条需求"},
		{"已签约", forms.StatusPublished, "请核对"},
		{"", forms.StatusDraft, ""},
	} {
		n := &forms.Need{Status: tc.status, Platform: forms.Platform{State: tc.state}}
		got := verdictClash(n, "zh")
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("verdict %s, status %s: %q, want %q", tc.state, tc.status, got, tc.want)
		}
	}
}
