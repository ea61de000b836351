package otosink

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hajimehoshi/oto/v2"

	"github.com/eddyplayer/eddy/player/audio"
)

// device is the part of oto's Context the sink uses (a fake in tests).
type device interface {
	// NewPlayer returns a player pulling from r with an internal buffer of
	// bufBytes.
	NewPlayer(r io.Reader, bufBytes int) player
	Suspend() error
	Resume() error
}

// player is the part of oto's Player the sink uses.
type player interface {
	Play()
	Close() error
	UnplayedBufferSize() int
	SetVolume(v float64)
}

type otoDevice struct{ ctx *oto.Context }

func (d otoDevice) NewPlayer(r io.Reader, bufBytes int) player {
	p := d.ctx.NewPlayer(r)
	if bs, ok := p.(oto.BufferSizeSetter); ok && bufBytes > 0 {
		bs.SetBufferSize(bufBytes)
	}
	return p
}

func (d otoDevice) Suspend() error { return d.ctx.Suspend() }
func (d otoDevice) Resume() error  { return d.ctx.Resume() }

// shared is the process's oto context: oto supports one per process, and
// a failed attempt leaves a goroutine behind, so the outcome (device or
// error) is kept for the life of the process.
var shared struct {
	mu     sync.Mutex
	dev    device
	format audio.Format
	err    error
}

// openDevice returns the process's device, creating the oto context at
// the first call: stereo, at f's rate, in sample format sample (S16 or
// F32). It waits for oto's ready channel at most timeout and then checks
// Context.Err, which is where oto reports a missing sound card.
func openDevice(f audio.Format, sample audio.SampleFormat, timeout time.Duration) (device, audio.Format, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.dev != nil || shared.err != nil {
		return shared.dev, shared.format, shared.err
	}
	format := audio.Format{SampleRate: f.SampleRate, Channels: 2, Sample: sample}
	otoFormat := oto.FormatFloat32LE
	if sample == audio.S16 {
		otoFormat = oto.FormatSignedInt16LE
	}
	ctx, ready, err := oto.NewContext(format.SampleRate, format.Channels, otoFormat)
	if err != nil {
		shared.err = &DeviceError{Err: err}
		return nil, audio.Format{}, shared.err
	}
	limit := time.NewTimer(timeout)
	defer limit.Stop()
	select {
	case <-ready:
	case <-limit.C:
		shared.err = &DeviceError{Err: fmt.Errorf("the audio device did not open within %v", timeout)}
		return nil, audio.Format{}, shared.err
	}
	if err := ctx.Err(); err != nil {
		shared.err = &DeviceError{Err: err}
		return nil, audio.Format{}, shared.err
	}
	shared.dev, shared.format = otoDevice{ctx: ctx}, format
	return shared.dev, shared.format, nil
}
