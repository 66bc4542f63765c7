package app

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/xunbang/xunbang/jobs"
)

// backupData asks where to write a backup of the data — a new file, in the
// folder last used or the Documents folder: a backup never replaces a file
// — and writes it there (writeBackup): 设置 → 备份…
func (u *ui) backupData() {
	name := lang.L("backup.filename") + "-" + time.Now().Format("20060102-150405") + ".db"
	u.runner.chooseNewFile(lang.L("backup.title"), name, ".db", u.writeBackup)
}

// writeBackup writes a backup of the data to path (package jobs: the same
// copy, recorded in the audit log the same way, as `xunbang backup`), off
// the UI goroutine behind the job dialog, and says what it holds.
func (u *ui) writeBackup(path string) {
	r := u.runner
	title := lang.L("backup.title")
	var res jobs.BackupResult
	r.job(title, lang.L("backup.working"), progressNone,
		func(ctx context.Context, _ func(done, total int)) error {
			var err error
			res, err = jobs.Backup(ctx, u.st, path)
			return err
		},
		func(err error) {
			if err != nil {
				slog.Error("backup", "path", path, "err", err)
				r.showResult(title, lang.L("backup.failed", map[string]any{"Err": userMessage(err, u.lang)}))
				return
			}
			slog.Info("backup written", "path", path, "bytes", res.Bytes)
			text := lang.L("backup.done", map[string]any{"Path": path, "N": res.Needs})
			if res.Encrypted {
				text = lang.L("backup.done.encrypted", map[string]any{"Path": path, "N": res.Needs, "Key": res.KeyID})
				if !res.HasPassphrase {
					text += "\n" + lang.L("backup.localonly")
				}
			}
			r.showResult(title, text, widget.NewButtonWithIcon(lang.L("excel.open.folder"), theme.FolderOpenIcon(), func() { r.open(filepath.Dir(path)) }))
		})
}
