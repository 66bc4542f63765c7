package platform_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/xunbang/xunbang/forms"
	"github.com/xunbang/xunbang/sync/platform"
	"github.com/xunbang/xunbang/sync/protocol"
)

// Clients of one team trickling push bodies at a few bytes a second hold
// no processing slot: another team's pulls and pushes still answer at
// once, the trickles are cut off, and the team is served again after
// (issue 11.5).
func TestSlowClientsDoNotHoldTheHub(t *testing.T) {
	f := newFixture(t, platform.Options{MaxInFlight: 8, MaxBodiesPerTeam: 4, BodyGrace: 300 * time.Millisecond, MinBodyRate: 1 << 20})
	slowTeam, other := f.token("li", "suzhou"), f.token("wang", "wuxi")
	body, _ := json.Marshal(protocol.PushRequest{Protocol: "1", Records: []protocol.Record{need("n1", "r1", "", "e1", "高温合金部件焊接", forms.VisibilityNamed)}})

	const slow = 8
	statuses := make(chan int, slow)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range slow {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- trickle(t, f.ts.Listener.Addr().String(), slowTeam, body, stop)
		}()
	}
	defer func() { close(stop); wg.Wait() }()
	time.Sleep(150 * time.Millisecond) // the trickles have started

	hc := &http.Client{Timeout: 3 * time.Second}
	var worst time.Duration
	for i := range 10 {
		start := time.Now()
		req, _ := http.NewRequest("GET", f.ts.URL+protocol.PathChanges, nil)
		req.Header.Set("Authorization", "Bearer "+other)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("pull %d of another team while one team trickles: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("pull %d of another team: %d", i, resp.StatusCode)
		}
		worst = max(worst, time.Since(start))
	}
	t.Logf("slowest pull of another team while %d trickles ran: %v", slow, worst)
	otherBody, _ := json.Marshal(protocol.PushRequest{Protocol: "1", Records: []protocol.Record{need("n9", "r9", "", "e9", "无锡的检测需求", forms.VisibilityNamed)}})
	if a := f.do("POST", protocol.PathPush, other, otherBody); a.status != http.StatusOK {
		t.Fatalf("another team's push: %d %s", a.status, a.body)
	}

	// The trickles end: past the team's body bound at once (429), the rest
	// cut off for being too slow (408).
	counts := map[int]int{}
	for range slow {
		counts[<-statuses]++
	}
	if counts[http.StatusTooManyRequests] != slow-4 || counts[http.StatusRequestTimeout] != 4 {
		t.Fatalf("slow pushes ended %v, want 4 × 408 and %d × 429", counts, slow-4)
	}
	if rs := f.push(slowTeam, need("n1", "r1", "", "e1", "高温合金部件焊接", forms.VisibilityNamed)); rs[0].Outcome != protocol.Accepted {
		t.Fatalf("the slow team's next push: %+v", rs[0])
	}
}

// trickle sends a push over a raw connection, its body one byte every
// 100 ms (for at most 10 s), and returns the status the hub answers, as
// soon as it answers.
func trickle(t *testing.T, addr, token string, body []byte, stop <-chan struct{}) int {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Error(err)
		return 0
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\n%s: %s\r\nContent-Length: %d\r\n\r\n",
		protocol.PathPush, addr, token, protocol.MediaType, protocol.HeaderVersion, protocol.Version, len(body))
	answered := make(chan int, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	for i := 0; i < len(body) && i < 100; i++ {
		select {
		case code := <-answered:
			return code
		case <-stop:
			return 0
		case <-time.After(100 * time.Millisecond):
		}
		if _, err := conn.Write(body[i : i+1]); err != nil {
			break
		}
	}
	select {
	case code := <-answered:
		return code
	case <-time.After(5 * time.Second):
		return 0
	}
}

// A push refused before its body is read (an unknown token) is answered at
// once, though its body still trickles: the answer is not held back until
// the body is in (which, at a byte a second, took as long as the client
// liked, the connection held all along).
func TestRefusedTrickleAnsweredAtOnce(t *testing.T) {
	f := newFixture(t, platform.Options{})
	body := bytes.Repeat([]byte("x"), 4096)
	if code := trickle(t, f.ts.Listener.Addr().String(), "made-up-token", body, nil); code != http.StatusUnauthorized {
		t.Fatalf("a trickled push with an unknown token got %d, want 401 at once", code)
	}
}
