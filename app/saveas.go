package app

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// chooseSaveAs asks where to write a file, proposing name (ending in ext) in
// the folder last used, else the user's Documents folder, and calls save
// with the path chosen: the Excel exports and the need cards use it.
func (r *jobRunner) chooseSaveAs(title, name, ext string, save func(path string)) {
	r.showSaveAs(&saveAsView{r: r, ext: ext, write: save, dir: r.exportDir()}, title, name)
}

// chooseNewFile is chooseSaveAs for a file that never replaces another (a
// backup): an existing name is refused, not offered to be replaced.
func (r *jobRunner) chooseNewFile(title, name, ext string, save func(path string)) {
	r.showSaveAs(&saveAsView{r: r, ext: ext, write: save, dir: r.exportDir(), keep: true}, title, name)
}

// showSaveAs builds and shows the save-as dialog v, proposing name.
func (r *jobRunner) showSaveAs(v *saveAsView, title, name string) {
	u := r.u
	v.folder = widget.NewLabel(v.dir)
	v.folder.Wrapping = fyne.TextWrapBreak
	v.choose = widget.NewButtonWithIcon(lang.L("excel.save.choosefolder"), theme.FolderOpenIcon(), v.chooseFolder)
	v.name = widget.NewEntry()
	v.name.SetText(name)
	v.name.OnSubmitted = func(string) { v.submit() }
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Importance = widget.DangerImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("excel.save.folder"), container.NewBorder(nil, nil, nil, container.NewVBox(v.choose), v.folder)),
		widget.NewFormItem(lang.L("excel.save.name"), v.name))
	d := dialog.NewCustomWithoutButtons(title, container.NewVBox(form, v.message), u.win)
	v.cancel = widget.NewButtonWithIcon(lang.L("button.cancel"), theme.CancelIcon(), d.Hide)
	v.save = widget.NewButtonWithIcon(lang.L("excel.save.button"), theme.DocumentSaveIcon(), v.submit)
	v.save.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{v.cancel, v.save})
	d.SetOnClosed(func() {
		if r.saveAs == v {
			r.saveAs = nil
		}
	})
	v.dialog = d
	r.saveAs = v
	v.resize()
	d.Show()
	u.win.Canvas().Focus(v.name)
}

// exportDir is the folder the save-as dialog proposes: the last one used,
// else the user's Documents folder, else the home folder.
func (r *jobRunner) exportDir() string {
	if isDir(r.lastDir) {
		return r.lastDir
	}
	if home, err := os.UserHomeDir(); err == nil && isDir(home) {
		if docs := documentsDir(home); isDir(docs) {
			return docs
		}
		return home
	}
	if wd, err := os.Getwd(); err == nil {
		return wd
	}
	return r.lastDir
}

// documentsDir is the user's documents folder: on Linux the one
// xdg-user-dirs names (~/文档 on a Chinese desktop such as UOS or Kylin),
// else ~/Documents.
func documentsDir(home string) string {
	if b, err := os.ReadFile(filepath.Join(home, ".config", "user-dirs.dirs")); err == nil {
		for line := range strings.Lines(string(b)) {
			v, ok := strings.CutPrefix(strings.TrimSpace(line), "XDG_DOCUMENTS_DIR=")
			if !ok {
				continue
			}
			v = strings.Trim(v, `"`)
			if rest, ok := strings.CutPrefix(v, "$HOME"); ok {
				v = filepath.Join(home, rest)
			}
			if filepath.IsAbs(v) && filepath.Clean(v) != filepath.Clean(home) {
				return v
			}
		}
	}
	return filepath.Join(home, "Documents")
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return path != "" && err == nil && fi.IsDir()
}

// saveAsView is the save-as dialog of an export: the folder, with
// 选择文件夹… to change it, and the file name.
type saveAsView struct {
	r     *jobRunner
	ext   string            // the file's extension, added when the name lacks it
	write func(path string) // writes the file
	dir   string            // the folder chosen
	keep  bool              // an existing file is never replaced

	dialog  *dialog.CustomDialog
	folder  *widget.Label
	choose  *widget.Button
	name    *widget.Entry
	message *widget.Label // what is wrong with the name, empty when nothing
	save    *widget.Button
	cancel  *widget.Button
}

// resize fits the dialog's height to its content, 600 wide. The folder and
// the message wrap, and a wrapped label knows its height only once it has
// its width: hence the second pass.
func (v *saveAsView) resize() {
	for range 2 {
		m := v.dialog.MinSize()
		v.dialog.Resize(fyne.NewSize(max(600, m.Width), m.Height))
	}
}

// chooseFolder asks for the folder with Fyne's folder dialog, which
// touches no file.
func (v *saveAsView) chooseFolder() {
	r := v.r
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			r.u.showError(err)
			return
		}
		if l != nil {
			v.setFolder(l.Path())
		}
	}, r.u.win)
	if l, err := storage.ListerForURI(storage.NewFileURI(v.dir)); err == nil {
		d.SetLocation(l)
	}
	d.Resize(r.fileDialogSize())
	d.Show()
}

func (v *saveAsView) setFolder(dir string) {
	v.dir = dir
	v.folder.SetText(dir)
	v.say("")
}

// say shows what is wrong, or nothing when msg is "".
func (v *saveAsView) say(msg string) {
	v.message.SetText(msg)
	v.resize()
}

// submit is 保存: it checks the name and the folder, asks before replacing
// an existing file, and starts the export.
func (v *saveAsView) submit() {
	r := v.r
	path, err := exportTarget(v.dir, v.name.Text, v.ext)
	if err != nil {
		v.say(err.Error())
		return
	}
	if !isDir(v.dir) {
		v.say(lang.L("excel.save.folder.missing", map[string]any{"Dir": v.dir}))
		return
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		v.say(lang.L("excel.save.isdir", map[string]any{"Name": filepath.Base(path)}))
	case err == nil && v.keep:
		v.say(lang.L("save.exists", map[string]any{"Name": filepath.Base(path)}))
	case err == nil:
		v.say("")
		c := dialog.NewConfirm(lang.L("excel.save.overwrite.title"), lang.L("excel.save.overwrite", map[string]any{"Path": path}), func(ok bool) {
			r.overwrite = nil
			if ok {
				v.start(path)
			}
		}, r.u.win)
		c.SetConfirmText(lang.L("excel.save.overwrite.confirm"))
		c.SetDismissText(lang.L("button.cancel"))
		c.SetConfirmImportance(widget.DangerImportance)
		r.overwrite = c
		c.Show()
	case errors.Is(err, fs.ErrNotExist):
		v.start(path)
	default:
		v.say(userMessage(err, r.u.lang))
	}
}

func (v *saveAsView) start(path string) {
	v.dialog.Hide()
	v.r.lastDir = filepath.Dir(path)
	v.write(path)
}

// exportTarget is the file the save-as dialog writes: name in dir, with
// the extension ext (.xlsx, or .pdf for the booklet and the cards) added
// when missing. It refuses an empty name, one with a path
// separator or a character Windows does not allow, and one of dots only,
// saying why in the UI language.
func exportTarget(dir, name, ext string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", errors.New(lang.L("excel.save.badname.empty"))
	case strings.ContainsAny(name, `/\`) || strings.ContainsRune(name, filepath.Separator):
		return "", errors.New(lang.L("excel.save.badname.separator"))
	case strings.ContainsAny(name, `<>:"|?*`):
		// Not allowed in Windows file names; refused everywhere, so a
		// file made here can be copied there.
		return "", errors.New(lang.L("excel.save.badname.chars"))
	case strings.Trim(name, ".") == "":
		return "", errors.New(lang.L("excel.save.badname.dots"))
	}
	if !strings.EqualFold(filepath.Ext(name), ext) {
		name += ext
	}
	return filepath.Join(dir, name), nil
}
