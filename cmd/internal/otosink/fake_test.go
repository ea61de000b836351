package otosink

import (
	"errors"
	"io"
	"runtime"
	"sync"
)

// fakeDevice stands in for oto's context: its players pull from their
// reader like oto's mixer does (up to bufBytes ahead) and play only when
// the test calls consume.
type fakeDevice struct {
	mu        sync.Mutex
	players   []*fakePlayer
	suspended bool
	changed   chan struct{} // closed when a player is added (lazily made)
}

func (d *fakeDevice) NewPlayer(r io.Reader, bufBytes int) player {
	p := &fakePlayer{r: r, max: bufBytes, volume: 1}
	p.cond = sync.NewCond(&p.mu)
	d.mu.Lock()
	d.players = append(d.players, p)
	if d.changed != nil {
		close(d.changed)
		d.changed = nil
	}
	d.mu.Unlock()
	return p
}

// current returns the newest player (nil when none) and a channel closed
// when a newer one is added.
func (d *fakeDevice) current() (*fakePlayer, <-chan struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.changed == nil {
		d.changed = make(chan struct{})
	}
	var p *fakePlayer
	if n := len(d.players); n > 0 {
		p = d.players[n-1]
	}
	return p, d.changed
}

func (d *fakeDevice) Suspend() error { d.mu.Lock(); d.suspended = true; d.mu.Unlock(); return nil }
func (d *fakeDevice) Resume() error  { d.mu.Lock(); d.suspended = false; d.mu.Unlock(); return nil }

func (d *fakeDevice) last() *fakePlayer {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.players) == 0 {
		return nil
	}
	return d.players[len(d.players)-1]
}

type fakePlayer struct {
	r       io.Reader
	max     int
	mu      sync.Mutex
	cond    *sync.Cond
	buf     []byte
	played  []byte
	eof     bool
	closed  bool
	volume  float64
	wg      sync.WaitGroup
	started bool
}

func (p *fakePlayer) Play() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		return
	}
	p.started = true
	p.wg.Add(1)
	go p.pull()
}

// pull is oto's mixer loop: read while the buffer has room.
func (p *fakePlayer) pull() {
	defer p.wg.Done()
	tmp := make([]byte, p.max) // oto reads a buffer's worth at a time
	for {
		p.mu.Lock()
		for len(p.buf) >= p.max && !p.closed {
			p.cond.Wait()
		}
		closed := p.closed
		p.mu.Unlock()
		if closed {
			return
		}
		n, err := p.r.Read(tmp)
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return
		}
		p.buf = append(p.buf, tmp[:n]...)
		if err != nil {
			p.eof = true
		}
		p.cond.Broadcast()
		p.mu.Unlock()
		if errors.Is(err, io.EOF) || err != nil {
			return
		}
	}
}

// consume plays n bytes (fewer if the buffer holds fewer).
func (p *fakePlayer) consume(n int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n = min(n, len(p.buf))
	p.played = append(p.played, p.buf[:n]...)
	p.buf = p.buf[n:]
	p.cond.Broadcast()
	return n
}

// waitBuffered blocks until the player holds at least n bytes or has
// reached EOF.
func (p *fakePlayer) waitBuffered(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.buf) < n && !p.eof && !p.closed {
		p.cond.Wait()
	}
}

func (p *fakePlayer) Close() error {
	p.mu.Lock()
	p.closed = true
	p.buf = nil // as oto's Close drops what the player held
	p.cond.Broadcast()
	p.mu.Unlock()
	return nil
}

func (p *fakePlayer) UnplayedBufferSize() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.buf)
}

func (p *fakePlayer) SetVolume(v float64) {
	p.mu.Lock()
	p.volume = v
	p.mu.Unlock()
}

// waitPlayer waits until n players exist and returns the last. It polls
// the device under its lock; players appear within one Write.
func (d *fakeDevice) waitPlayer(n int) *fakePlayer {
	for {
		d.mu.Lock()
		if len(d.players) >= n {
			p := d.players[n-1]
			d.mu.Unlock()
			return p
		}
		d.mu.Unlock()
		runtime.Gosched()
	}
}
