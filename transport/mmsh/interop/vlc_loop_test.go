package interop_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/player/decoder/lavc"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
	"github.com/eddyplayer/eddy/transport/progressive"
)

// loopSource is a 2.5 s WMA file VLC loops: a chirp (200 Hz rising by
// 800 Hz a second), so that every stretch of its decoded audio is found
// at one place only in FFmpeg's decode of it.
const loopSource = "aevalsrc=sin(2*PI*(200+400*t)*t):s=44100:d=2.5"

// TestVLCLoopingBroadcast is issue 7's item 7 against a real server. VLC 3
// with --loop --sout-keep loops a 2.5 s WMA file into one MMSH broadcast
// and sends, at every loop, a new $H in the middle of the data without a
// $C (it comes a few objects before the file starts over: VLC's muxer
// still holds the end of the previous pass). The client must take each as
// a new entry and play on:
//
//   - the session: ReadSample reports transport.ErrInfoChanged at each
//     header (counted in mmsh.Counters.HeaderChanges) with the file's
//     track, the first sample after it flagged as a discontinuity, and
//     the samples keep coming: every one is one of the file's objects
//     byte for byte, each followed by the next or, at the loop point, by
//     the first (VLC drops the file's last object at every pass: an
//     FFmpeg demux of VLC's raw stream lists 53 objects a pass, of 54),
//     and each whole pass decodes with libavcodec to FFmpeg's decode of
//     the file, sample for sample (but for its last frame, which the
//     object VLC drops would complete);
//   - the player (the progressive and mmsh registries, libavcodec, a WAV
//     sink): its audio runs through at least two loop points, every
//     stretch of it is FFmpeg's decode of the file at the place that
//     follows the one before (but for a few stretches of 1024 frames
//     where a decoder starts over), and what it skips at each loop (the
//     object VLC drops, and the decoder output a new header or the loop
//     point discards) is shorter than the new header's preroll.
//
// Before the client took a mid-stream $H as a new entry (185c141) the
// session failed at the first one: "unexpected packet: $H while
// expecting {$C,$D,$E}".
func TestVLCLoopingBroadcast(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "loop.wma")
	if out, err := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", loopSource, "-ac", "2", "-c:a", "wmav2", "-b:a", "64k", src).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	objects := sourceObjects(t, src)
	ref := asftest.ReferencePCM(t, src, 2, 44100)
	url := mmshtest.VLC(t, src, "--loop", "--sout-keep")

	var preroll time.Duration // the new headers'
	if !t.Run("session", func(t *testing.T) { preroll = loopSession(t, url, objects, ref) }) {
		return
	}
	t.Run("player", func(t *testing.T) { loopPlayer(t, url, ref, dir, preroll) })
}

// loopSession reads VLC's looping broadcast through the MMSH session over
// three header changes and the loop point after the third. It returns the
// preroll of the last new header.
func loopSession(t *testing.T, url string, objects [][]byte, ref []byte) time.Duration {
	s := dial(t, &mmsh.Dialer{}, url, transport.Config{})
	first := s.Info()
	if !first.Broadcast || len(first.Tracks) != 1 || first.Tracks[0].Codec != transport.WaveFormat(transport.TagWMA2) {
		t.Fatalf("info from VLC: %+v", first)
	}
	play(t, s, nil)
	var got []transport.Sample
	var idx []int     // the source object of each sample
	var headers []int // where each new header came, in got
	deadline := time.Now().Add(15 * time.Second)
	for len(headers) < 3 || len(got) < headers[2]+10 {
		if time.Now().After(deadline) {
			t.Fatalf("%d header changes and %d samples in 15 s", len(headers), len(got))
		}
		smp, err := s.ReadSample(ctxT(t))
		if errors.Is(err, transport.ErrInfoChanged) {
			headers = append(headers, len(got))
			c, _ := mmsh.SessionCounters(s)
			info := s.Info()
			if c.HeaderChanges != int64(len(headers)) || len(info.Tracks) != 1 || !sameTrack(info.Tracks[0], first.Tracks[0]) {
				t.Fatalf("header change %d: counted %d, tracks %+v", len(headers), c.HeaderChanges, info.Tracks)
			}
			if err := s.Select(ctxT(t), []int{info.Tracks[0].ID}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("after %d samples and %d header changes: %v", len(got), len(headers), err)
		}
		if n := len(headers); n > 0 && headers[n-1] == len(got) && !smp.Discontinuity {
			t.Errorf("the first sample after header change %d is not flagged as a discontinuity", n)
		}
		i := slicesIndex(objects, smp.Data)
		if i < 0 {
			t.Fatalf("sample %d (%d bytes, pts %v) is none of the source's objects", len(got), len(smp.Data), smp.PTS)
		}
		got, idx = append(got, smp), append(idx, i)
	}
	if st := s.Stats(); st.PacketsLost != 0 || st.CorruptPackets != 0 {
		t.Errorf("stats %+v", st)
	}
	// Object by object: the next one, or the first after the last one VLC
	// sends of a pass.
	n := len(objects)
	var loops []int // where each pass starts, in got
	for i := 1; i < len(idx); i++ {
		switch {
		case idx[i] == idx[i-1]+1:
		case idx[i] == 0 && idx[i-1] >= n-2:
			loops = append(loops, i)
		default:
			t.Fatalf("sample %d is object %d of the source after object %d (header changes at %v)", i, idx[i], idx[i-1], headers)
		}
	}
	t.Logf("header changes at samples %v, the file starts over at %v", headers, loops)
	if len(loops) < 2 {
		t.Fatalf("the file started over %d times in %d samples, want 2 or more", len(loops), len(got))
	}
	// Each whole pass decodes to FFmpeg's decode of the file: the first
	// object only primes the decoder (FFmpeg decodes the file's 54 to 53
	// frames), each one after it gives a frame; the last frame, which the
	// flush gives without the object VLC left out, is not compared.
	const objectPCM = 2048 * 4 // a WMA v2 frame of 16-bit stereo
	for k := 0; k+1 < len(loops); k++ {
		dec, err := lavc.NewAudio(first.Tracks[0], lavc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var pcm []byte
		for i, smp := range got[loops[k]:loops[k+1]] {
			smp.Discontinuity = false
			if pcm, err = dec.Decode(pcm, smp); err != nil {
				t.Fatalf("pass %d, object %d: %v", k, i, err)
			}
		}
		if pcm, err = dec.Flush(pcm); err != nil {
			t.Fatal(err)
		}
		dec.Close()
		objs := loops[k+1] - loops[k]
		if len(pcm) != (objs-1)*objectPCM {
			t.Fatalf("pass %d: %d objects decoded to %d bytes of PCM", k, objs, len(pcm))
		}
		if cmp := len(pcm) - objectPCM; !bytes.Equal(pcm[:cmp], ref[:cmp]) {
			t.Fatalf("pass %d: the decoded audio differs from FFmpeg's decode of the file at byte %s of %d", k, firstDiff(pcm[:cmp], ref), cmp)
		}
	}
	return s.Info().Preroll
}

// loopPlayer plays VLC's looping broadcast through the player into a WAV
// file and checks the audio across the loop points: no hole as long as
// preroll.
func loopPlayer(t *testing.T, url string, ref []byte, dir string, preroll time.Duration) {
	tr := transport.NewRegistry()
	tr.Register("http", progressive.MatchHTTP, progressive.HTTPDialer{})
	mmsh.Register(tr, &mmsh.Dialer{})
	dec := decoder.NewRegistry()
	decoder.RegisterBuiltin(dec)
	lavc.Register(dec)
	path := filepath.Join(dir, "loop.wav")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := player.New(player.Config{Transports: tr, Decoders: dec, Sink: audio.NewWAVSink(f),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan player.Event, 1)
	cancel := p.Subscribe(func(ev player.Event) {
		if ev.Kind == player.ErrorOccurred || ev.Kind == player.StateChanged && ev.Status.State == player.Ended {
			select {
			case done <- ev:
			default:
			}
		}
	})
	// Six seconds of the broadcast's time line: VLC starts each pass
	// about 0.9 s back on it, so this is about nine seconds of audio.
	p.OpenWith(url, player.OpenOptions{Duration: 6 * time.Second})
	var end player.Event
	select {
	case end = <-done:
	case <-time.After(20 * time.Second):
		t.Error("the player did not end in 20 s")
	}
	cancel()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if end.Kind == player.ErrorOccurred {
		t.Fatalf("the player failed: %v", end.Err)
	}
	if preroll <= 0 {
		t.Fatalf("no preroll in the presentation (%v)", preroll)
	}
	pcm := wavData(t, path)
	holes, loops := followLoop(t, pcm, ref)
	t.Logf("%.1f s of audio, the file started over %d times, skipped at each jump: %v (preroll %v)", float64(len(pcm))/4/44100, loops, holes, preroll)
	if loops < 2 {
		t.Fatalf("the audio went through %d loop points, want 2 or more", loops)
	}
	for _, h := range holes {
		if h >= preroll {
			t.Errorf("a hole of %v in the audio, the preroll is %v", h, preroll)
		}
	}
}

// followLoop walks the player's audio in stretches of 1024 frames, each
// of which must be in FFmpeg's decode of the file ref: where the one
// before ended, or further on (a hole: the audio skipped), counting around
// the end of the file (the loop point). A stretch found nowhere (a
// decoder starting over blends it) counts as in place, at most three in a
// row. It returns the holes and how often the audio went around the loop.
func followLoop(t *testing.T, pcm, ref []byte) (holes []time.Duration, loops int) {
	const chunk = 1024 * 4
	frames := func(n int) time.Duration { return time.Duration(n/4) * time.Second / 44100 }
	off, exp := -1, 0
	// The first stretch that is in ref, at any frame: where the player
	// joined the broadcast.
	for o := 0; o+chunk <= len(pcm) && o < 16*chunk; o += 4 {
		if p := bytes.Index(ref, pcm[o:o+chunk]); p >= 0 {
			off, exp = o, p
			break
		}
	}
	if off < 0 {
		t.Fatal("the player's audio is not in FFmpeg's decode of the file")
	}
	unknown := 0
	for ; off+chunk <= len(pcm); off += chunk {
		c := pcm[off : off+chunk]
		if exp+chunk <= len(ref) && bytes.Equal(c, ref[exp:exp+chunk]) {
			exp, unknown = exp+chunk, 0
			continue
		}
		p := bytes.Index(ref, c)
		if p < 0 {
			if unknown++; unknown > 3 {
				t.Fatalf("%v of the audio at %v is not in FFmpeg's decode of the file", frames(unknown*chunk), frames(off))
			}
			exp += chunk
			continue
		}
		skip := p - exp
		if skip < 0 || exp >= len(ref) {
			skip += len(ref)
			loops++
		}
		holes = append(holes, frames(skip))
		exp, unknown = p+chunk, 0
	}
	return holes, loops
}

// sourceObjects returns the file's media objects as FFmpeg demuxes them.
func sourceObjects(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-map", "0:a", "-c", "copy", "-f", "data", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	sizes, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "a", "-show_entries", "packet=size", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, f := range strings.Fields(string(sizes)) {
		n, err := strconv.Atoi(f)
		if err != nil || n > len(data) {
			t.Fatalf("ffprobe packet size %q (%d bytes left)", f, len(data))
		}
		out, data = append(out, data[:n]), data[n:]
	}
	if len(data) != 0 || len(out) == 0 {
		t.Fatalf("%d objects, %d bytes left over", len(out), len(data))
	}
	return out
}

// wavData returns the data chunk of a WAV file.
func wavData(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for off := 12; off+8 <= len(b); {
		id, size := string(b[off:off+4]), int(binary.LittleEndian.Uint32(b[off+4:]))
		if id == "data" {
			return b[off+8 : min(len(b), off+8+size)]
		}
		off += 8 + size + size&1
	}
	t.Fatalf("%s has no data chunk", path)
	return nil
}

func sameTrack(a, b transport.Track) bool {
	return a.Codec == b.Codec && a.Audio == b.Audio && bytes.Equal(a.Config, b.Config)
}

func slicesIndex(objects [][]byte, b []byte) int {
	for i, o := range objects {
		if bytes.Equal(o, b) {
			return i
		}
	}
	return -1
}

func firstDiff(a, b []byte) string {
	for i := range a {
		if i >= len(b) || a[i] != b[i] {
			return fmt.Sprint(i)
		}
	}
	return "end"
}
