package decoder

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/transport"
)

func pcmTrack(tag uint16, rate, ch, bits, align int) transport.Track {
	return transport.Track{ID: 1, Type: transport.Audio, Codec: transport.WaveFormat(tag),
		Audio: transport.AudioParams{SampleRate: rate, Channels: ch, BitsPerSample: bits, BlockAlign: align}}
}

func TestPCMDecode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		track   transport.Track
		in, out []byte
		format  audio.SampleFormat
		err     bool
	}{
		{"u8", pcmTrack(transport.TagPCM, 8000, 1, 8, 1), []byte{0, 128, 255}, []byte{0, 128, 255}, audio.U8, false},
		{"s16", pcmTrack(transport.TagPCM, 44100, 2, 16, 4), []byte{1, 2, 3, 4}, []byte{1, 2, 3, 4}, audio.S16, false},
		{"s24", pcmTrack(transport.TagPCM, 48000, 1, 24, 3), []byte{1, 2, 3, 4, 5, 6}, []byte{1, 2, 3, 4, 5, 6}, audio.S24, false},
		{"s32", pcmTrack(transport.TagPCM, 48000, 1, 32, 4), []byte{1, 2, 3, 4}, []byte{1, 2, 3, 4}, audio.S32, false},
		{"20-bit in 3 bytes", pcmTrack(transport.TagPCM, 48000, 1, 20, 3), []byte{0x10, 2, 3}, []byte{0x10, 2, 3}, audio.S24, false},
		{"f32", pcmTrack(transport.TagFloat, 48000, 1, 32, 4), []byte{0, 0, 0x80, 0x3F}, []byte{0, 0, 0x80, 0x3F}, audio.F32, false},
		{"f64", pcmTrack(transport.TagFloat, 48000, 1, 64, 8), make([]byte, 16), make([]byte, 16), audio.F64, false},
		{"padded frames", pcmTrack(transport.TagPCM, 8000, 2, 16, 6), []byte{1, 2, 3, 4, 0xEE, 0xEE, 5, 6, 7, 8, 0xEE, 0xEE}, []byte{1, 2, 3, 4, 5, 6, 7, 8}, audio.S16, false},
		{"partial frame", pcmTrack(transport.TagPCM, 8000, 2, 16, 4), []byte{1, 2, 3, 4, 5, 6}, []byte{1, 2, 3, 4}, audio.S16, true},
		{"a-law", pcmTrack(transport.TagALaw, 8000, 1, 8, 1), []byte{0xD5, 0x55, 0x2A, 0xAA}, []byte{0x08, 0x00, 0xF8, 0xFF, 0x00, 0x82, 0x00, 0x7E}, audio.S16, false},
		{"µ-law", pcmTrack(transport.TagMuLaw, 8000, 1, 8, 1), []byte{0xFF, 0x7F, 0x00, 0x80}, []byte{0, 0, 0, 0, 0x84, 0x82, 0x7C, 0x7D}, audio.S16, false},
		{"empty", pcmTrack(transport.TagPCM, 8000, 1, 16, 2), nil, nil, audio.S16, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewPCM(tc.track)
			if err != nil {
				t.Fatal(err)
			}
			if f := d.Format(); f.Sample != tc.format || f.SampleRate != tc.track.Audio.SampleRate || f.Channels != tc.track.Audio.Channels {
				t.Fatalf("Format %v", f)
			}
			got, err := d.Decode([]byte{0xAB}, transport.Sample{Data: tc.in})
			if tc.err != (err != nil) || (err != nil && !errors.Is(err, ErrCorrupt)) {
				t.Fatalf("err %v", err)
			}
			if !bytes.Equal(got, append([]byte{0xAB}, tc.out...)) {
				t.Fatalf("got % x, want AB % x", got, tc.out)
			}
		})
	}
}

func TestPCMInvalidTracks(t *testing.T) {
	for _, tc := range []struct {
		track       transport.Track
		unsupported bool
	}{
		{pcmTrack(transport.TagPCM, 44100, 2, 64, 16), true},
		{pcmTrack(transport.TagFloat, 44100, 2, 16, 4), true},
		{pcmTrack(transport.TagALaw, 8000, 1, 16, 2), true},
		{pcmTrack(transport.TagPCM, 0, 2, 16, 4), false},
		{pcmTrack(transport.TagPCM, 44100, 0, 16, 0), false},
		{pcmTrack(transport.TagPCM, 44100, 2, 16, 3), false},    // block align too small
		{pcmTrack(transport.TagPCM, 44100, 2, 16, 9000), false}, // absurd block align
		{pcmTrack(transport.TagMP3, 44100, 2, 16, 4), true},
	} {
		_, err := NewPCM(tc.track)
		if tc.unsupported && !errors.Is(err, ErrUnsupportedCodec) || !tc.unsupported && !errors.Is(err, ErrInvalidTrack) {
			t.Errorf("NewPCM(%+v): %v", tc.track.Audio, err)
		}
	}
}

// TestG711MatchesFFmpeg expands all 256 A-law and µ-law codes and
// compares with FFmpeg's pcm_alaw/pcm_mulaw decoders.
func TestG711MatchesFFmpeg(t *testing.T) {
	codes := make([]byte, 256)
	for i := range codes {
		codes[i] = byte(i)
	}
	for _, c := range []struct {
		tag uint16
		fmt string
	}{{transport.TagALaw, "alaw"}, {transport.TagMuLaw, "mulaw"}} {
		in := tempPath(t, c.fmt+".raw")
		out := in + ".s16"
		os.WriteFile(in, codes, 0o644)
		ffmpeg(t, "-f", c.fmt, "-ar", "8000", "-ac", "1", "-i", in, "-f", "s16le", out)
		d, _ := NewPCM(pcmTrack(c.tag, 8000, 1, 8, 1))
		got, _ := d.Decode(nil, transport.Sample{Data: codes})
		if want := readFile(t, out); !bytes.Equal(got, want) {
			t.Errorf("%s table differs from FFmpeg", c.fmt)
		}
	}
}

// TestPCMInASFMatchesFFmpeg is the acceptance test for PCM: ASF
// files made by FFmpeg (every sample format, mono to 5.1, 8–48 kHz,
// several packet sizes) demuxed by Eddy's asf package, decoded and
// written by a WAVSink must equal `ffmpeg -i f.asf -c:a pcm_s16le` sample
// for sample.
func TestPCMInASFMatchesFFmpeg(t *testing.T) {
	type pcmCase struct {
		codec            string
		rate, ch, packet int
	}
	cases := []pcmCase{
		{"pcm_s16le", 44100, 2, 3200}, {"pcm_s16le", 8000, 1, 500}, {"pcm_s16le", 48000, 6, 5000},
		{"pcm_u8", 11025, 1, 800}, {"pcm_u8", 22050, 2, 1000},
		{"pcm_s24le", 48000, 2, 4000}, {"pcm_s24le", 32000, 1, 777},
		{"pcm_s32le", 44100, 2, 3000}, {"pcm_f32le", 48000, 2, 2000}, {"pcm_f32le", 16000, 1, 640},
		{"pcm_f64le", 44100, 1, 3000}, {"pcm_alaw", 8000, 1, 400}, {"pcm_mulaw", 8000, 2, 600},
	}
	for _, c := range cases {
		t.Run(c.codec+"_"+itoa(c.rate)+"_"+itoa(c.ch)+"ch_"+itoa(c.packet), func(t *testing.T) {
			t.Parallel()
			path := tempPath(t, "in.asf")
			ffmpeg(t, "-f", "lavfi", "-i", musicLike(c.rate, 3), "-ac", itoa(c.ch), "-c:a", c.codec,
				"-packet_size", itoa(c.packet), path)
			ref := path + ".s16"
			ffmpeg(t, "-i", path, "-c:a", "pcm_s16le", "-f", "s16le", ref)
			tr, samples := asfAudio(t, path)
			f, data := decodeToWAV(t, tr, samples)
			if f.SampleRate != c.rate || f.Channels != c.ch {
				t.Fatalf("WAV format %v", f)
			}
			want := readFile(t, ref)
			if !bytes.Equal(data, want) {
				t.Fatalf("PCM differs from FFmpeg (%d vs %d bytes)", len(data), len(want))
			}
		})
	}
}

// FuzzPCMDecode decodes random data with random track parameters: no
// panic, whole frames out.
func FuzzPCMDecode(f *testing.F) {
	f.Add(uint16(1), uint16(2), uint16(16), uint16(4), []byte{1, 2, 3, 4, 5})
	f.Add(uint16(3), uint16(1), uint16(64), uint16(8), make([]byte, 17))
	f.Add(uint16(6), uint16(2), uint16(8), uint16(2), []byte{0xD5, 0x55, 0x2A})
	f.Add(uint16(7), uint16(1), uint16(0), uint16(0), []byte{0xFF})
	f.Add(uint16(1), uint16(3), uint16(20), uint16(9), bytes.Repeat([]byte{7}, 100))
	f.Fuzz(func(t *testing.T, tag, ch, bits, align uint16, data []byte) {
		d, err := NewPCM(pcmTrack(tag, 44100, int(ch), int(bits), int(align)))
		if err != nil {
			return
		}
		out, err := d.Decode(nil, transport.Sample{Data: data})
		if err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error %v does not wrap ErrCorrupt", err)
		}
		if fs := d.Format().FrameSize(); len(out)%fs != 0 {
			t.Fatalf("%d bytes out, frame size %d", len(out), fs)
		}
	})
}
