package hubstore_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/xunbang/xunbang/sync/hubstore"
	"github.com/xunbang/xunbang/sync/hubstore/storetest"
)

func TestBoltConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) hubstore.Store {
		s, err := hubstore.OpenBolt(filepath.Join(t.TempDir(), "platform.db"), 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestBoltSecondOpenIsInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "platform.db")
	s, err := hubstore.OpenBolt(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := hubstore.OpenBolt(path, 50*time.Millisecond); !errors.Is(err, hubstore.ErrInUse) {
		t.Fatalf("second open: %v, want ErrInUse", err)
	}
}
