// Command xunbang (寻榜) records, diagnoses and confirms enterprises'
// technology needs at the factory, offline, and syncs them to the provincial
// platform. With no command it opens the window; every other command runs
// without a display (xunbang help lists them).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"

	"github.com/xunbang/xunbang/app"
	"github.com/xunbang/xunbang/assets"
	"github.com/xunbang/xunbang/cli"
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
		Size: fyne.NewSize(float32(o.Width), float32(o.Height)),
	})
}
