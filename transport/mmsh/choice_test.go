package mmsh_test

import (
	"errors"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// TestEntryStreamsAreTheConsumers: the session does not choose the streams
// of a new playlist entry. It reports the entry (ErrInfoChanged) and asks
// the server for nothing until the consumer selects; the entry's one
// SelectStream (non-pipelined) or PlayNextEntry (pipelined) then carries
// exactly the consumer's choice as the complete selection state (3.1.4.5:
// every stream, 0 on, 2 off), here the 32 kb/s stream of a two-bitrate
// file that the automatic choice (transport.ChooseTracks) would not pick,
// and only that stream's samples are delivered.
func TestEntryStreamsAreTheConsumers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dialer  *mmsh.Dialer
		request string
	}{
		{"non-pipelined", baseDialer(), "SelectStream"},
		{"pipelined", &mmsh.Dialer{DisablePacketPair: true}, "PlayNextEntry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, a := fixture(t, "c_wmav2.wma")
			_, b := fixture(t, "mbr_20s.wma") // stream 1 at 128 kb/s, stream 2 at 32 kb/s
			pl, err := mmshtest.Playlist(a, b)
			if err != nil {
				t.Fatal(err)
			}
			srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/list": pl})
			s := dial(t, tc.dialer, srv.URL+"/list", transport.Config{})
			play(t, s, nil)
			if _, err := readUntil(t, s); !errors.Is(err, transport.ErrInfoChanged) {
				t.Fatalf("entry 1 ended with %v", err)
			}
			info := s.Info()
			if len(info.Tracks) != 2 {
				t.Fatalf("entry 2 tracks %+v", info.Tracks)
			}
			if auto := transport.ChooseTracks(info, 0, transport.Preferences{}); len(auto) != 1 || auto[0] != 1 {
				t.Fatalf("the automatic choice is %v; the test needs it to be [1]", auto)
			}
			if n := len(srv.RequestsOf(tc.request)); n != 0 {
				t.Fatalf("%d %s sent before the consumer selected", n, tc.request)
			}
			if err := s.Select(ctxT(t), []int{2}); err != nil {
				t.Fatal(err)
			}
			second, err := readAll(t, s)
			if err != nil || len(second) == 0 {
				t.Fatalf("entry 2: %d samples, %v", len(second), err)
			}
			for _, smp := range second {
				if smp.Track != 2 {
					t.Fatalf("a sample of stream %d in entry 2, where the consumer chose stream 2", smp.Track)
				}
			}
			reqs := srv.RequestsOf(tc.request)
			if len(reqs) != 1 {
				t.Fatalf("%d %s for entry 2, want 1", len(reqs), tc.request)
			}
			if v, _ := reqs[0].Token("stream-switch-entry"); v != "ffff:1:2 ffff:2:0" {
				t.Errorf("%s stream-switch-entry %q, want the consumer's choice ffff:1:2 ffff:2:0", tc.request, v)
			}
			if n := len(srv.RequestsOf("SelectStream")) + len(srv.RequestsOf("PlayNextEntry")); n != 1 {
				t.Errorf("%d selection requests for entry 2, want 1", n)
			}
		})
	}
}

// TestEntryWithoutSelectGetsEveryStream: a consumer that reads on after a
// new entry's ErrInfoChanged without selecting gets every stream of the
// entry (transport.Session: until Select, every track is received); the
// entry's SelectStream asks for all of them, and the samples of both come.
func TestEntryWithoutSelectGetsEveryStream(t *testing.T) {
	_, a := fixture(t, "c_wmav2.wma")
	_, b := fixture(t, "mbr_20s.wma")
	pl, err := mmshtest.Playlist(a, b)
	if err != nil {
		t.Fatal(err)
	}
	srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/list": pl})
	s := dial(t, baseDialer(), srv.URL+"/list", transport.Config{})
	play(t, s, nil)
	if _, err := readUntil(t, s); !errors.Is(err, transport.ErrInfoChanged) {
		t.Fatalf("entry 1 ended with %v", err)
	}
	second, err := readAll(t, s)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, smp := range second {
		seen[smp.Track] = true
	}
	if !seen[1] || !seen[2] {
		t.Errorf("entry 2 delivered streams %v, want 1 and 2", seen)
	}
	reqs := srv.RequestsOf("SelectStream")
	if len(reqs) != 1 {
		t.Fatalf("%d SelectStream for entry 2, want 1", len(reqs))
	}
	if v, _ := reqs[0].Token("stream-switch-entry"); v != "ffff:1:0 ffff:2:0" {
		t.Errorf("stream-switch-entry %q, want every stream on", v)
	}
}

// TestCapsFromFeatures: Info.Caps reports what the server's features allow
// for the content (2.2.1.4.8): fast forward and rewind where "stridable"
// and never for a broadcast, skips where "skipforward" / "skipbackward",
// per playlist entry (the first entry has no previous one, the last no
// next one); stream switching always (SelectStream, or a Play at the
// position reached without sswitch).
func TestCapsFromFeatures(t *testing.T) {
	caps := func(rate, fwd, back bool) transport.Capabilities {
		return transport.Capabilities{Rate: rate, SkipForward: fwd, SkipBackward: back, SwitchStreams: true}
	}
	for _, tc := range []struct {
		name      string
		stridable bool
		broadcast bool
		want      transport.Capabilities
	}{
		{"file", false, false, caps(false, false, false)},
		{"stridable file", true, false, caps(true, false, false)},
		{"broadcast", true, true, caps(false, false, false)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := fileContent(t, "c_wmav2.wma")
			c.Stridable, c.Broadcast = tc.stridable, tc.broadcast
			srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/a.wma": c})
			s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
			if got := s.Info().Caps; got != tc.want {
				t.Errorf("caps %+v, want %+v", got, tc.want)
			}
		})
	}
	t.Run("playlist", func(t *testing.T) {
		_, a := fixture(t, "c_wmav2.wma")
		_, b := fixture(t, "pcm_4s.asf")
		pl, err := mmshtest.Playlist(a, b)
		if err != nil {
			t.Fatal(err)
		}
		pl.Stridable = true
		srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/list": pl})
		s := dial(t, baseDialer(), srv.URL+"/list", transport.Config{})
		if got, want := s.Info().Caps, caps(true, true, false); got != want {
			t.Errorf("entry 1 caps %+v, want %+v", got, want)
		}
		play(t, s, nil)
		if _, err := readUntil(t, s); !errors.Is(err, transport.ErrInfoChanged) {
			t.Fatalf("entry 1 ended with %v", err)
		}
		if got, want := s.Info().Caps, caps(true, false, true); got != want {
			t.Errorf("entry 2 caps %+v, want %+v", got, want)
		}
	})
}
