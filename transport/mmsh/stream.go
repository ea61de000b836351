package mmsh

import (
	"errors"
	"io"
	"time"
)

// stream is the connection media arrives on (the Play connection) and
// the reader goroutine draining it.
type stream struct {
	cn   *conn
	gen  int
	quit chan struct{}
	// pipelined: the reader parses a sequence of responses; otherwise it
	// reads the one Play response's body.
	pipelined bool
	body      io.Reader
}

// event is what a reader goroutine reports to the owner.
type event struct {
	gen  int
	resp *response
	pkt  *Packet
	at   time.Time
	// bodyEnd marks the end of a pipelined response body.
	bodyEnd bool
	err     error
}

// startStream launches the reader on cn. body is the Play response body
// in non-pipelined mode; in pipelined mode the reader reads responses.
func (o *owner) startStream(cn *conn, body io.Reader, pipelined bool) *stream {
	o.gen++
	st := &stream{cn: cn, gen: o.gen, quit: make(chan struct{}), pipelined: pipelined, body: body}
	o.st = st
	o.streamOpened(cn)
	s := o.s
	s.wg.Add(1)
	go s.read(st)
	return st
}

// dropStream closes the streaming connection; its reader exits and its
// queued events are ignored (generation check).
func (o *owner) dropStream() {
	if o.st == nil {
		return
	}
	close(o.st.quit)
	o.st.cn.close()
	o.st = nil
	o.stallOn = false
	o.stall.stop()
	o.rec.blockedAt = time.Time{}
}

// read is the reader goroutine of one stream.
func (s *session) read(st *stream) {
	defer s.wg.Done()
	send := func(ev event) bool {
		ev.gen = st.gen
		select {
		case s.events <- ev:
			return true
		case <-st.quit:
			return false
		}
	}
	packets := func(body io.Reader) (ended bool) {
		r := NewReader(body)
		for {
			p, err := r.Next()
			if errors.Is(err, io.EOF) {
				return true
			}
			if err != nil {
				send(event{err: err})
				return false
			}
			if !send(event{pkt: &p, at: time.Now()}) {
				return false
			}
		}
	}
	if !st.pipelined {
		if packets(st.body) {
			send(event{err: io.EOF})
		}
		return
	}
	for {
		resp, err := st.cn.readResponse()
		if err != nil {
			send(event{err: err})
			return
		}
		if !send(event{resp: resp}) {
			return
		}
		body := resp.body(st.cn.br)
		if resp.StatusCode >= 300 || resp.noBody() || resp.ContentLength == 0 {
			if !drain(body) {
				send(event{err: errors.New("mmsh: unread error body")})
				return
			}
		} else if !packets(body) {
			return
		}
		if !resp.delimited() {
			send(event{err: io.EOF})
			return
		}
		if !send(event{bodyEnd: true}) {
			return
		}
	}
}
