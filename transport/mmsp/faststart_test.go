package mmsp_test

import (
	"context"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/mmsp/mmsptest"
)

// startPlaying is the first StartPlaying a server received.
func startPlaying(t *testing.T, srv *mmsptest.Server) *mmsp.StartPlaying {
	t.Helper()
	sp := srv.ReceivedOf(mmsp.MIDStartPlaying)
	if len(sp) == 0 {
		t.Fatal("no StartPlaying")
	}
	return sp[0].Message.(*mmsp.StartPlaying)
}

// TestFastStart: to a server of version 9 or later the client asks for
// fast start in StartPlaying (3.1.4.2.1, 2.2.4.25): dwLinkBandwidth the
// user's bandwidth (Config.Bandwidth wins over the packet-pair estimate),
// dwAccelBandwidth that rate and dwAccelDuration the media that fills the
// buffer B while playing at it, B·L/(L−r) for the content rate r; and a
// server that honours it (3.2.5.11) sends the whole 6-second file at ten
// times its rate, well before real time.
func TestFastStart(t *testing.T) {
	srv := server(t, mmsptest.Options{Pace: true}, "/c.wma", content(t, "c_wmav2.wma"))
	const link = 10 * 64000
	s := dial(t, &mmsp.Dialer{}, srv.URL+"/c.wma", transport.Config{Bandwidth: link, BufferTarget: 10 * time.Second})
	r := int64(s.Info().Tracks[0].Bitrate)
	if r <= 0 || r > link/2 {
		t.Fatalf("content rate %d", r)
	}
	if err := s.Select(context.Background(), []int{s.Info().Tracks[0].ID}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	sameObjects(t, readAll(t, s), demux(t, "c_wmav2.wma", nil, 0))
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the 6-second file took %v at ten times its rate", took)
	}
	sp := startPlaying(t, srv)
	wantDur := (10 * time.Second * time.Duration(link) / time.Duration(link-r)).Round(time.Millisecond).Milliseconds()
	if !sp.HasAccel || !sp.HasLink || sp.LinkBandwidth != link || sp.AccelBandwidth != link || int64(sp.AccelDuration) != wantDur {
		t.Errorf("StartPlaying %+v, want accel %d bit/s for %d ms, link %d", sp, link, wantDur, link)
	}
	if !s.Stats().FastStart {
		t.Error("Stats().FastStart false")
	}
}

// TestFastStartUnknownLink: with no bandwidth known (no packet pair, none
// set) the client asks as Windows Media Player does, as fast as possible
// (2^31−1) for twice the buffer, and sends no dwLinkBandwidth.
func TestFastStartUnknownLink(t *testing.T) {
	srv := server(t, mmsptest.Options{DisablePacketPair: true}, "/c.wma", content(t, "c_wmav2.wma"))
	s := dial(t, &mmsp.Dialer{}, srv.URL+"/c.wma", transport.Config{BufferTarget: 4 * time.Second})
	if err := s.Play(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	readAll(t, s)
	sp := startPlaying(t, srv)
	if !sp.HasAccel || sp.HasLink || sp.AccelBandwidth != 2147483647 || sp.AccelDuration != 8000 {
		t.Errorf("StartPlaying %+v, want accel 2147483647 bit/s for 8000 ms and no link", sp)
	}
}

// TestNoFastStart: a server older than 9 (3.1.4.2.1) and a Dialer with
// DisableFastStart get a StartPlaying without the optional fields.
func TestNoFastStart(t *testing.T) {
	for _, c := range []struct {
		name string
		opts mmsptest.Options
		d    *mmsp.Dialer
	}{
		{"server 8", mmsptest.Options{ServerVersion: "8.00.00.4477"}, &mmsp.Dialer{}},
		{"turned off", mmsptest.Options{}, &mmsp.Dialer{DisableFastStart: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := server(t, c.opts, "/c.wma", content(t, "c_wmav2.wma"))
			s := dial(t, c.d, srv.URL+"/c.wma", transport.Config{Bandwidth: 1000000})
			if err := s.Play(context.Background(), 0); err != nil {
				t.Fatal(err)
			}
			readAll(t, s)
			if sp := startPlaying(t, srv); sp.HasAccel || sp.HasLink || s.Stats().FastStart {
				t.Errorf("StartPlaying %+v, FastStart %v", sp, s.Stats().FastStart)
			}
		})
	}
}
