package rtsp_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
)

// TestPlayerLagTime: a player that comes back with its choice for the
// next entry later than normal says how late in X-Player-Lag-Time
// (2.2.6.19, 3.1.5.16.1); one that answers at once does not. The
// session's clock is the test's (transport.Config.Now): 2.5 s pass between
// the ANNOUNCE and the Select without anyone waiting.
func TestPlayerLagTime(t *testing.T) {
	audio := fixture(t, "c_wmav2.wma")
	for _, c := range []struct {
		name string
		lag  time.Duration
		want string
	}{{"late", 2500 * time.Millisecond, "2500"}, {"prompt", 0, ""}} {
		t.Run(c.name, func(t *testing.T) {
			var mu sync.Mutex
			now := time.Unix(1000, 0)
			clock := func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				return now
			}
			srv := rtsptest.New(t, rtsptest.Config{Entries: [][]byte{audio, audio}, Speed: 20})
			s := dial(t, &rtsp.Dialer{}, withScheme(srv.URL(), "rtspt"), transport.Config{Now: clock})
			selectAll(t, s)
			ctx := testCtx(t)
			if err := s.Play(ctx, 0); err != nil {
				t.Fatal(err)
			}
			if _, err := readAll(t, s); !errors.Is(err, transport.ErrInfoChanged) {
				t.Fatalf("first entry: %v, want ErrInfoChanged", err)
			}
			mu.Lock()
			now = now.Add(c.lag)
			mu.Unlock()
			selectAll(t, s)
			if _, err := readAll(t, s); err != nil {
				t.Fatal(err)
			}
			plays := srv.RequestsOf("PLAY")
			if len(plays) != 2 {
				t.Fatalf("%d PLAYs, want 2", len(plays))
			}
			if got := plays[1].Header.Get("X-Player-Lag-Time"); got != c.want || plays[1].Header.Has("X-Player-Lag-Time") != (c.want != "") {
				t.Errorf("X-Player-Lag-Time %q, want %q", got, c.want)
			}
			if plays[0].Header.Has("X-Player-Lag-Time") {
				t.Error("X-Player-Lag-Time on the first PLAY")
			}
		})
	}
}
