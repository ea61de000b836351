package audio

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// WAVSink writes the stream to a 16-bit PCM RIFF WAV file at the stream's
// own sample rate and channel count: the only conversion is the sample
// format to S16, done exactly as libswresample does, so at volume 1 the
// file equals `ffmpeg -i IN -c:a pcm_s16le OUT.wav` sample for sample.
//
// It is unpaced: Write never blocks and Played is what was written. The
// header is written at the first Open; Close patches the RIFF and data
// sizes when the writer is an io.Seeker that can seek (a file), and
// otherwise leaves them at 0xFFFFFFFF ("to the end", as for a pipe).
// WAVSink does not close the writer: its owner does, after Close.
type WAVSink struct {
	mu     sync.Mutex
	w      io.Writer
	ws     io.WriteSeeker // nil when not seekable
	start  int64          // offset of the header in ws
	conv   *Converter
	format Format // S16 at the stream's rate and channels
	opened bool
	closed bool
	data   int64 // data bytes written
	volume float64
	buf    []byte
	err    error // sticky write error
}

// NewWAVSink returns a sink writing to w.
func NewWAVSink(w io.Writer) *WAVSink {
	s := &WAVSink{w: w, volume: 1}
	if ws, ok := w.(io.WriteSeeker); ok {
		if off, err := ws.Seek(0, io.SeekCurrent); err == nil {
			s.ws, s.start = ws, off
		}
	}
	return s
}

// Realtime reports false: a WAVSink is not paced.
func (s *WAVSink) Realtime() bool { return false }

// Format returns the file's format (zero before the first Open).
func (s *WAVSink) Format() Format {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.format
}

// Open sets the input format. The first Open fixes the file's rate and
// channel count and writes the header; a later Open with the same rate
// and channels (any sample format) continues the file, another one fails
// with ErrFormatChange.
func (s *WAVSink) Open(f Format) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if !f.Valid() {
		return fmt.Errorf("%w: %v", ErrFormat, f)
	}
	out := Format{SampleRate: f.SampleRate, Channels: f.Channels, Sample: S16}
	if s.opened && out != s.format {
		return fmt.Errorf("%w: file is %v, stream is %v", ErrFormatChange, s.format, f)
	}
	conv, err := NewConverter(f, out)
	if err != nil {
		return err
	}
	conv.SetGain(s.volume)
	conv.Reset()
	if !s.opened {
		if _, err := s.w.Write(wavHeader(out.SampleRate, out.Channels, s.maxData())); err != nil {
			return fmt.Errorf("audio: writing WAV header: %w", err)
		}
		s.format, s.opened = out, true
	}
	s.conv = conv
	return nil
}

// maxData is the data size written in the header before Close: 0 when
// the header will be patched, the largest value otherwise.
func (s *WAVSink) maxData() int64 {
	if s.ws != nil {
		return 0
	}
	return 0xFFFFFFFF
}

// Write converts pcm to S16 and appends it to the file.
func (s *WAVSink) Write(pcm []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, ErrClosed
	}
	if !s.opened {
		return 0, ErrNotOpen
	}
	if s.err != nil {
		return 0, s.err
	}
	s.buf = s.conv.Convert(s.buf[:0], pcm)
	if len(s.buf) > 0 {
		n, err := s.w.Write(s.buf)
		s.data += int64(n)
		if err != nil {
			s.err = fmt.Errorf("audio: writing WAV data: %w", err)
			return 0, s.err
		}
	}
	return len(pcm), nil
}

// Buffered is 0: nothing waits.
func (s *WAVSink) Buffered() time.Duration { return 0 }

// Played is the play time written to the file.
func (s *WAVSink) Played() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.format.Duration(int(s.data))
}

// Drain returns at once (everything written is in the file).
func (s *WAVSink) Drain() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	return s.err
}

// Flush drops a partial frame held by the converter.
func (s *WAVSink) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conv != nil {
		s.conv.Reset()
	}
}

// Pause does nothing: a file has no clock.
func (s *WAVSink) Pause() {}

// Resume does nothing.
func (s *WAVSink) Resume() {}

// SetVolume sets the gain (0..1) applied before writing; at 1 (the
// default) samples are written unchanged.
func (s *WAVSink) SetVolume(v float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.volume = v
	if s.conv != nil {
		s.conv.SetGain(v)
	}
}

// Underruns is 0: a file never runs dry.
func (s *WAVSink) Underruns() int { return 0 }

// Close patches the header sizes (seekable writers) and ends the sink.
// It does not close the underlying writer.
func (s *WAVSink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if !s.opened || s.ws == nil || s.err != nil {
		return s.err
	}
	h := wavHeader(s.format.SampleRate, s.format.Channels, s.data)
	end, err := s.ws.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = s.ws.Seek(s.start, io.SeekStart)
	}
	if err == nil {
		_, err = s.ws.Write(h)
	}
	if err == nil {
		_, err = s.ws.Seek(end, io.SeekStart)
	}
	if err != nil {
		return fmt.Errorf("audio: patching WAV header: %w", err)
	}
	return nil
}

var _ Sink = (*WAVSink)(nil)
