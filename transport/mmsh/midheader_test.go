package mmsh_test

import (
	"errors"
	"io"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// TestMidStreamHeader: a $H in the middle of the data without a $C
// (issue 7 item 7; a server looping its source, VLC's MMSH output with
// --sout-keep) is a new entry. The session reports
// transport.ErrInfoChanged with the new header's tracks, counts it, and
// goes on at once with the new entry's samples, every one of them, as
// ffprobe lists them in the new file. The cases are VLC's form (one
// fragment flagged 0x0C whose LocationId carries on the running counter
// of the stream, as do the $D after it) and the spec's (LocationId 0, 1,
// ... in 200-byte fragments, with a new Incarnation for the header and
// the data, or for the header alone: 2.2.3.1.2 lets clients ignore the
// field, so the data's Incarnation is taken from the first $D).
func TestMidStreamHeader(t *testing.T) {
	_, pcm := fixture(t, "pcm_4s.asf")
	next, err := mmshtest.NewEntry(pcm)
	if err != nil {
		t.Fatal(err)
	}
	nextPath, _ := fixture(t, "pcm_4s.asf")
	for _, tc := range []struct {
		name string
		mh   mmshtest.MidHeader
	}{
		{"VLC numbering", mmshtest.MidHeader{Entry: next, RunningLocation: true}},
		{"fragments, new incarnation", mmshtest.MidHeader{Entry: next, Fragment: 200, Incarnation: 9}},
		{"header of another incarnation than the data", mmshtest.MidHeader{Entry: next, Fragment: 200, HeaderIncarnation: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			firstPath, _ := fixture(t, "c_wmav2.wma")
			srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{MidHeaderAfter: 6, MidHeader: tc.mh}},
				map[string]*mmshtest.Content{"/live": fileContent(t, "c_wmav2.wma")})
			s := dial(t, baseDialer(), srv.URL+"/live", transport.Config{})
			firstTracks := s.Info().Tracks
			play(t, s, nil)
			before, err := readUntil(t, s)
			if !errors.Is(err, transport.ErrInfoChanged) {
				t.Fatalf("after %d samples: %v, want ErrInfoChanged", len(before), err)
			}
			if len(before) == 0 {
				t.Fatal("no sample before the new header")
			}
			checkOnce(t, before, ffprobe(t, firstPath, firstTracks))
			info := s.Info()
			if len(info.Tracks) != 1 || info.Tracks[0].Codec != transport.WaveFormat(transport.TagPCM) {
				t.Fatalf("tracks after the new header: %+v", info.Tracks)
			}
			// The player re-plans and selects; the samples go on at once.
			if err := s.Select(ctxT(t), []int{info.Tracks[0].ID}); err != nil {
				t.Fatal(err)
			}
			after, err := readAll(t, s)
			if err != nil {
				t.Fatal(err)
			}
			want := ffprobe(t, nextPath, info.Tracks)
			if len(after) != len(want) {
				t.Fatalf("%d samples of the new entry, ffprobe lists %d", len(after), len(want))
			}
			for i := range want {
				if after[i].PTS != want[i].pts || len(after[i].Data) != want[i].size {
					t.Fatalf("new entry sample %d: %v/%d, want %v/%d", i, after[i].PTS, len(after[i].Data), want[i].pts, want[i].size)
				}
			}
			if !after[0].Discontinuity {
				t.Error("the first sample of the new entry is not flagged as a discontinuity")
			}
			c, _ := mmsh.SessionCounters(s)
			if st := s.Stats(); c.HeaderChanges != 1 || st.PacketsLost != 0 || st.CorruptPackets != 0 {
				t.Errorf("header changes %d, stats %+v", c.HeaderChanges, st)
			}
		})
	}
}

// TestHeaderRepeatedMidStream: the same header again in the middle of the
// data (no $C) is a new entry too, and a stale copy of a packet (another
// Incarnation, 2.2.3.1.2) after it is dropped: every sample arrives once,
// in order, but for the object the header cut.
func TestHeaderRepeatedMidStream(t *testing.T) {
	path, _ := fixture(t, "c_wmav2.wma")
	srv := server(t, mmshtest.Options{Faults: mmshtest.Faults{RepeatHeaderAfter: 5, StaleAfter: 8}}, map[string]*mmshtest.Content{"/a.wma": fileContent(t, "c_wmav2.wma")})
	s := dial(t, baseDialer(), srv.URL+"/a.wma", transport.Config{})
	play(t, s, nil)
	var got []transport.Sample
	changes := 0
	for {
		smp, err := s.ReadSample(ctxT(t))
		if errors.Is(err, transport.ErrInfoChanged) {
			changes++
			continue
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, smp)
	}
	if missing := checkOnce(t, got, ffprobe(t, path, s.Info().Tracks)); changes != 1 || missing > 1 {
		t.Fatalf("%d changes, %d samples missing", changes, missing)
	}
}
