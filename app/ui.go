package app

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/internal/diskerr"
	"github.com/xunbang/xunbang/jobs"
	"github.com/xunbang/xunbang/store"
)

// Screen names for Options.Screen and `xunbang --screen`.
const (
	ScreenDashboard   = "dashboard"
	ScreenNeeds       = "needs"
	ScreenEditor      = "editor"
	ScreenConfirm     = "confirm"
	ScreenEnterprises = "enterprises"
	ScreenSettings    = "settings"
	ScreenSync        = "sync"
	ScreenLock        = "lock" // the idle lock's screen, over the 工作台
)

// screens lists every name Options.Screen accepts.
var screens = []string{
	ScreenHome, ScreenDashboard, ScreenNeeds, ScreenEditor, ScreenConfirm, ScreenEnterprises, ScreenSettings, ScreenSync, ScreenLock,
}

// ui is the main window: the tabs 工作台 / 需求 / 企业 / 设置 over a sync
// strip. Like the screens it is made of, it holds its widgets, so that tests
// reach them (the calculator pattern).
type ui struct {
	ctx   context.Context
	app   fyne.App
	win   fyne.Window
	st    backend
	cat   *forms.Catalogue
	lang  string // "zh" or "en", for the catalogue's labels
	opts  Options
	bg    background
	saver *saver
	// post hands a function to the UI goroutine; run uses it. It is
	// fyne.Do with uiMu held (see run); tests replace it with a queue that
	// the test goroutine drains, so that it is the UI goroutine.
	post func(func())
	// uiMu is held by every function run through run. On the real UI
	// goroutine it is never contended; under Fyne's test driver, whose
	// fyne.Do runs the function at once on the calling goroutine, it keeps
	// functions from different goroutines from running at the same time.
	uiMu sync.Mutex
	// settings are the stored settings as last loaded or saved; UI
	// goroutine only.
	settings store.Settings
	// remember keeps where the window is in the settings (lastview.go): a
	// window the user works in, not a screenshot's nor a test's.
	remember bool
	// openPath opens a file or folder in the system's application for it
	// and says whether that worked (open.go); off the UI goroutine. Tests
	// replace it.
	openPath func(path string) error

	tabs        *container.AppTabs
	dashTab     *container.TabItem
	needsTab    *container.TabItem
	entTab      *container.TabItem
	settingsTab *container.TabItem
	needsStack  *fyne.Container // the need list, a need, or its confirmation

	dashboard    *dashboardView
	needs        *needList
	editor       *needEditor
	confirm      *confirmView
	enterprises  *enterpriseView
	settingsView *settingsView
	sync         *syncStrip
	refusals     *refusalsDialog // the last refused-records dialog shown (refused.go)
	runner       *jobRunner      // the long jobs' dialogs (jobdialog.go)
	content      fyne.CanvasObject
	idle         *idleLock // the idle lock (lock.go)
}

// newUI builds the window's content on w. Nothing is loaded until start.
func newUI(ctx context.Context, a fyne.App, w fyne.Window, st backend, settings store.Settings, opts Options) *ui {
	u := &ui{
		ctx: ctx, app: a, win: w, st: st, cat: forms.Default(), lang: string(CurrentLanguage()),
		opts: opts, saver: newSaver(), settings: settings, openPath: openPath,
	}
	u.post = func(fn func()) {
		fyne.Do(func() {
			u.uiMu.Lock()
			defer u.uiMu.Unlock()
			fn()
		})
	}
	u.idle = newIdleLock(u)
	u.runner = newJobRunner(u)
	u.needs = newNeedList(u)
	u.editor = newNeedEditor(u)
	u.confirm = newConfirmView(u)
	u.enterprises = newEnterpriseView(u)
	u.dashboard = newDashboardView(u)
	u.settingsView = newSettingsView(u)
	u.sync = newSyncStrip(u)

	u.needsStack = container.NewStack(u.needs.content)
	u.dashTab = container.NewTabItemWithIcon(lang.L("tab.dashboard"), theme.HomeIcon(), u.dashboard.content)
	u.needsTab = container.NewTabItemWithIcon(lang.L("tab.needs"), theme.DocumentIcon(), u.needsStack)
	u.entTab = container.NewTabItemWithIcon(lang.L("tab.enterprises"), theme.AccountIcon(), u.enterprises.content)
	u.settingsTab = container.NewTabItemWithIcon(lang.L("tab.settings"), theme.SettingsIcon(), u.settingsView.content)
	u.tabs = container.NewAppTabs(u.dashTab, u.needsTab, u.entTab, u.settingsTab)
	u.tabs.OnSelected = func(t *container.TabItem) {
		u.touch()
		u.tabShown(t)
		u.rememberView()
	}
	u.content = u.idle.watching(container.NewBorder(nil, u.sync.content, nil, nil, u.tabs),
		u.editor.autosave.later, u.enterprises.autosave.later, u.needs.searchLater, u.enterprises.searchLater, u.enterprises.nameLater)

	w.SetContent(u.content)
	w.SetMainMenu(u.mainMenu())
	w.SetCloseIntercept(u.requestClose)
	return u
}

// tabShown brings a screen up to date as it is shown: the dashboard's
// counts; the enterprise list, loaded the first time; the settings' home
// region (read from the region table only then). Issue 17: what a screen
// shows is read when it is first shown, not at the start.
func (u *ui) tabShown(t *container.TabItem) {
	switch t {
	case u.dashTab:
		u.dashboard.refresh()
	case u.entTab:
		if !u.enterprises.searched {
			u.enterprises.search()
		}
	case u.settingsTab:
		u.settingsView.home.ensureFilled()
	}
}

// requestClose runs when the user closes the window: pending edits are
// saved, synchronously, before it closes.
func (u *ui) requestClose() {
	u.flush()
	u.needs.excel.discardPreview()
	u.win.Close()
}

// run runs fn on the UI goroutine. Work on other goroutines hands its results
// to the widgets only through run.
func (u *ui) run(fn func()) { u.post(fn) }

// start loads what the screens show, off the UI goroutine.
func (u *ui) start() {
	u.needs.reload()
	u.settingsView.platform.load()
	u.sync.refresh()
	u.tabShown(u.tabs.Selected())
}

// watch refreshes the sync strip every few seconds until ctx ends. The
// window's Run starts it; tests do not, so that nothing touches widgets
// behind their back.
func (u *ui) watch(ctx context.Context) { u.every(ctx, 5*time.Second, u.sync.refresh) }

// every runs fn on the UI goroutine every d, until ctx ends.
func (u *ui) every(ctx context.Context, d time.Duration, fn func()) {
	go func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				u.run(fn)
			}
		}
	}()
}

// shortcuts of the main menu. The menu's shortcuts work even while an entry
// has the focus, which the canvas's own shortcuts do not.
var (
	shortcutNew    = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSave   = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSearch = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutLock   = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
)

func (u *ui) mainMenu() *fyne.MainMenu {
	// Commands do nothing while the window is locked (see lock.go).
	newNeed := fyne.NewMenuItem(lang.L("menu.newneed"), u.unlocked(u.newNeed))
	newNeed.Shortcut = shortcutNew
	save := fyne.NewMenuItem(lang.L("menu.save"), u.unlocked(u.saveNow))
	save.Shortcut = shortcutSave
	search := fyne.NewMenuItem(lang.L("menu.search"), u.unlocked(u.focusSearch))
	search.Shortcut = shortcutSearch
	newEnt := fyne.NewMenuItem(lang.L("menu.newenterprise"), u.unlocked(func() {
		u.tabs.Select(u.entTab)
		u.enterprises.newEnterprise()
	}))
	lockNow := fyne.NewMenuItem(lang.L("lock.menu"), u.unlocked(u.idle.lockNow))
	lockNow.Shortcut = shortcutLock
	lockNow.Disabled = !u.hasPassphrase()
	u.idle.menuItem = lockNow
	for _, sc := range []*desktop.CustomShortcut{shortcutNew, shortcutSave, shortcutSearch, shortcutLock} {
		// Also on the canvas, for when the menu bar is not drawn.
		item := map[*desktop.CustomShortcut]func(){shortcutNew: u.newNeed, shortcutSave: u.saveNow, shortcutSearch: u.focusSearch, shortcutLock: u.idle.lockNow}[sc]
		item = u.unlocked(item)
		u.win.Canvas().AddShortcut(sc, func(fyne.Shortcut) { item() })
	}
	importXLSX := fyne.NewMenuItem(lang.L("excel.import.menu"), u.unlocked(u.needs.excel.chooseImport))
	exportXLSX := fyne.NewMenuItem(lang.L("excel.export.button"), nil)
	exportXLSX.ChildMenu = u.needs.excel.exportMenu()
	for _, it := range exportXLSX.ChildMenu.Items {
		it.Action = u.unlocked(it.Action)
	}
	return fyne.NewMainMenu(fyne.NewMenu(lang.L("menu.file"), newNeed, newEnt, fyne.NewMenuItemSeparator(), save, search,
		fyne.NewMenuItemSeparator(), importXLSX, exportXLSX, fyne.NewMenuItemSeparator(), lockNow))
}

// saveNow saves what the current screen edits (Ctrl+S).
func (u *ui) saveNow() {
	switch u.tabs.Selected() {
	case u.needsTab:
		if u.editor.need != nil && u.needsStack.Objects[0] != u.needs.content {
			u.editor.saveNow()
		}
	case u.entTab:
		u.enterprises.save()
	case u.settingsTab:
		u.settingsView.save()
	}
}

// focusSearch puts the cursor in the current screen's search box (Ctrl+F).
func (u *ui) focusSearch() {
	if u.tabs.Selected() == u.entTab {
		u.win.Canvas().Focus(u.enterprises.searchEntry)
		return
	}
	u.showNeedList()
	u.win.Canvas().Focus(u.needs.search)
}

// flush saves every pending edit now, synchronously: the window is closing.
func (u *ui) flush() {
	u.editor.flushSync()
	u.enterprises.flushSync()
}

// showNeedList shows the need list in the 需求 tab.
func (u *ui) showNeedList() {
	u.tabs.Select(u.needsTab)
	if u.needsStack.Objects[0] != u.needs.content {
		u.editor.saveNow()
		u.setNeedsView(u.needs.content)
	}
	u.rememberView()
}

func (u *ui) setNeedsView(o fyne.CanvasObject) {
	u.needsStack.Objects = []fyne.CanvasObject{o}
	u.needsStack.Refresh()
}

// openNeed loads a need into the editor and shows it; then, if given, runs
// then (on the UI goroutine).
func (u *ui) openNeed(id string, then ...func()) {
	u.touch()
	u.tabs.Select(u.needsTab)
	u.editor.open(id, func() {
		u.setNeedsView(u.editor.content)
		u.rememberView()
		for _, fn := range then {
			fn()
		}
	})
}

// showConfirm shows the enterprise confirmation of the need in the editor.
func (u *ui) showConfirm() {
	if u.editor.need == nil {
		return
	}
	u.touch()
	u.editor.saveNow()
	u.confirm.show(u.editor)
	u.setNeedsView(u.confirm.content)
	// The audit log records who showed which need's confirmation screen.
	id, title := u.editor.need.ID, u.editor.need.Title()
	u.bg.Go(func() {
		if err := u.st.Audit(u.ctx, store.AuditViewConfirmation, id+" "+title); err != nil {
			slog.Warn("audit: cannot record the confirmation view", "need", id, "err", err)
		}
	})
}

// confirmShowing reports whether the 需求 tab shows the 企业确认 screen.
func (u *ui) confirmShowing() bool {
	return len(u.needsStack.Objects) > 0 && u.needsStack.Objects[0] == u.confirm.content
}

// openEnterprise shows an enterprise in the 企业 tab.
func (u *ui) openEnterprise(id string) {
	u.touch()
	u.tabs.Select(u.entTab)
	u.enterprises.open(id)
}

// changed is called after a need or an enterprise was saved: the list, the
// sync strip and the dashboard catch up.
func (u *ui) changed() {
	u.touch()
	u.needs.reloadLater.Trigger()
	u.sync.refreshLater.Trigger()
	u.dashboard.stale = true
}

// newNeed asks which enterprise the new need belongs to (Ctrl+N).
func (u *ui) newNeed() {
	search := widget.NewEntry()
	search.SetPlaceHolder(lang.L("newneed.search"))
	var found []*forms.Enterprise
	var d dialog.Dialog
	list := widget.NewList(
		func() int { return len(found) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			e := found[i]
			o.(*widget.Label).SetText(e.Name() + "　" + townName(e.Values.Get("region")))
		},
	)
	list.OnSelected = func(i widget.ListItemID) {
		d.Hide()
		u.createNeed(found[i].ID)
	}
	seq := 0
	find := func(text string) {
		seq++
		my := seq
		u.bg.Go(func() {
			l, err := u.st.FindEnterprises(u.ctx, text, 50)
			if err != nil {
				slog.Error("find enterprises", "err", err)
				return
			}
			u.run(func() {
				if my == seq {
					found = l
					list.Refresh()
				}
			})
		})
	}
	search.OnChanged = find
	newEnt := widget.NewButtonWithIcon(lang.L("newneed.newenterprise"), theme.ContentAddIcon(), func() {
		d.Hide()
		u.tabs.Select(u.entTab)
		u.enterprises.newEnterprise()
	})
	hint := widget.NewLabel(lang.L("newneed.hint"))
	hint.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(container.NewVBox(hint, search), newEnt, nil, nil, list)
	d = dialog.NewCustom(lang.L("newneed.title"), lang.L("button.cancel"), body, u.win)
	d.Resize(fyne.NewSize(560, 480))
	d.Show()
	u.win.Canvas().Focus(search)
	find("")
}

// createNeed saves a new draft need of an enterprise and opens it.
func (u *ui) createNeed(enterpriseID string, then ...func()) {
	n := &forms.Need{EnterpriseID: enterpriseID, Status: forms.StatusDraft, Values: forms.Values{}}
	u.bg.Go(func() {
		if e, err := u.st.Enterprise(u.ctx, enterpriseID); err == nil && len(e.Contacts) > 0 {
			n.ContactID = e.Contacts[0].ID
		}
		err := u.saver.saveNeed(u.ctx, u.st, n)
		u.run(func() {
			if err != nil {
				u.showError(err)
				return
			}
			u.changed()
			u.openNeed(n.ID, then...)
		})
	})
}

// showError tells the user what went wrong, in their words.
func (u *ui) showError(err error) {
	slog.Error("window", "err", err)
	if u.idle != nil && u.idle.locked { // the message may name a record: after the unlock
		u.idle.whenUnlocked(func() { dialog.ShowInformation(lang.L("error.title"), userMessage(err, u.lang), u.win) })
		return
	}
	dialog.ShowInformation(lang.L("error.title"), userMessage(err, u.lang), u.win)
}

// userMessage maps an error to a sentence for the user.
func userMessage(err error, lng string) string {
	var te *forms.TransitionError
	var de *store.DamagedError
	var ae *forms.AnonymityError
	var fe *jobs.FileError
	switch {
	case errors.As(err, &fe):
		return fe.Message(lng)
	case errors.As(err, &te):
		return te.Message(lng)
	case errors.As(err, &ae):
		return ae.Message(lng)
	case errors.As(err, &de):
		return de.Message(lng)
	case errors.Is(err, store.ErrConflict):
		return lang.L("error.conflict")
	case errors.Is(err, store.ErrDuplicate):
		return lang.L("error.duplicate")
	case errors.Is(err, store.ErrNotFound):
		return lang.L("error.notfound")
	case errors.Is(err, store.ErrInUse):
		return lang.L("error.inuse")
	case errors.Is(err, context.Canceled):
		return lang.L("error.cancelled")
	}
	if msg, ok := diskerr.Message(err, lng); ok {
		return msg
	}
	return lang.L("error.other", map[string]any{"Err": err.Error()})
}

// readyWhen calls fn once the screen named by screen shows its data; for the
// screenshots.
func (u *ui) showScreen(screen string, ready func()) {
	switch screen {
	case ScreenNeeds, ScreenSync:
		u.tabs.Select(u.needsTab)
		u.needs.onLoaded = append(u.needs.onLoaded, ready)
	case ScreenEditor, ScreenConfirm:
		u.tabs.Select(u.needsTab)
		u.needs.onLoaded = append(u.needs.onLoaded, func() {
			var id string
			var ok bool
			if screen == ScreenConfirm {
				if id, ok = u.needs.firstNeed(forms.StatusToConfirm); !ok {
					id, ok = u.needs.firstNeed(forms.StatusConfirmed)
				}
			}
			if !ok {
				id, ok = u.needs.firstNeed()
			}
			if !ok {
				ready()
				return
			}
			u.openNeed(id, func() {
				if screen == ScreenConfirm {
					u.showConfirm()
				}
				ready()
			})
		})
	case ScreenEnterprises:
		u.tabs.Select(u.entTab)
		u.enterprises.onLoaded = func() {
			if len(u.enterprises.results) > 0 {
				u.enterprises.openThen(u.enterprises.results[0].ID, ready)
				return
			}
			ready()
		}
	case ScreenSettings:
		u.tabs.Select(u.settingsTab)
		ready()
	case ScreenLock:
		u.tabs.Select(u.dashTab)
		u.idle.lock("")
		ready()
	default: // home, dashboard
		u.tabs.Select(u.dashTab)
		u.dashboard.onShown = ready
	}
}
