package rtsp

import (
	"github.com/eddyplayer/eddy/transport"
)

// The session's protocol trace (transport.Config.Trace): each request the
// client sends, each response matched to its request, each request of
// the server's, credentials redacted.

func (o *owner) traceRequest(req *Request) {
	if o.s.cfg.Trace == nil {
		return
	}
	o.s.cfg.Emit(transport.TraceEntry{At: o.s.now(), Protocol: "rtsp", Kind: transport.TraceRequest,
		Method: req.Method, URL: transport.RedactURL(req.URL), Header: transport.RedactHeader(req.Header),
		BodyLen: int64(len(req.Body))})
}

func (o *owner) traceResponse(p pending, resp *Response) {
	if o.s.cfg.Trace == nil {
		return
	}
	at := o.s.now()
	o.s.cfg.Emit(transport.TraceEntry{At: at, Protocol: "rtsp", Kind: transport.TraceResponse,
		Method: p.req.Method, URL: transport.RedactURL(p.req.URL), Status: resp.StatusCode, Reason: resp.Reason,
		Header: transport.RedactHeader(resp.Header), BodyLen: int64(len(resp.Body)), Took: at.Sub(p.sent)})
}

func (o *owner) traceFailure(p pending, err error) {
	if o.s.cfg.Trace == nil {
		return
	}
	at := o.s.now()
	o.s.cfg.Emit(transport.TraceEntry{At: at, Protocol: "rtsp", Kind: transport.TraceFailure,
		Method: p.req.Method, URL: transport.RedactURL(p.req.URL), Err: err.Error(), BodyLen: -1, Took: at.Sub(p.sent)})
}

func (o *owner) traceServerRequest(req *Request) {
	if o.s.cfg.Trace == nil {
		return
	}
	o.s.cfg.Emit(transport.TraceEntry{At: o.s.now(), Protocol: "rtsp", Kind: transport.TraceServerRequest,
		Method: req.Method, URL: transport.RedactURL(req.URL), Header: transport.RedactHeader(req.Header),
		BodyLen: int64(len(req.Body))})
}
