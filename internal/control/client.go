package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Backup asks the window that has the data dir dir open to write a backup
// to path, which must be absolute and must not exist, and returns what it
// wrote. It returns an error wrapping ErrUnreachable when no window answers
// (no control file, or a stale one: this fails within a few seconds at
// most, at once when nothing listens on the port), an *Error when the
// window refused or failed (errors.Is(err, fs.ErrExist) for a path that
// exists), and ctx's error when ctx ends first. Without a deadline on ctx
// the exchange is bounded by half an hour.
func Backup(ctx context.Context, dir, path string) (BackupResult, error) {
	resp, err := call(ctx, dir, Request{Op: OpBackup, Path: path})
	if err != nil {
		return BackupResult{}, fmt.Errorf("control: backup: %w", err)
	}
	if resp.Backup == nil {
		return BackupResult{}, fmt.Errorf("control: backup: %w", &Error{Code: CodeFailed, Message: "the answer carries no result"})
	}
	return *resp.Backup, nil
}

// call makes one exchange with the server whose control file is in dir.
func call(ctx context.Context, dir string, req Request) (Response, error) {
	var resp Response
	f, err := readFile(filepath.Join(dir, FileName))
	if err != nil {
		return resp, fmt.Errorf("%w (%v)", ErrUnreachable, err)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultTimeout)
		defer cancel()
	}
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(f.Port)))
	if err != nil {
		if ctx.Err() != nil {
			return resp, ctx.Err()
		}
		return resp, fmt.Errorf("%w (%v)", ErrUnreachable, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	// deadline sets conn's deadline for the next step, and reports ctx's
	// error when ctx has already ended (and so set one in the past).
	deadline := func(d time.Duration) error {
		t := time.Now().Add(d)
		if dl, _ := ctx.Deadline(); d == 0 || dl.Before(t) {
			t = dl
		}
		conn.SetDeadline(t)
		return ctx.Err()
	}
	// ended says whether err comes from ctx's end: ctx's error, or a
	// deadline that was ctx's (which may fire a moment before ctx reports
	// it).
	ended := func(err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if dl, _ := ctx.Deadline(); errors.Is(err, os.ErrDeadlineExceeded) && !time.Now().Before(dl) {
			return context.DeadlineExceeded
		}
		return nil
	}
	r := bufio.NewReaderSize(conn, maxResponse)

	if err := deadline(helloTimeout); err != nil {
		return resp, err
	}
	line, err := readLine(r, maxResponse)
	if err != nil {
		if e := ended(err); e != nil {
			return resp, e
		}
		return resp, fmt.Errorf("%w (no hello on port %d: %v)", ErrUnreachable, f.Port, err)
	}
	var h hello
	if err := json.Unmarshal(line, &h); err != nil || h.Service != service {
		return resp, fmt.Errorf("%w (port %d does not speak the control protocol)", ErrUnreachable, f.Port)
	}
	if h.V != Version {
		return resp, &Error{Code: CodeUnsupported, Message: fmt.Sprintf("the window speaks control protocol version %d, this program %d: it is another version of xunbang", h.V, Version)}
	}

	req.V, req.Token = Version, f.Token
	if err := deadline(writeTimeout); err != nil {
		return resp, err
	}
	if err := writeLine(conn, req); err != nil {
		if e := ended(err); e != nil {
			return resp, e
		}
		return resp, fmt.Errorf("send the request: %w", err)
	}
	if err := deadline(0); err != nil {
		return resp, err
	}
	line, err = readLine(r, maxResponse)
	if err != nil {
		if e := ended(err); e != nil {
			return resp, e
		}
		return resp, fmt.Errorf("no answer from the window: %w", err)
	}
	if err := json.Unmarshal(line, &resp); err != nil {
		return resp, fmt.Errorf("malformed answer from the window: %w", err)
	}
	if !resp.OK {
		if resp.Code == "" {
			resp.Code = CodeFailed
		}
		return resp, &Error{Code: resp.Code, Message: resp.Error}
	}
	return resp, nil
}

// readFile reads and checks a control file.
func readFile(path string) (file, error) {
	var f file
	fh, err := os.Open(path)
	if err != nil {
		return f, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxFile+1))
	if err != nil {
		return f, err
	}
	if len(b) > maxFile {
		return f, fmt.Errorf("%s: too large", path)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("%s: %w", path, err)
	}
	if f.Port < 1 || f.Port > 65535 || !validToken(f.Token) {
		return f, errors.New(path + ": malformed")
	}
	return f, nil
}

// Answers reports whether a xunbang window answers on the control channel
// of the data dir dir: its control file names a port on which the control
// protocol says hello. It takes a few seconds at most, and no time when
// there is no control file or nothing listens on its port. Commands ask it
// when the data dir is in use, to say truthfully who has it.
func Answers(ctx context.Context, dir string) bool {
	f, err := readFile(filepath.Join(dir, FileName))
	if err != nil {
		return false
	}
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(f.Port)))
	if err != nil {
		return false
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	conn.SetDeadline(time.Now().Add(helloTimeout))
	line, err := readLine(bufio.NewReaderSize(conn, maxResponse), maxResponse)
	var h hello
	return err == nil && json.Unmarshal(line, &h) == nil && h.Service == service
}
