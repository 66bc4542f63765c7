package control

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/xunbang/xunbang/internal/atomicfile"
)

// Handlers are the operations a Server offers; a nil one is answered with
// CodeUnsupported.
type Handlers struct {
	// Backup writes a consistent copy of the data to path — absolute and
	// clean; it must not exist — and says what it wrote. An error wrapping
	// fs.ErrExist reaches the client as CodeExists, any other as
	// CodeFailed with its text.
	Backup func(ctx context.Context, path string) (BackupResult, error)
}

// maxConcurrent is how many connections a Server serves at once; more wait
// to be accepted.
const maxConcurrent = 4

// Server is the window's end of the control channel: see the package doc.
type Server struct {
	ln     net.Listener
	file   string // the control file
	token  string
	h      Handlers
	log    *slog.Logger
	ctx    context.Context // cancelled by Close or the ctx given to Start
	cancel context.CancelFunc
	sem    chan struct{}
	wg     sync.WaitGroup
	done   chan struct{}
	err    error // of removing the control file; read after done
}

// Start listens on a loopback port, writes DIR/control.json (replacing a
// stale one) and serves requests with h until ctx ends or Close is called;
// then it stops listening, waits for the requests being served and removes
// the control file.
func Start(ctx context.Context, dir string, h Handlers) (*Server, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("control: listen: %w", err)
	}
	b := make([]byte, tokenLen/2)
	if _, err := rand.Read(b); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control: token: %w", err)
	}
	s := &Server{
		ln:    ln,
		file:  filepath.Join(dir, FileName),
		token: hex.EncodeToString(b),
		h:     h,
		log:   slog.Default().With("component", "control"),
		sem:   make(chan struct{}, maxConcurrent),
		done:  make(chan struct{}),
	}
	s.ctx, s.cancel = context.WithCancel(ctx)
	port := ln.Addr().(*net.TCPAddr).Port
	if err := writeFileAtomic(s.file, file{Port: port, PID: os.Getpid(), Token: s.token}); err != nil {
		s.cancel()
		ln.Close()
		return nil, fmt.Errorf("control: %w", err)
	}
	s.wg.Add(1)
	go s.accept()
	go func() {
		<-s.ctx.Done()
		s.ln.Close()
		s.wg.Wait()
		s.err = s.removeFile()
		close(s.done)
	}()
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// File is the path of the control file.
func (s *Server) File() string { return s.file }

// Done is closed once the server has stopped and removed its control file.
func (s *Server) Done() <-chan struct{} { return s.done }

// Close stops the server as the end of Start's ctx does, waits until it
// has stopped, and returns the error of removing the control file, if any.
func (s *Server) Close() error {
	s.cancel()
	<-s.done
	return s.err
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			if s.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors or the like: try again shortly.
			s.log.Warn("accept failed", "err", err)
			select {
			case <-time.After(50 * time.Millisecond):
				continue
			case <-s.ctx.Done():
				return
			}
		}
		select {
		case s.sem <- struct{}{}:
		case <-s.ctx.Done():
			conn.Close()
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() { <-s.sem }()
			s.serve(conn)
		}()
	}
}

// serve answers one connection: hello, one request, one response.
func (s *Server) serve(conn net.Conn) {
	defer closeGracefully(conn)
	// Until the request is in, the end of the server ends the wait.
	stop := context.AfterFunc(s.ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	conn.SetDeadline(time.Now().Add(requestTimeout))
	if err := writeLine(conn, hello{Service: service, V: Version}); err != nil {
		stop()
		return
	}
	line, err := readLine(bufio.NewReaderSize(conn, MaxRequest), MaxRequest)
	stoppedWaiting := stop()
	if err != nil {
		if errors.Is(err, errTooLarge) {
			s.answer(conn, refusal(CodeBadRequest, err))
		}
		return // gone, too slow, or the server is stopping
	}
	if !stoppedWaiting {
		return // the server is stopping
	}
	req, err := decodeRequest(line)
	if err != nil {
		s.answer(conn, refusal(CodeBadRequest, err))
		return
	}
	if subtle.ConstantTimeCompare([]byte(req.Token), []byte(s.token)) != 1 {
		s.log.Warn("request with a wrong token refused", "remote", conn.RemoteAddr())
		s.answer(conn, refusal(CodeUnauthorized, errors.New("wrong token")))
		return
	}
	s.answer(conn, s.do(req))
}

// do runs an authenticated request.
func (s *Server) do(req Request) (resp Response) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("op panicked", "op", req.Op, "panic", p)
			resp = refusal(CodeFailed, fmt.Errorf("%s: internal error", req.Op))
		}
	}()
	switch req.Op {
	case OpBackup:
		if s.h.Backup == nil {
			break
		}
		if !filepath.IsAbs(req.Path) || strings.ContainsRune(req.Path, 0) {
			return refusal(CodeBadRequest, errors.New("backup: the path must be absolute"))
		}
		path := filepath.Clean(req.Path)
		res, err := s.h.Backup(s.ctx, path)
		if err != nil {
			s.log.Warn("backup failed", "path", path, "err", err)
			code := CodeFailed
			if errors.Is(err, fs.ErrExist) {
				code = CodeExists
			}
			return refusal(code, err)
		}
		s.log.Info("backup written", "path", path, "bytes", res.Bytes)
		return Response{OK: true, Backup: &res}
	}
	return refusal(CodeUnsupported, fmt.Errorf("op %q is not supported by this window", req.Op))
}

func refusal(code string, err error) Response {
	return Response{Code: code, Error: err.Error()}
}

func (s *Server) answer(conn net.Conn, resp Response) {
	conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := writeLine(conn, resp); err != nil {
		s.log.Info("answer not delivered", "err", err)
	}
}

// closeGracefully closes conn after letting the peer read what was written:
// it shuts down the sending side and reads (for at most a second) what the
// peer still sends, so that closing with unread data — a request cut short
// for being too large — does not reset the connection before the peer
// has read the answer.
func closeGracefully(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.CloseWrite()
		conn.SetReadDeadline(time.Now().Add(time.Second))
		io.Copy(io.Discard, io.LimitReader(conn, 4*MaxRequest))
	}
	conn.Close()
}

// removeFile removes the control file if it is still the one this server
// wrote.
func (s *Server) removeFile() error {
	f, err := readFile(s.file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil && f.Token != s.token {
		return nil // another server's now
	}
	if err := os.Remove(s.file); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("control: %w", err)
	}
	return nil
}

// writeFileAtomic writes the control file with mode 0600, atomically.
func writeFileAtomic(path string, f file) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'), 0o600)
}

// writeLine writes v as one line of JSON.
func writeLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// readLine reads one line of at most max bytes, newline included, and
// returns it without the newline: errTooLarge when it is longer,
// io.ErrUnexpectedEOF when the peer closes before the newline. The reader's
// buffer must hold max bytes.
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull) || len(line) > max:
		return nil, errTooLarge
	case errors.Is(err, io.EOF):
		return nil, io.ErrUnexpectedEOF
	case err != nil:
		return nil, err
	}
	return line[:len(line)-1], nil
}
