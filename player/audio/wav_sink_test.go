package audio

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// writeWAV writes pcm of format f through a WAVSink into a file, in
// uneven pieces, and returns the file's bytes.
func writeWAV(t *testing.T, path string, f Format, pcm []byte) []byte {
	t.Helper()
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	s := NewWAVSink(fh)
	if err := s.Open(f); err != nil {
		t.Fatal(err)
	}
	for rest := pcm; len(rest) > 0; {
		k := min(len(rest), 999)
		if n, err := s.Write(rest[:k]); n != k || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
		rest = rest[k:]
	}
	if err := s.Drain(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type probeStream struct {
	SampleRate string `json:"sample_rate"`
	Channels   int    `json:"channels"`
	Codec      string `json:"codec_name"`
	Layout     string `json:"channel_layout"`
	Duration   int64  `json:"duration_ts"`
}

func ffprobe(t *testing.T, path string) probeStream {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_streams", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var r struct{ Streams []probeStream }
	if err := json.Unmarshal(out, &r); err != nil || len(r.Streams) != 1 {
		t.Fatalf("ffprobe output %s: %v", out, err)
	}
	return r.Streams[0]
}

// TestWAVSinkMatchesFFmpeg writes float and 24-bit input through a
// WAVSink and checks the file with ffprobe and against ffmpeg's own
// conversion of the same samples.
func TestWAVSinkMatchesFFmpeg(t *testing.T) {
	for _, tc := range []struct {
		f      Format
		layout string
	}{
		{Format{44100, 2, F32}, ""}, // plain WAVEFORMATEX: no layout
		{Format{22050, 1, S24}, ""},
		{Format{48000, 6, F64}, "5.1"},
		{Format{8000, 1, U8}, ""},
	} {
		t.Run(tc.f.String(), func(t *testing.T) {
			dir := t.TempDir()
			pcm := testPCM(tc.f.Sample, 4000*tc.f.Channels)
			path := filepath.Join(dir, "out.wav")
			file := writeWAV(t, path, tc.f, pcm)
			p := ffprobe(t, path)
			if p.Codec != "pcm_s16le" || p.SampleRate != itoa(tc.f.SampleRate) || p.Channels != tc.f.Channels ||
				p.Layout != tc.layout || p.Duration != 4000 {
				t.Errorf("ffprobe sees %+v", p)
			}
			f, data, err := ParseWAV(file)
			if err != nil {
				t.Fatal(err)
			}
			if want := (Format{tc.f.SampleRate, tc.f.Channels, S16}); f != want {
				t.Fatalf("ParseWAV format %v, want %v", f, want)
			}
			if want := ffmpegConvert(t, tc.f, pcm, "s16le"); !bytes.Equal(data, want) {
				t.Fatal("WAV data differs from ffmpeg's conversion")
			}
			// ffmpeg reads the file back to the same samples.
			back := filepath.Join(dir, "back.raw")
			runFFmpeg(t, "-i", path, "-f", "s16le", back)
			if b, _ := os.ReadFile(back); !bytes.Equal(b, data) {
				t.Fatal("ffmpeg decodes the WAV differently")
			}
		})
	}
}

// pipeWriter is an io.Writer that cannot seek, like a pipe.
type pipeWriter struct{ bytes.Buffer }

func TestWAVSinkUnseekable(t *testing.T) {
	var w pipeWriter
	s := NewWAVSink(&w)
	f := Format{16000, 2, S16}
	s.Open(f)
	pcm := testPCM(S16, 200)
	s.Write(pcm)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b := w.Bytes()
	if riff, data := binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[40:]); riff != 0xFFFFFFFF || data != 0xFFFFFFFF {
		t.Fatalf("sizes %#x %#x, want 0xFFFFFFFF", riff, data)
	}
	got, data, err := ParseWAV(b)
	if err != nil || got != f || !bytes.Equal(data, pcm) {
		t.Fatalf("ParseWAV = %v, %d bytes, %v", got, len(data), err)
	}
	// ffmpeg reads it as a stream too.
	path := filepath.Join(t.TempDir(), "pipe.wav")
	os.WriteFile(path, b, 0o644)
	runFFmpeg(t, "-i", path, "-f", "s16le", path+".raw")
	if back, _ := os.ReadFile(path + ".raw"); !bytes.Equal(back, pcm) {
		t.Fatal("ffmpeg decodes the pipe WAV differently")
	}
}

func TestWAVSinkFormatRules(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.wav")
	fh, _ := os.Create(path)
	defer fh.Close()
	s := NewWAVSink(fh)
	if _, err := s.Write([]byte{0, 0}); !errors.Is(err, ErrNotOpen) {
		t.Fatalf("Write before Open: %v", err)
	}
	if err := s.Open(Format{44100, 2, S16}); err != nil {
		t.Fatal(err)
	}
	s.Write(sineS16(44100, 2, 100, 1000, 0.5))
	// Same rate and channels in another sample format continue the file.
	if err := s.Open(Format{44100, 2, F32}); err != nil {
		t.Fatalf("reopen with f32: %v", err)
	}
	s.Write(sineF32(44100, 2, 100, 1000, 0.5))
	if err := s.Open(Format{48000, 2, S16}); !errors.Is(err, ErrFormatChange) {
		t.Fatalf("reopen at 48 kHz: %v", err)
	}
	if err := s.Open(Format{44100, 1, S16}); !errors.Is(err, ErrFormatChange) {
		t.Fatalf("reopen mono: %v", err)
	}
	if p := s.Played(); p != (Format{44100, 2, S16}).Duration(800) {
		t.Fatalf("Played %v", p)
	}
	s.SetVolume(0.5)
	s.Close()
	if _, err := s.Write([]byte{0, 0, 0, 0}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
	b, _ := os.ReadFile(path)
	_, data, err := ParseWAV(b)
	if err != nil || len(data) != 800 {
		t.Fatalf("ParseWAV: %d bytes, %v", len(data), err)
	}
}

func TestWAVSinkVolume(t *testing.T) {
	var w pipeWriter
	s := NewWAVSink(&w)
	s.SetVolume(0.5)
	s.Open(Format{48000, 1, S16})
	s.Write(bytes.Repeat([]byte{0x00, 0x40}, 2000)) // 0.5 full scale
	s.Close()
	_, data, _ := ParseWAV(w.Bytes())
	if v := int16(binary.LittleEndian.Uint16(data[len(data)-2:])); v != 0x2000 {
		t.Fatalf("last sample %#x at volume 0.5, want 0x2000", v)
	}
}

// TestWAVSinkPipeAndDevNull writes to a real pipe (Seek fails: sizes stay
// at 0xFFFFFFFF) and to /dev/null (seekable, nothing to patch): neither
// fails.
func TestWAVSinkPipeAndDevNull(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		got <- b
	}()
	s := NewWAVSink(w)
	s.Open(Format{8000, 1, S16})
	s.Write(testPCM(S16, 100))
	if err := s.Close(); err != nil {
		t.Fatalf("Close on a pipe: %v", err)
	}
	w.Close()
	b := <-got
	r.Close()
	if f, data, err := ParseWAV(b); err != nil || f != (Format{8000, 1, S16}) || len(data) != 200 {
		t.Fatalf("pipe WAV: %v %d %v", f, len(data), err)
	}
	if binary.LittleEndian.Uint32(b[40:]) != 0xFFFFFFFF {
		t.Fatal("pipe WAV data size is not 0xFFFFFFFF")
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	s = NewWAVSink(null)
	s.Open(Format{44100, 2, F32})
	if _, err := s.Write(testPCM(F32, 1000)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close on /dev/null: %v", err)
	}
}
