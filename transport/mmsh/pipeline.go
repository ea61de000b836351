package mmsh

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// pipelineExperiment runs the pipeline test ([MS-WMSP] 2.2.2.5, 3.1.4.3,
// 3.1.5.9, 3.1.5.10): two Pipeline requests written back-to-back on one
// connection; the first answer carries a $T, the second says with
// pipeline-result whether the requests arrived pipelined. On success the
// connection becomes the Play connection and the session is in pipelined
// mode; on any failure it stays non-pipelined. Pipeline-Test-Allowed is
// cleared either way.
func (o *owner) pipelineExperiment(ctx context.Context) {
	o.pipelineTest = false
	cn, err := o.s.cl.connect(ctx, o.s.url, o.s.timeout)
	if err != nil {
		return
	}
	ok, err := o.pipelineTest2(ctx, cn)
	if err != nil || !ok {
		cn.close()
		return
	}
	o.pipelined = true
	o.startStream(cn, nil, true)
}

func (o *owner) pipelineTest2(ctx context.Context, cn *conn) (bool, error) {
	id := o.identity()
	r1 := id.pipelineRequest(o.s.cl.nextContext())
	r2 := id.pipelineRequest(o.s.cl.nextContext())
	o.s.cl.prepare(r1, o.s.url, cn)
	o.s.cl.prepare(r2, o.s.url, cn)
	stop := cn.deadline(ctx, o.s.timeout)
	defer stop()
	// Both requests in one write: "back-to-back" (2.2.1.4.16, RFC 2616
	// 8.1.2.2).
	cn.trace.request(cn, r1)
	cn.trace.request(cn, r2)
	if _, err := cn.nc.Write(append(r1.wire(), r2.wire()...)); err != nil {
		return false, ctxErr(ctx, err)
	}
	resp1, err := cn.readResponse()
	if err != nil {
		return false, ctxErr(ctx, err)
	}
	o.s.cl.store(resp1, o.s.url)
	if resp1.StatusCode != 200 {
		return false, fmt.Errorf("%w: first Pipeline answered %s", ErrProtocol, resp1.status())
	}
	if err := o.common(resp1); err != nil {
		return false, err
	}
	// 3.1.5.9: another Pipeline response is due, so expect $T (3.1.5.10).
	r := NewReader(resp1.body(cn.br))
	p, err := r.Next()
	if err != nil {
		return false, ctxErr(ctx, err)
	}
	if p.Type != TypeTest {
		return false, fmt.Errorf("%w: %s in the first Pipeline response, want $T", ErrUnexpectedPacket, p.Type)
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("%w: more than a $T in the first Pipeline response", ErrProtocol)
	}
	resp2, err := cn.readResponse()
	if err != nil {
		return false, ctxErr(ctx, err)
	}
	o.s.cl.store(resp2, o.s.url)
	if err := o.common(resp2); err != nil {
		return false, err
	}
	if !drain(resp2.body(cn.br)) {
		return false, fmt.Errorf("%w: second Pipeline response has a body", ErrProtocol)
	}
	// pipeline-result=1 over HTTP/1.1 ⇒ pipelined mode; anything else
	// (HTTP/1.0, pipeline-result=0) ⇒ stay non-pipelined (3.1.5.9).
	return resp2.pragma().Flag("pipeline-result") && resp2.Minor >= 1 && resp2.keepAlive(), nil
}
