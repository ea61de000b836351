package interop_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/player/decoder/lavc"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
)

// TestVLCInteropMP3 is issue 7's item 6: VLC's MMSH stream of an
// MP3-in-ASF file, joined in the middle of the broadcast, decoded to 8 s
// of silence (with no decode error) although FFmpeg's client decodes the
// tone from the same server. Both MP3 decoders must give FFmpeg's decode
// of the source once the frames whose bit reservoir was never received
// are past: libavcodec (cgo builds) sample for sample, go-mp3 (the pure-Go
// fallback) within 40 dB SNR; the frames lost at the join are reported
// with decoder.ErrMissingData, and no frame after them is silent.
func TestVLCInteropMP3(t *testing.T) {
	src := fixtures.Path(t, "long_mp3_60s.asf")
	url := mmshtest.VLC(t, src)
	s := dial(t, &mmsh.Dialer{}, url, transport.Config{})
	info := s.Info()
	if !info.Broadcast || len(info.Tracks) != 1 || info.Tracks[0].Codec != transport.WaveFormat(transport.TagMP3) {
		t.Fatalf("info from VLC: %+v", info)
	}
	tr := info.Tracks[0]
	play(t, s, nil)
	var got []transport.Sample
	for len(got) < 120 { // about 3 s of audio: VLC sends one frame per object
		smp, err := s.ReadSample(ctxT(t))
		if err != nil {
			t.Fatalf("after %d samples: %v", len(got), err)
		}
		got = append(got, smp)
	}
	if st := s.Stats(); st.PacketsLost != 0 || st.CorruptPackets != 0 {
		t.Errorf("stats %+v", st)
	}
	if at := matchRun(got, ffprobe(t, src, info.Tracks)); at < 0 {
		t.Fatal("the received objects are not a run of the source's")
	}
	ref := asftest.ReferencePCM(t, src, 0, 0)
	const frame = 1152 * 2 * 2 // bytes of PCM per MPEG-1 layer III frame, stereo
	// lead is how many frames of PCM are left out of the comparisons:
	// the frames whose reservoir was not received and the one that
	// overlaps them.
	const lead = 4

	// libavcodec: the PCM after the lead is found in FFmpeg's decode of
	// the source, bit for bit, and tells where the join was.
	ld, err := lavc.NewAudio(tr, lavc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ld.Close()
	lpcm := decodeAll(t, "libavcodec", ld, got)
	if len(lpcm) < (lead+64)*frame {
		t.Fatalf("libavcodec: only %d bytes of PCM from %d objects", len(lpcm), len(got))
	}
	at := bytes.Index(ref, lpcm[lead*frame:lead*frame+16*frame])
	if at < 0 || (at-lead*frame)%frame != 0 {
		t.Fatalf("libavcodec: decoded audio not found in FFmpeg's decode of the source at a frame boundary (at %d)", at)
	}
	start := at - lead*frame // where the first received frame is in ref
	if start+len(lpcm) > len(ref) || !bytes.Equal(lpcm[lead*frame:], ref[at:start+len(lpcm)]) {
		t.Fatalf("libavcodec: decoded audio differs from FFmpeg's decode of the source after the first %d frames", lead)
	}
	t.Logf("libavcodec: %d frames equal FFmpeg's decode of the source from frame %d of the join (source frame %d)",
		len(lpcm)/frame-lead, lead, start/frame)

	// go-mp3 gives as many frames, at the same place.
	gd, err := decoder.NewMP3(tr)
	if err != nil {
		t.Fatal(err)
	}
	defer gd.Close()
	gpcm := decodeAll(t, "go-mp3", gd, got)
	if len(gpcm) != len(lpcm) {
		t.Fatalf("go-mp3 gave %d frames, libavcodec %d", len(gpcm)/frame, len(lpcm)/frame)
	}
	for i := lead; i < len(gpcm)/frame; i++ {
		if allZero(gpcm[i*frame : (i+1)*frame]) {
			t.Fatalf("go-mp3: frame %d of %d is silent", i, len(gpcm)/frame)
		}
	}
	snr := snrS16(ref[at:start+len(gpcm)], gpcm[lead*frame:])
	t.Logf("go-mp3: SNR %.1f dB against FFmpeg's decode of the source after the first %d frames", snr, lead)
	if snr < 40 {
		t.Fatalf("go-mp3: SNR %.1f dB against FFmpeg's decode of the source", snr)
	}
}

// decodeAll decodes the samples with d. The only errors allowed are those
// of the join (frames whose reservoir was not received, the cut frame
// before the first header), in the first objects; at least one must say
// the reservoir was missing: the tone's frames all reach back.
func decodeAll(t *testing.T, name string, d decoder.Audio, samples []transport.Sample) []byte {
	t.Helper()
	var pcm []byte
	missing := 0
	for i, smp := range samples {
		var err error
		pcm, err = d.Decode(pcm, smp)
		switch {
		case err == nil:
		case i < 4 && errors.Is(err, decoder.ErrMissingData):
			missing++
		case i < 2 && errors.Is(err, decoder.ErrCorrupt):
		default:
			t.Fatalf("%s: object %d: %v", name, i, err)
		}
	}
	if missing == 0 {
		t.Fatalf("%s: the frames at the join were not reported as missing their reservoir", name)
	}
	if f, ok := d.(decoder.AudioFlusher); ok {
		var err error
		if pcm, err = f.Flush(pcm); err != nil {
			t.Fatalf("%s: flush: %v", name, err)
		}
	}
	if f := d.Format(); f.SampleRate != 44100 || f.Channels != 2 {
		t.Fatalf("%s: format %v", name, f)
	}
	return pcm
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// snrS16 is the SNR in dB of got against ref (s16 samples).
func snrS16(ref, got []byte) float64 {
	n := min(len(ref), len(got)) / 2
	var sig, noise float64
	for i := 0; i < n; i++ {
		r := float64(int16(binary.LittleEndian.Uint16(ref[2*i:])))
		g := float64(int16(binary.LittleEndian.Uint16(got[2*i:])))
		sig += r * r
		noise += (r - g) * (r - g)
	}
	if noise == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(sig/noise)
}
