package mmsh_test

import (
	"strconv"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
	"github.com/eddyplayer/eddy/transport/wmlog"
)

// TestPlayMatchesFFprobe plays files of both muxers (FFmpeg's, and
// GStreamer's asfmux with explicit packet lengths) through the fake
// server and compares every media object with ffprobe's demux of the
// source.
func TestPlayMatchesFFprobe(t *testing.T) {
	for _, name := range []string{"c_wmav2.wma", "d_wmv2_wmav2.wmv", "pcm_4s.asf", "gst_asfmux_wmv2_wmav2.wmv"} {
		t.Run(name, func(t *testing.T) {
			path, _ := fixture(t, name)
			srv := server(t, mmshtest.Options{}, map[string]*mmshtest.Content{"/" + name: fileContent(t, name)})
			s := dial(t, baseDialer(), srv.URL+"/"+name, transport.Config{})
			info := s.Info()
			if info.Protocol != "mmsh" || len(info.Tracks) == 0 || info.Broadcast || !info.Seekable {
				t.Fatalf("info %+v", info)
			}
			play(t, s, nil)
			got, err := readAll(t, s)
			if err != nil {
				t.Fatal(err)
			}
			want := ffprobe(t, path, info.Tracks)
			if len(got) != len(want) {
				t.Fatalf("%d samples, ffprobe %d", len(got), len(want))
			}
			for i := range want {
				if got[i].Track != want[i].stream || got[i].PTS != want[i].pts || len(got[i].Data) != want[i].size {
					t.Fatalf("sample %d: track %d pts %v size %d; ffprobe stream %d pts %v size %d",
						i, got[i].Track, got[i].PTS, len(got[i].Data), want[i].stream, want[i].pts, want[i].size)
				}
			}
			st := s.Stats()
			if st.PacketsReceived == 0 || st.BytesReceived == 0 || st.PacketsLost != 0 || st.CorruptPackets != 0 {
				t.Errorf("stats %+v", st)
			}
			// The play log after $E (3.1.5.13): XML to a Cougar 9 server.
			waitFor(t, "log", func() bool { return len(srv.RequestsOf("Log")) == 1 })
			lg := srv.RequestsOf("Log")[0]
			if ct := lg.Get("Content-Type"); ct != "application/x-wms-LogStats;charset=UTF-8" {
				t.Errorf("log Content-Type %q", ct)
			}
			p, err := wmlog.ParseXML(lg.Body)
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := p.Get("c-pkts-received"); v != itoa(st.PacketsReceived) {
				t.Errorf("c-pkts-received %s, stats %d", v, st.PacketsReceived)
			}
			if v, _ := p.Get("protocol"); v != "http" {
				t.Errorf("protocol %q", v)
			}
			if len(p.Summary) != 47 {
				t.Errorf("summary has %d fields", len(p.Summary))
			}
			waitFor(t, "LogPosts", func() bool { return s.Stats().LogPosts == 1 })
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
