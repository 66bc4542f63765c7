package floor

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// RSS returns the process's resident memory in bytes (VmRSS), 0 where the
// system does not say.
func RSS() int64 { return status("VmRSS:") }

// RSSAnon returns the process's resident anonymous memory in bytes
// (RssAnon: its heap, stacks and the like; not the pages of files it
// maps), 0 where the system does not say.
func RSSAnon() int64 { return status("RssAnon:") }

// status returns a size in /proc/self/status, in bytes.
func status(key string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
