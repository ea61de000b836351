package interop_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/player/decoder/lavc"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// Interop with a third-party MS-WMSP server: VLC 3's MMSH stream output
// (peers README §4). VLC serves any input as a broadcast ("Cougar
// 4.1.0.3921", features="broadcast", HTTP/1.0, no $E, padded packets,
// stream-switch-entry ignored, streams renumbered). The client joins
// mid-stream; what it receives must be the source's own media objects
// and decode to exactly what FFmpeg decodes from the source.

// TestVLCInterop plays VLC's MMSH stream of a 60 s WMA file for a few
// seconds of media and checks objects and decoded audio against the
// source.
func TestVLCInterop(t *testing.T) {
	src := fixtures.Path(t, "long_wmav2_60s.wma")
	url := mmshtest.VLC(t, src)
	s := dial(t, &mmsh.Dialer{}, url, transport.Config{})
	info := s.Info()
	if !info.Broadcast || info.Seekable || len(info.Tracks) != 1 || info.Tracks[0].Codec != transport.WaveFormat(transport.TagWMA2) {
		t.Fatalf("info from VLC: %+v", info)
	}
	play(t, s, nil)
	var got []transport.Sample
	for len(got) < 150 { // about 7 s of audio
		smp, err := s.ReadSample(ctxT(t))
		if err != nil {
			t.Fatalf("after %d samples: %v", len(got), err)
		}
		got = append(got, smp)
	}
	st := s.Stats()
	if st.PacketsLost != 0 || st.CorruptPackets != 0 {
		t.Errorf("stats %+v", st)
	}
	// Objects: a contiguous run of the source's, with its timing.
	want := ffprobe(t, src, info.Tracks)
	at := matchRun(got, want)
	if at < 0 {
		t.Fatalf("the received objects are not a run of the source's (first sizes %d %d %d)", len(got[0].Data), len(got[1].Data), len(got[2].Data))
	}
	for i := range got {
		// VLC re-timestamps what it remuxes from its microsecond clock:
		// its ASF presentation times may differ from the source's by a
		// millisecond of rounding.
		w := want[at+i]
		d := (got[i].PTS - got[0].PTS) - (w.pts - want[at].pts)
		if len(got[i].Data) != w.size || d < -2*time.Millisecond || d > 2*time.Millisecond {
			t.Fatalf("object %d: size %d pts %v, source size %d pts %v", i, len(got[i].Data), got[i].PTS-got[0].PTS, w.size, w.pts-want[at].pts)
		}
	}
	// Decoded audio equals FFmpeg's decode of the source.
	compareDecode(t, src, info.Tracks[0], got)
}

// TestVLCInteropVideo: a WMV2+WMA2 file; VLC renumbers the streams; the
// client selects the audio, VLC still sends both (it ignores the
// selection), the demuxer drops the video.
func TestVLCInteropVideo(t *testing.T) {
	src := fixtures.Path(t, "long_wmv2_wmav2_60s.wmv")
	url := mmshtest.VLC(t, src)
	s := dial(t, &mmsh.Dialer{}, url, transport.Config{})
	info := s.Info()
	var audio transport.Track
	for _, tr := range info.Tracks {
		if tr.Type == transport.Audio {
			audio = tr
		}
	}
	if len(info.Tracks) != 2 || audio.ID == 0 {
		t.Fatalf("tracks %+v", info.Tracks)
	}
	play(t, s, []int{audio.ID})
	var got []transport.Sample
	for len(got) < 100 {
		smp, err := s.ReadSample(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if smp.Track != audio.ID {
			t.Fatalf("sample of track %d, selected %d", smp.Track, audio.ID)
		}
		got = append(got, smp)
	}
	compareDecode(t, src, audio, got)
}

// matchRun finds where the sizes of got occur as a contiguous run in the
// source's objects of got's track.
func matchRun(got []transport.Sample, want []probePacket) int {
	var mine []probePacket
	for _, w := range want {
		if w.stream == got[0].Track {
			mine = append(mine, w)
		}
	}
	n := min(len(got), 40)
	for at := 0; at+len(got) <= len(mine); at++ {
		ok := true
		for i := 0; i < n; i++ {
			if len(got[i].Data) != mine[at+i].size {
				ok = false
				break
			}
		}
		if ok {
			// Rebase want to this track for the caller.
			copy(want, mine)
			return at
		}
	}
	return -1
}

// compareDecode decodes the received samples with libavcodec and checks
// that the PCM is found, bit for bit, in FFmpeg's decode of the source.
// The first two objects are left out: joining mid-stream, the decoder
// lacks the overlap of the frame before.
func compareDecode(t *testing.T, src string, tr transport.Track, got []transport.Sample) {
	t.Helper()
	dec, err := lavc.NewAudio(tr, lavc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	var pcm []byte
	var skip int
	for i, smp := range got {
		pcm, err = dec.Decode(pcm, smp)
		if err != nil {
			t.Fatalf("decoding object %d: %v", i, err)
		}
		if i < 2 {
			skip = len(pcm)
		}
	}
	pcm = pcm[skip:]
	if len(pcm) < 64<<10 {
		t.Fatalf("only %d bytes of PCM", len(pcm))
	}
	f := dec.Format()
	ref := asftest.ReferencePCM(t, src, f.Channels, f.SampleRate)
	at := bytes.Index(ref, pcm[:4096])
	if at < 0 {
		t.Fatal("decoded audio not found in FFmpeg's decode of the source")
	}
	if at+len(pcm) > len(ref) {
		t.Fatalf("decoded audio runs past the source")
	}
	if !bytes.Equal(ref[at:at+len(pcm)], pcm) {
		n := 0
		for n < len(pcm) && pcm[n] == ref[at+n] {
			n++
		}
		t.Fatalf("decoded audio differs from FFmpeg's at byte %d of %d", n, len(pcm))
	}
	t.Logf("%d bytes of decoded audio equal FFmpeg's decode at offset %d", len(pcm), at)
}
