package client

import (
	"testing"
	"time"
)

func TestRetryDelayBacksOff(t *testing.T) {
	net := &Error{Kind: KindNetwork}
	prev := time.Duration(0)
	for f := 1; f <= 8; f++ {
		d := retryDelay(f, net)
		if d < 12*time.Second || d > 36*time.Minute {
			t.Fatalf("failure %d: %v", f, d)
		}
		if f > 1 && d < prev/2 {
			t.Errorf("failure %d: %v after %v", f, d, prev)
		}
		prev = d
	}
	if d := retryDelay(1, &Error{Kind: KindBusy, RetryAfter: time.Hour}); d < time.Hour {
		t.Errorf("Retry-After not honoured: %v", d)
	}
	if d := retryDelay(1, &Error{Kind: KindUnauthorized}); d < 20*time.Minute {
		t.Errorf("a refused token retried after %v", d)
	}
}
