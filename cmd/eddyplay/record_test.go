package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
	"github.com/eddyplayer/eddy/transport/record"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
	"github.com/eddyplayer/eddy/transport/smooth/smoothtest"
)

// TestRecordEndToEnd records a WMV (WMV2 video with key frames every
// second, WMA audio) played over MMS over HTTP from the fake MS-WMSP
// server and over RTSP from the fake MS-RTSP server (as Windows Media
// Services sends it: one RTP session per ASF stream, padding stripped),
// with eddyplay --record, and holds the recording to the rules:
//   - it holds every packet received (--stats: recorded_packets =
//     packets_received) and ffprobe finds in it the media objects of
//     the file served, with their times and sizes;
//   - it decodes identically: eddyplay plays from the recording exactly
//     the audio it played from the stream, and FFmpeg decodes from it
//     exactly what it decodes from the file served;
//   - it is seekable through its Simple Index: a seek to 3.5 s starts at
//     the key frame the index names, and eddyplay --start 3s plays from
//     the recording the audio it plays from the file served.
func TestRecordEndToEnd(t *testing.T) {
	need(t, "ffmpeg", "ffprobe")
	wmv, err := os.ReadFile(wmvFixture)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		serve func(t *testing.T) string
	}{
		{"mmsh", func(t *testing.T) string { return serve(t, mmshtest.Options{}, "/d.wmv", wmvFixture).URL + "/d.wmv" }},
		// RTP over the RTSP connection: the fake server sends as fast as
		// it can, more than loopback UDP holds on a loaded machine.
		{"rtsp", func(t *testing.T) string {
			return "rtspt" + strings.TrimPrefix(rtsptest.New(t, rtsptest.Config{Entries: [][]byte{wmv}}).URL(), "rtsp")
		}},
	}
	_, seekRef := wavPCM(t, playTo(t, "--start", "3s", wmvFixture))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			rec, played := filepath.Join(dir, "rec.asf"), filepath.Join(dir, "played.wav")
			stdout, stderr, err := eddyplay(t, "--record", rec, "--out", played, "--stats", tc.serve(t))
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			var st statsJSON
			if err := json.Unmarshal([]byte(stdout), &st); err != nil {
				t.Fatalf("%v: %s", err, stdout)
			}
			if st.Protocol != tc.name || st.PacketsReceived == 0 || st.RecordedPackets != uint64(st.PacketsReceived) || st.PacketsLost != 0 {
				t.Fatalf("stats %+v", st)
			}
			f := openASF(t, rec)
			if f.PacketCount() != st.RecordedPackets || f.Header().Broadcast || !f.Header().Seekable {
				t.Fatalf("%d packets, header %+v", f.PacketCount(), f.Header())
			}

			if got, want := probeSorted(t, rec), probeSorted(t, wmvFixture); !slices.Equal(got, want) {
				t.Fatalf("ffprobe: %d media objects in the recording, %d in the file served, or they differ", len(got), len(want))
			}
			_, playedPCM := wavPCM(t, played)
			_, replayed := wavPCM(t, playTo(t, rec))
			equalPCM(t, "the recording's audio played again", replayed, playedPCM)
			if !bytes.Equal(asftest.ReferencePCM(t, rec, 0, 0), asftest.ReferencePCM(t, wmvFixture, 0, 0)) {
				t.Fatal("FFmpeg decodes other audio from the recording than from the file served")
			}

			x := f.SimpleIndex()
			if x == nil {
				t.Fatal("no Simple Index")
			}
			target := 3500 * time.Millisecond
			n, err := f.SeekPacket(target)
			if err != nil {
				t.Fatal(err)
			}
			i := int((target + f.Header().Preroll) / x.Interval)
			if want := x.Entries[min(i, len(x.Entries)-1)].Packet; uint32(n) != want {
				t.Fatalf("seek to %v starts at packet %d, not at the key frame's packet %d the index names", target, n, want)
			}
			_, seeked := wavPCM(t, playTo(t, "--start", "3s", rec))
			equalPCM(t, "--start 3s in the recording", seeked, seekRef)
		})
	}
}

// TestRecordNotASF: recording a Smooth Streaming presentation (fragmented
// MP4, not ASF) fails at once with the error that says what can be
// recorded, and leaves no file.
func TestRecordNotASF(t *testing.T) {
	need(t, "ffmpeg")
	dir := t.TempDir()
	if _, err := smoothtest.MakeTree(dir); err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(web.Close)
	rec := filepath.Join(dir, "rec.asf")
	_, _, err := eddyplay(t, "--record", rec, "--out", filepath.Join(dir, "out.wav"), web.URL+"/ss/Manifest")
	if !errors.Is(err, record.ErrNotASF) || !strings.Contains(err.Error(), "recording is available for ASF streams (MMS, RTSP, HTTP, files)") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(rec); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a file was left: %v", err)
	}
}

// TestRecordWriteError: a recording that cannot be written (a full disk:
// /dev/full fails every write with ENOSPC) ends with a clear error, while
// playback goes on to the end: the audio is all there, and eddyplay then
// exits with the recording's error.
func TestRecordWriteError(t *testing.T) {
	if fi, err := os.Stat("/dev/full"); err != nil || fi.Mode()&os.ModeDevice == 0 {
		t.Fatalf("/dev/full is needed: %v", err)
	}
	// The recording was not made by eddyplay: it must stay (as root, a
	// recorder that removed what it failed to record would delete the
	// device).
	defer func() {
		if fi, err := os.Stat("/dev/full"); err != nil || fi.Mode()&os.ModeDevice == 0 {
			t.Errorf("/dev/full is gone or changed: %v", err)
		}
	}()
	out := filepath.Join(t.TempDir(), "out.wav")
	stdout, _, err := eddyplay(t, "--record", "/dev/full", "--out", out, "--stats", wmaFixture)
	if !errors.Is(err, record.ErrWrite) || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("err = %v", err)
	}
	var st statsJSON
	if jerr := json.Unmarshal([]byte(stdout), &st); jerr != nil || st.State != "Ended" || st.AudioMS < 5900 {
		t.Fatalf("playback did not go on to the end: %v %s", jerr, stdout)
	}
	_, got := wavPCM(t, out)
	equalPCM(t, "the audio played while the recording failed", got, decodeRef(t, wmaFixture))
}

// playTo plays args (flags, then the URL) with --out into a new WAV
// file and returns its path.
func playTo(t *testing.T, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out.wav")
	if _, stderr, err := eddyplay(t, append([]string{"--out", out}, args...)...); err != nil {
		t.Fatalf("eddyplay %v: %v\n%s", args, err, stderr)
	}
	return out
}

// probeSorted is ffprobe's list of the media objects of path, by stream
// and time: a recording of an RTSP stream holds them in the order the
// streams' RTP sessions delivered them.
func probeSorted(t *testing.T, path string) []asftest.Packet {
	t.Helper()
	p := asftest.Probe(t, path)
	slices.SortStableFunc(p, func(a, b asftest.Packet) int {
		return cmp.Or(cmp.Compare(a.Index, b.Index), cmp.Compare(a.PTS, b.PTS), cmp.Compare(a.Size, b.Size))
	})
	return p
}

func openASF(t *testing.T, path string) *asf.File {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := asf.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestRecordServerPlaylist: a server-side playlist (MS-WMSP: the next
// entry's header arrives in the same stream) plays on, but the recording
// ends where the header changes, said in one warning: the file is the
// first entry, complete, seekable and decoding as the file served.
func TestRecordServerPlaylist(t *testing.T) {
	need(t, "ffmpeg", "ffprobe")
	a, err := os.ReadFile(wmaFixture)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(wmvFixture)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mmshtest.NewServer(mmshtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	pl, err := mmshtest.Playlist(a, b)
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle("/list", pl)
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec.asf")
	stdout, stderr, err := eddyplay(t, "--record", rec, "--out", filepath.Join(dir, "out.wav"), "--stats", srv.URL+"/list")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if n := strings.Count(stderr, "eddyplay: warning: recording "+rec+": the stream's header changed"); n != 1 {
		t.Fatalf("%d warnings of the header change:\n%s", n, stderr)
	}
	var st statsJSON
	if err := json.Unmarshal([]byte(stdout), &st); err != nil || st.State != "Ended" || st.AudioMS < 11000 {
		t.Fatalf("the playlist did not play to its end: %v %s", err, stdout)
	}
	src := openASF(t, wmaFixture)
	f := openASF(t, rec)
	if f.PacketCount() != src.PacketCount() || st.RecordedPackets != src.PacketCount() || !f.Header().Seekable {
		t.Fatalf("%d packets recorded (stats %d), the first entry has %d", f.PacketCount(), st.RecordedPackets, src.PacketCount())
	}
	if got, want := probeSorted(t, rec), probeSorted(t, wmaFixture); !slices.Equal(got, want) {
		t.Fatalf("ffprobe: %d media objects, the first entry %d, or they differ", len(got), len(want))
	}
	if !bytes.Equal(asftest.ReferencePCM(t, rec, 0, 0), asftest.ReferencePCM(t, wmaFixture, 0, 0)) {
		t.Fatal("FFmpeg decodes other audio from the recording than from the first entry")
	}
}
