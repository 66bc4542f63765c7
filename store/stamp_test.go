package store

import (
	"testing"
	"time"
)

func TestStamp(t *testing.T) {
	now := time.Date(2026, 12, 5, 7, 3, 9, 123456789, time.FixedZone("CST", 8*3600))
	for _, c := range []struct {
		name string
		in   time.Time
		want time.Time // what Time gives back
	}{
		{"zero", time.Time{}, time.Time{}},
		{"a save", now, now.UTC()},
		{"the epoch", time.Unix(0, 0), time.Unix(0, 1).UTC()},
		{"before 1678", time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(0, minStamp.UnixNano()).UTC()},
		{"after 2262", time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), maxStamp.UTC()},
	} {
		got := StampOf(c.in).Time()
		if !got.Equal(c.want) || got.Location() != time.UTC && !got.IsZero() {
			t.Errorf("%s: StampOf(%v).Time() = %v, want %v", c.name, c.in, got, c.want)
		}
	}
	// Order is the times' order, the zero time first.
	times := []time.Time{{}, time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(-1, 0), time.Unix(0, 0), now, now.Add(time.Nanosecond), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
	for i := 1; i < len(times); i++ {
		a, b := StampOf(times[i-1]), StampOf(times[i])
		if a.Compare(b) >= 0 || b.Compare(a) <= 0 || a.Compare(a) != 0 {
			t.Errorf("StampOf(%v) = %d does not come before StampOf(%v) = %d", times[i-1], a, times[i], b)
		}
	}
}
