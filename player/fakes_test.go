package player

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
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
	selects   [][]int // every Select, in order
	plays     []time.Duration
	closed    bool
	closeCh   chan struct{}
	gate      chan struct{} // when non-nil, each ReadSample takes a token
	changeAt  int           // when > 0, ReadSample returns ErrInfoChanged once at this index
	newInfo   transport.Info
	readErrAt int
	readErr   error
	video     bool // add track 2 (video): one frame per step after each audio sample
	noAudio   bool // video only
	half      bool // next ReadSample returns the video sample of pos-1
	rate      float64
	rates     []float64
	// allFrames makes fast forward / rewind send every video frame (a key
	// frame each second) instead of key frames only.
	allFrames bool
	// keyBack makes Play start this much before the position asked for,
	// as a source does that can only start at a key point (an index entry
	// of a video file); asked past its end, it starts at its last sample.
	keyBack time.Duration
	// base is added to the index in the PCM values, so tests can tell
	// sessions apart (playlist entries).
	base int
	// script, when set, is sent once as a script command of the Command
	// track (ID 9) before the sample at index scriptAt.
	script     *transport.ScriptCommand
	scriptAt   int
	scriptSent bool
	// switchAt, when > 0, makes the audio samples from that index on
	// come on track switchTo (an adaptive quality change), the first
	// marked Switched.
	switchAt, switchTo int
	// playCh, when set, receives the position of every Play.
	playCh chan time.Duration
	// captions are samples of a text track sent before the audio sample
	// of the same index (each once).
	captions map[int]transport.Sample
}

// withQualities makes the presentation adaptive: audio track 3 is a
// second quality of track 1 (a bit-rate group), and from sample at on
// the session delivers it.
func (f *fakeSession) withQualities(at int) *fakeSession {
	q := f.info.Tracks[0]
	q.ID, q.Bitrate = 3, 64000
	f.info.Tracks = append(f.info.Tracks, q)
	f.info.Exclusions = []transport.Exclusion{{Type: transport.ExcludeBitrate, Tracks: []int{1, 3}}}
	f.info.Caps.Adaptive = true
	f.switchAt, f.switchTo = at, 3
	return f
}

// withScript adds a Command track (ID 9) carrying one script command
// before sample at.
func (f *fakeSession) withScript(at int, typ, cmd string) *fakeSession {
	f.info.Tracks = append(f.info.Tracks, transport.Track{ID: 9, Type: transport.Command, Codec: transport.FourCC("SCRP")})
	f.script, f.scriptAt = &transport.ScriptCommand{Type: typ, Command: cmd}, at
	return f
}

// scriptPayload is a Command track sample: the type and the command,
// each a null-terminated UTF-16LE string.
func scriptPayload(typ, cmd string) []byte {
	var b []byte
	for _, s := range []string{typ, cmd} {
		for _, r := range s {
			b = append(b, byte(r), byte(r>>8))
		}
		b = append(b, 0, 0)
	}
	return b
}

// playRate starts fast forward / rewind: only video comes, forward or
// backward from from (rateSession exposes it as transport.RatePlayer).
func (f *fakeSession) playRate(from time.Duration, rate float64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.plays = append(f.plays, from)
	f.rates = append(f.rates, rate)
	f.rate = rate
	f.pos = min(int(from/f.step), f.n-1)
	f.half = false
	return nil
}

const fakeRate = 8000

func newFakeSession(seconds int) *fakeSession {
	step := 100 * time.Millisecond
	return &fakeSession{
		info: transport.Info{
			URL: "fake://x", Protocol: "fake", Duration: time.Duration(seconds) * time.Second,
			Preroll: 500 * time.Millisecond, Seekable: true,
			Caps:     transport.Capabilities{SwitchStreams: true},
			Metadata: transport.Metadata{Title: "Fake"},
			Tracks: []transport.Track{
				{ID: 1, Type: transport.Audio, Codec: transport.WaveFormat(transport.TagPCM), Bitrate: 128000,
					Audio: transport.AudioParams{SampleRate: fakeRate, Channels: 1, BitsPerSample: 16, BlockAlign: 2}},
			},
		},
		n: seconds * 10, step: step, closeCh: make(chan struct{}),
	}
}

// withVideo adds a video track (ID 2) to the presentation.
func (f *fakeSession) withVideo(noAudio bool) *fakeSession {
	f.video, f.noAudio = true, noAudio
	v := transport.Track{ID: 2, Type: transport.Video, Codec: transport.FourCC("FAKE"), Bitrate: 300000,
		Video: transport.VideoParams{Width: 4, Height: 2}}
	if noAudio {
		f.info.Tracks = []transport.Track{v}
	} else {
		f.info.Tracks = append(f.info.Tracks, v)
	}
	return f
}

func (f *fakeSession) Info() transport.Info {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.info
}

func (f *fakeSession) Select(ctx context.Context, ids []int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.selected = append([]int(nil), ids...)
	f.selects = append(f.selects, f.selected)
	return nil
}

func (f *fakeSession) Play(ctx context.Context, from time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.plays = append(f.plays, from)
	f.rates = append(f.rates, 1)
	f.rate = 1
	if f.playCh != nil {
		f.playCh <- from
	}
	// Start at the sample containing from (less keyBack), like an index
	// would.
	f.pos = int(max(from-f.keyBack, 0) / f.step)
	if f.keyBack > 0 {
		f.pos = min(f.pos, f.n-1)
	}
	f.half = false
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
	if f.rate != 0 && f.rate != 1 {
		// Fast forward / rewind: video key frames only.
		if f.pos < 0 || f.pos >= f.n {
			return transport.Sample{}, io.EOF
		}
		i := f.pos
		if f.rate > 0 {
			f.pos++
		} else {
			f.pos--
		}
		return transport.Sample{Track: 2, PTS: time.Duration(i) * f.step, Key: !f.allFrames || i%10 == 0, Data: []byte{byte(i)}}, nil
	}
	if f.half {
		f.half = false
		i := f.pos - 1
		return transport.Sample{Track: 2, PTS: time.Duration(i) * f.step, Key: i%10 == 0, Data: []byte{byte(i)}}, nil
	}
	if f.pos >= f.n {
		return transport.Sample{}, io.EOF
	}
	if c, ok := f.captions[f.pos]; ok {
		delete(f.captions, f.pos)
		return c, nil
	}
	if f.script != nil && !f.scriptSent && f.pos == f.scriptAt {
		f.scriptSent = true
		return transport.Sample{Track: 9, PTS: time.Duration(f.pos) * f.step, Key: true, Data: scriptPayload(f.script.Type, f.script.Command)}, nil
	}
	i := f.pos
	f.pos++
	if f.noAudio {
		return transport.Sample{Track: 2, PTS: time.Duration(i) * f.step, Key: i%10 == 0, Data: []byte{byte(i)}}, nil
	}
	f.half = f.video
	id := 1
	for _, s := range f.selected {
		if t, ok := f.info.Track(s); ok && t.Type == transport.Audio {
			id = s
		}
	}
	smp := transport.Sample{Track: id, PTS: time.Duration(i) * f.step, Key: true, Data: fakePCM(f.base+i, f.step)}
	if f.switchAt > 0 && i >= f.switchAt {
		smp.Track, smp.Switched = f.switchTo, i == f.switchAt
	}
	return smp, nil
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

// fakeVideo "decodes" a sample into one frame at the sample's time, whose
// single pixel's red channel is the sample byte.
type fakeVideo struct {
	mu       sync.Mutex
	resets   int
	released int
	decoded  int // samples given to Decode
	// failAt, when > 0, is the sample (counted from 1) whose Decode
	// returns its frame together with an error.
	failAt int
}

func (d *fakeVideo) Decode(dst []decoder.Frame, s transport.Sample) ([]decoder.Frame, error) {
	d.mu.Lock()
	d.decoded++
	fail := d.decoded == d.failAt
	d.mu.Unlock()
	img := image.NewRGBA(image.Rect(0, 0, 4, 2))
	if len(s.Data) > 0 {
		img.Pix[0] = s.Data[0]
	}
	dst = append(dst, decoder.Frame{PTS: s.PTS, Image: img, Key: s.Key})
	if fail {
		return dst, fmt.Errorf("fake: %w", decoder.ErrCorrupt)
	}
	return dst, nil
}
func (d *fakeVideo) Flush(dst []decoder.Frame) ([]decoder.Frame, error) { return dst, nil }
func (d *fakeVideo) Reset()                                             { d.mu.Lock(); d.resets++; d.mu.Unlock() }
func (d *fakeVideo) Close() error                                       { return nil }
func (d *fakeVideo) Release(*image.RGBA)                                { d.mu.Lock(); d.released++; d.mu.Unlock() }

// frameLog records presented frames and when; notify, when set, gets a
// token for each (dropped when nobody waits).
type frameLog struct {
	mu     sync.Mutex
	pts    []time.Duration
	at     []time.Time
	pixels []byte
	notify chan struct{}
}

func (l *frameLog) Present(f decoder.Frame) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pts = append(l.pts, f.PTS)
	l.at = append(l.at, time.Now())
	l.pixels = append(l.pixels, f.Image.Pix[0])
	select {
	case l.notify <- struct{}{}:
	default:
	}
}

func (l *frameLog) frames() ([]time.Duration, []time.Time, []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Duration(nil), l.pts...), append([]time.Time(nil), l.at...), append([]byte(nil), l.pixels...)
}
