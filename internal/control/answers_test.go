package control

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnswers: a running window answers; no control file, a stale one and
// a port some other program has do not.
func TestAnswers(t *testing.T) {
	ctx := context.Background()
	_, dir := start(t, Handlers{})
	if !Answers(ctx, dir) {
		t.Error("a running server does not answer")
	}
	if Answers(ctx, t.TempDir()) {
		t.Error("no control file, yet it answers")
	}
	// Another program on the port: it accepts and says something else.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
			c.Close()
		}
	}()
	other := t.TempDir()
	if err := writeFileAtomic(filepath.Join(other, FileName), file{Port: ln.Addr().(*net.TCPAddr).Port, PID: 1, Token: strings.Repeat("0", 64)}); err != nil {
		t.Fatal(err)
	}
	if Answers(ctx, other) {
		t.Error("another program's port counts as a window")
	}
}
