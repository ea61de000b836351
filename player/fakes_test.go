package player

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// fakeSession serves samples of a synthetic presentation: track 1 is audio
// (8 kHz mono s16, "PCM"), each sample 100 ms long and filled with its index
// so tests can check order and trimming.
type fakeSession struct {
	mu        sync.Mutex
	info      transport.Info
	n         int           // samples per track
	step      time.Duration // sample duration
	pos       int
	selected  []int
	plays     []time.Duration
	closed    bool
	closeCh   chan struct{}
	gate      chan struct{} // when non-nil, each ReadSample takes a token
	changeAt  int           // when > 0, ReadSample returns ErrInfoChanged once at this index
	newInfo   transport.Info
	readErrAt int
	readErr   error
}

const fakeRate = 8000

func newFakeSession(seconds int) *fakeSession {
	step := 100 * time.Millisecond
	return &fakeSession{
		info: transport.Info{
			URL: "fake://x", Protocol: "fake", Duration: time.Duration(seconds) * time.Second,
			Preroll: 500 * time.Millisecond, Seekable: true,
			Metadata: transport.Metadata{Title: "Fake"},
			Tracks: []transport.Track{
				{ID: 1, Type: transport.Audio, Codec: transport.WaveFormat(transport.TagPCM), Bitrate: 128000,
					Audio: transport.AudioParams{SampleRate: fakeRate, Channels: 1, BitsPerSample: 16, BlockAlign: 2}},
			},
		},
		n: seconds * 10, step: step, closeCh: make(chan struct{}),
	}
}

func (f *fakeSession) Info() transport.Info {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.info
}

func (f *fakeSession) Select(ids []int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.selected = append([]int(nil), ids...)
	return nil
}

func (f *fakeSession) Play(ctx context.Context, from time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.plays = append(f.plays, from)
	// Start at the sample containing from, like an index would.
	f.pos = int(from / f.step)
	return nil
}

func (f *fakeSession) Pause(ctx context.Context) error { return nil }

func (f *fakeSession) ReadSample(ctx context.Context) (transport.Sample, error) {
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return transport.Sample{}, ctx.Err()
		case <-f.closeCh:
			return transport.Sample{}, transport.ErrClosed
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return transport.Sample{}, transport.ErrClosed
	}
	if f.readErr != nil && f.pos == f.readErrAt {
		return transport.Sample{}, f.readErr
	}
	if f.changeAt > 0 && f.pos == f.changeAt {
		f.changeAt = 0
		f.info = f.newInfo
		return transport.Sample{}, transport.ErrInfoChanged
	}
	if f.pos >= f.n {
		return transport.Sample{}, io.EOF
	}
	i := f.pos
	f.pos++
	id := 1
	for _, s := range f.selected {
		if t, ok := f.info.Track(s); ok && t.Type == transport.Audio {
			id = s
		}
	}
	return transport.Sample{Track: id, PTS: time.Duration(i) * f.step, Key: true, Data: fakePCM(i, f.step)}, nil
}

// fakePCM is one sample's PCM: every 16-bit value is the sample index.
func fakePCM(i int, d time.Duration) []byte {
	frames := int(d * fakeRate / time.Second)
	b := make([]byte, 2*frames)
	for k := 0; k < frames; k++ {
		binary.LittleEndian.PutUint16(b[2*k:], uint16(i))
	}
	return b
}

func (f *fakeSession) Stats() transport.Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return transport.Stats{PacketsReceived: int64(f.pos), BytesReceived: int64(f.pos * 1600)}
}

func (f *fakeSession) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		close(f.closeCh)
	}
	return nil
}

// passDecoder "decodes" s16 mono PCM by copying it.
type passDecoder struct {
	rate   int
	resets int
	fail   func(transport.Sample) bool
}

func (d *passDecoder) Format() audio.Format {
	return audio.Format{SampleRate: d.rate, Channels: 1, Sample: audio.S16}
}

func (d *passDecoder) Decode(dst []byte, s transport.Sample) ([]byte, error) {
	if d.fail != nil && d.fail(s) {
		return dst, decoder.ErrCorrupt
	}
	return append(dst, s.Data...), nil
}
func (d *passDecoder) Reset()       { d.resets++ }
func (d *passDecoder) Close() error { return nil }

// memSink records PCM. realtime makes it report itself as a clocked sink;
// block, when set, makes each Write wait for a token (or a Flush).
type memSink struct {
	mu       sync.Mutex
	format   audio.Format
	opens    int
	data     []byte
	realtime bool
	block    chan struct{}
	flushed  chan struct{}
	paused   bool
	volume   float64
	closed   bool
}

func newMemSink() *memSink { return &memSink{flushed: make(chan struct{}), volume: 1} }

func (s *memSink) Open(f audio.Format) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.format = f
	s.opens++
	return nil
}

func (s *memSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	blk, fl := s.block, s.flushed
	s.mu.Unlock()
	if blk != nil {
		select {
		case <-blk:
		case <-fl:
			return len(p), nil
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, errors.New("sink closed")
	}
	s.data = append(s.data, p...)
	return len(p), nil
}

func (s *memSink) Buffered() time.Duration { return 0 }
func (s *memSink) Played() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.format.Duration(len(s.data))
}
func (s *memSink) Drain() error { return nil }
func (s *memSink) Flush() {
	s.mu.Lock()
	close(s.flushed)
	s.flushed = make(chan struct{})
	s.mu.Unlock()
}
func (s *memSink) Pause()              { s.mu.Lock(); s.paused = true; s.mu.Unlock() }
func (s *memSink) Resume()             { s.mu.Lock(); s.paused = false; s.mu.Unlock() }
func (s *memSink) SetVolume(v float64) { s.mu.Lock(); s.volume = v; s.mu.Unlock() }
func (s *memSink) Underruns() int      { return 0 }
func (s *memSink) Close() error        { s.mu.Lock(); s.closed = true; s.mu.Unlock(); return nil }
func (s *memSink) Realtime() bool      { return s.realtime }

func (s *memSink) bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.data...)
}

func (f *fakeSession) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}
