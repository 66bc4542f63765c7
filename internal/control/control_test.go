package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeBackup writes a small file at path, as the store's backup would, and
// counts its calls.
type fakeBackup struct{ calls atomic.Int32 }

func (f *fakeBackup) backup(ctx context.Context, path string) (BackupResult, error) {
	f.calls.Add(1)
	if _, err := os.Lstat(path); err == nil {
		return BackupResult{}, fmt.Errorf("backup to %s: %w", path, fs.ErrExist)
	}
	if err := os.WriteFile(path, []byte("backup of "+path), 0o600); err != nil {
		return BackupResult{}, err
	}
	return BackupResult{Bytes: int64(len("backup of " + path)), Needs: 3, Encrypted: true, KeyID: "0123456789abcdef"}, nil
}

func start(t *testing.T, h Handlers) (*Server, string) {
	t.Helper()
	dir := t.TempDir()
	srv, err := Start(context.Background(), dir, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, dir
}

func TestBackupOverLoopback(t *testing.T) {
	var fb fakeBackup
	srv, dir := start(t, Handlers{Backup: fb.backup})
	fi, err := os.Stat(srv.File())
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("control file mode %v, want 0600", fi.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".control-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	out := filepath.Join(t.TempDir(), "b.db")
	res, err := Backup(context.Background(), dir, out)
	if err != nil {
		t.Fatal(err)
	}
	if res.Bytes != int64(len("backup of "+out)) || res.Needs != 3 || !res.Encrypted || res.KeyID != "0123456789abcdef" || res.HasPassphrase {
		t.Errorf("result %+v", res)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != "backup of "+out {
		t.Errorf("backup file: %q %v", b, err)
	}
	// Again to the same path: the handler's fs.ErrExist reaches the client.
	_, err = Backup(context.Background(), dir, out)
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != CodeExists || !errors.Is(err, fs.ErrExist) {
		t.Errorf("backup over a file: %v", err)
	}
	// A relative path is refused before the handler sees it.
	calls := fb.calls.Load()
	if _, err := Backup(context.Background(), dir, "relative.db"); !errors.As(err, &ce) || ce.Code != CodeBadRequest {
		t.Errorf("relative path: %v", err)
	}
	if fb.calls.Load() != calls {
		t.Error("the handler ran for a relative path")
	}
}

func TestWrongTokenRefused(t *testing.T) {
	var fb fakeBackup
	srv, dir := start(t, Handlers{Backup: fb.backup})
	f, err := readFile(srv.File())
	if err != nil {
		t.Fatal(err)
	}
	// Another client's view: the right port, a token of the right form
	// but not the server's.
	other := t.TempDir()
	wrong := f
	wrong.Token = strings.Repeat("ab", 32)
	if err := writeFileAtomic(filepath.Join(other, FileName), wrong); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "b.db")
	_, err = Backup(context.Background(), other, out)
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != CodeUnauthorized {
		t.Fatalf("wrong token: %v", err)
	}
	if fb.calls.Load() != 0 {
		t.Error("the handler ran for a wrong token")
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a backup was written for a wrong token")
	}
	// And the server still serves the right one.
	if _, err := Backup(context.Background(), dir, out); err != nil {
		t.Error(err)
	}
}

func TestStaleFileFailsFast(t *testing.T) {
	dir := t.TempDir()
	// A port nothing listens on: the window that wrote the file is gone.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	if err := writeFileAtomic(filepath.Join(dir, FileName), file{Port: port, PID: 1, Token: strings.Repeat("0", 64)}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t0 := time.Now()
	_, err = Backup(ctx, dir, filepath.Join(t.TempDir(), "b.db"))
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("stale file: %v, want ErrUnreachable", err)
	}
	// Generous bound: refused connections fail at once; this only catches
	// a wait for the ctx's minute.
	if d := time.Since(t0); d > 10*time.Second {
		t.Errorf("stale file took %v", d)
	}

	// A port some other program now listens on, which accepts and says
	// nothing: the client gives up after the hello timeout.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	if err := writeFileAtomic(filepath.Join(dir, FileName), file{Port: silent.Addr().(*net.TCPAddr).Port, Token: strings.Repeat("0", 64)}); err != nil {
		t.Fatal(err)
	}
	old := helloTimeout
	helloTimeout = 200 * time.Millisecond
	defer func() { helloTimeout = old }()
	if _, err := Backup(ctx, dir, filepath.Join(t.TempDir(), "b.db")); !errors.Is(err, ErrUnreachable) {
		t.Errorf("silent listener: %v, want ErrUnreachable", err)
	}

	// No file, and a malformed one.
	if _, err := Backup(ctx, t.TempDir(), "/x.db"); !errors.Is(err, ErrUnreachable) {
		t.Errorf("no file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, FileName), []byte(`{"port":0}`), 0o600)
	if _, err := Backup(ctx, dir, "/x.db"); !errors.Is(err, ErrUnreachable) {
		t.Errorf("malformed file: %v", err)
	}
}

// exchange speaks the protocol by hand: it reads the hello, writes raw and
// returns the response.
func exchange(t *testing.T, srv *Server, raw []byte) Response {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReaderSize(conn, maxResponse)
	if _, err := readLine(r, maxResponse); err != nil {
		t.Fatalf("hello: %v", err)
	}
	go conn.Write(raw) // the server may stop reading before the end
	line, err := readLine(r, maxResponse)
	if err != nil {
		t.Fatalf("response: %v", err)
	}
	var resp Response
	if err := json.Unmarshal(line, &resp); err != nil {
		t.Fatalf("response %q: %v", line, err)
	}
	return resp
}

func TestBadRequestsRefused(t *testing.T) {
	var fb fakeBackup
	srv, _ := start(t, Handlers{Backup: fb.backup})
	f, err := readFile(srv.File())
	if err != nil {
		t.Fatal(err)
	}
	req := func(r Request) []byte {
		b, _ := json.Marshal(r)
		return append(b, '\n')
	}
	huge := Request{V: Version, Token: f.Token, Op: OpBackup, Path: "/" + strings.Repeat("a", MaxRequest)}
	for _, tc := range []struct {
		name string
		raw  []byte
		code string
	}{
		{"oversized", req(huge), CodeBadRequest},
		{"oversized without newline", []byte(strings.Repeat("x", 3*MaxRequest)), CodeBadRequest},
		{"not json", []byte("hello\n"), CodeBadRequest},
		{"two values", []byte(`{"v":1} {"v":1}` + "\n"), CodeBadRequest},
		{"old version", req(Request{V: 0, Token: f.Token, Op: OpBackup, Path: "/x"}), CodeBadRequest},
		{"malformed token", req(Request{V: Version, Token: "secret", Op: OpBackup, Path: "/x"}), CodeBadRequest},
		{"unknown op", req(Request{V: Version, Token: f.Token, Op: "restore", Path: "/x"}), CodeUnsupported},
		{"unknown op, wrong token", req(Request{V: Version, Token: strings.Repeat("0", 64), Op: "restore"}), CodeUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := exchange(t, srv, tc.raw)
			if resp.OK || resp.Code != tc.code {
				t.Errorf("response %+v, want code %s", resp, tc.code)
			}
		})
	}
	if fb.calls.Load() != 0 {
		t.Errorf("the handler ran %d times", fb.calls.Load())
	}
}

func TestNoHandlerIsUnsupported(t *testing.T) {
	_, dir := start(t, Handlers{})
	_, err := Backup(context.Background(), dir, filepath.Join(t.TempDir(), "b.db"))
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != CodeUnsupported {
		t.Errorf("no backup handler: %v", err)
	}
}

func TestStopsOnCancelAndRemovesFile(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var fb fakeBackup
	srv, err := Start(ctx, dir, Handlers{Backup: fb.backup})
	if err != nil {
		t.Fatal(err)
	}
	// A client that connected and sends nothing does not hold the server up.
	idle, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	cancel()
	select {
	case <-srv.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop")
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("control file after stop: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close after stop: %v", err)
	}
	if _, err := Backup(context.Background(), dir, filepath.Join(t.TempDir(), "b.db")); !errors.Is(err, ErrUnreachable) {
		t.Errorf("after stop: %v", err)
	}
	if _, err := net.DialTimeout("tcp", srv.Addr().String(), time.Second); err == nil {
		t.Error("still listening after stop")
	}
}

// TestLeavesAnotherServersFile: a server stopping does not remove the
// control file another server has written since.
func TestLeavesAnotherServersFile(t *testing.T) {
	dir := t.TempDir()
	a, err := Start(context.Background(), dir, Handlers{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Start(context.Background(), dir, Handlers{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if f, err := readFile(filepath.Join(dir, FileName)); err != nil || f.Token != b.token {
		t.Errorf("b's control file: %+v %v", f, err)
	}
}

func TestConcurrentRequests(t *testing.T) {
	var fb fakeBackup
	var inFlight, most atomic.Int32
	slow := func(ctx context.Context, path string) (BackupResult, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		return fb.backup(ctx, path)
	}
	_, dir := start(t, Handlers{Backup: slow})
	out := t.TempDir()
	const n = 3 * maxConcurrent
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := Backup(context.Background(), dir, filepath.Join(out, fmt.Sprintf("b%d.db", i)))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := fb.calls.Load(); got != n {
		t.Errorf("%d backups, want %d", got, n)
	}
	if m := most.Load(); m > maxConcurrent {
		t.Errorf("%d requests served at once, limit %d", m, maxConcurrent)
	}
}

func TestClientCancel(t *testing.T) {
	release := make(chan struct{})
	block := func(ctx context.Context, path string) (BackupResult, error) {
		<-release
		return BackupResult{}, nil
	}
	_, dir := start(t, Handlers{Backup: block})
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := Backup(ctx, dir, filepath.Join(t.TempDir(), "b.db")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled client: %v", err)
	}
}

func TestDecodeRequest(t *testing.T) {
	tok := strings.Repeat("a1", 32)
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{`{"v":1,"token":"` + tok + `","op":"backup","path":"/x"}`, true},
		{`{"v":1,"token":"` + tok + `","op":"backup","path":"/x","later":"field"}`, true},
		{`{"v":1,"token":"` + tok + `","op":""}`, false},
		{`{"v":2,"token":"` + tok + `","op":"backup"}`, false},
		{`{"v":1,"token":"` + strings.ToUpper(tok) + `","op":"backup"}`, false},
		{`{"v":1,"token":"` + tok[:62] + `","op":"backup"}`, false},
		{`null`, false},
		{``, false},
		{`[]`, false},
	} {
		_, err := decodeRequest([]byte(tc.in))
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.in, err)
		}
	}
}

func FuzzDecodeRequest(f *testing.F) {
	tok := strings.Repeat("0f", 32)
	f.Add([]byte(`{"v":1,"token":"` + tok + `","op":"backup","path":"/tmp/b.db"}`))
	f.Add([]byte(`{"v":1,"token":"` + tok + `","op":"backup","path":"C:\\b.db"}`))
	f.Add([]byte(`{"v":1}`))
	f.Add([]byte(`{"token":1}`))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRequest(b)
		if err != nil {
			return
		}
		if r.V != Version || !validToken(r.Token) || r.Op == "" || len(b) >= MaxRequest {
			t.Fatalf("accepted %q as %+v", b, r)
		}
		// What was accepted survives a round trip.
		again, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) >= MaxRequest {
			return // JSON's escapes made it longer than a request may be
		}
		r2, err := decodeRequest(again)
		if err != nil || r2 != r {
			t.Fatalf("round trip of %+v: %+v %v", r, r2, err)
		}
	})
}
