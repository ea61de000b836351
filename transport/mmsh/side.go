package mmsh

import (
	"context"
	"fmt"
	"io"

	"github.com/eddyplayer/eddy/transport/wmlog"
)

// sideRequest is a request on a connection of its own: in non-pipelined
// mode Log, KeepAlive and SelectStream (D1.1), always SendEvent (3.1.4.8)
// and web-server logs (MS-WMLOG 2.3).
type sideRequest struct {
	req *request
	// entry marks the SelectStream that starts a new playlist entry.
	entry bool
	// epoch is the owner's epoch when the request was queued.
	epoch int
	// webURL and body make a web-server log instead.
	webURL string
	body   []byte
}

// sideResult reports a side request's response to the owner.
type sideResult struct {
	kind  reqKind
	resp  *response
	err   error
	entry bool
	epoch int
}

// sideSend queues a side request. The queue is bounded; when it is full
// the request is dropped (a KeepAlive or log is not worth blocking the
// stream for).
func (o *owner) sideSend(r *sideRequest) {
	if o.state == stateClosed && r.req != nil && r.req.kind == reqKeepAlive {
		return
	}
	o.keepalive.stop()
	r.epoch = o.epoch
	select {
	case o.s.side <- r:
	default:
	}
	if o.state == stateIdle {
		o.startKeepAlive()
	}
}

// sideWorker sends side requests one at a time, each bounded by the
// timeout, and closes each connection after its response (3.1.5.15–17,
// 3.1.5.20).
func (s *session) sideWorker() {
	defer s.wg.Done()
	for r := range s.side {
		res := s.sideOne(r)
		if res.err != nil {
			s.stats.sideFailed(res.err)
		}
		select {
		case s.sideRe <- res:
		default:
		}
	}
}

// A side request, its response body included, has Config.Timeout (the
// exchange's budget, conn.begin); one that runs out of it fails with an
// ErrTimeout saying what arrived, like any other failed side request:
// counted (Counters.SideFailures), and fatal only for the SelectStream
// that starts a new playlist entry (sideResult).
func (s *session) sideOne(r *sideRequest) sideResult {
	if r.webURL != "" {
		ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
		defer cancel()
		ws := &wmlog.WebSubmitter{Client: s.cfg.ClientFor("mmsh"), UserAgent: "NSPlayer"}
		err := ws.Submit(ctx, r.webURL, r.body)
		if err == nil {
			s.stats.logPosts.Add(1)
		}
		return sideResult{kind: reqWebLog, err: err}
	}
	kind := r.req.kind
	cn, resp, err := s.cl.exchange(s.ctx, s.url, r.req, s.timeout)
	if err != nil {
		return sideResult{kind: kind, err: s.errorf(kind, err), entry: r.entry, epoch: r.epoch}
	}
	stop := cn.bound(s.ctx)
	_, err = io.Copy(io.Discard, io.LimitReader(resp.body(cn.br), maxDrain))
	stop()
	cn.close()
	if err != nil && resp.delimited() {
		err = fmt.Errorf("mmsh: %s %s: %s answered %s, then: %w", kind, s.url.Redacted(), s.url.Host, resp.status(), cn.exchangeErr(s.ctx, err, "no complete response"))
		return sideResult{kind: kind, err: err, entry: r.entry, epoch: r.epoch}
	}
	if resp.StatusCode/100 != 2 {
		return sideResult{kind: kind, resp: resp, err: fmt.Errorf("mmsh: %s %s: server answered %s", kind, s.url.Redacted(), resp.status()), entry: r.entry, epoch: r.epoch}
	}
	if kind == reqLog {
		s.stats.logPosts.Add(1)
	}
	return sideResult{kind: kind, resp: resp, entry: r.entry, epoch: r.epoch}
}
