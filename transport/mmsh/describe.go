package mmsh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/playlist"
	"github.com/eddyplayer/eddy/transport/wms"
)

// describe sends the Describe ([MS-WMSP] 2.2.2.1, 3.1.4.2), follows
// 300–305 redirects (3.1.5.5), processes the response (3.1.5.3, 3.1.5.5)
// and reads the body: three $P when the packet-pair experiment runs, then
// $M (Cougar >= 9) and the $H fragments.
func (s *session) describe(ctx context.Context) error {
	o := &s.o
	seen := map[string]bool{}
	for hop := 0; ; hop++ {
		if hop > maxRedirects || seen[s.url.String()+"|"+s.proxyKey()] {
			return fmt.Errorf("%w: Describe %s after %d redirects", ErrRedirectLoop, s.url.Redacted(), hop)
		}
		seen[s.url.String()+"|"+s.proxyKey()] = true
		req := o.identity().describeRequest(describeOpts{
			packetPair: !s.d.DisablePacketPair && (o.server.Product == "" || o.server.AtLeast(5, 0)),
			pipeline:   !s.d.DisablePipelining,
			supported:  o.supportedHeader(!s.d.DisablePacketPair),
			reqContext: s.cl.nextContext(),
		})
		cn, resp, err := s.cl.exchange(ctx, s.url, req, s.timeout)
		if err != nil {
			return s.errorf(reqDescribe, err)
		}
		if resp.StatusCode >= 300 && resp.StatusCode <= 305 {
			cn.close()
			if err := s.redirect(resp); err != nil {
				return err
			}
			continue
		}
		err = s.describeResponse(ctx, cn, resp)
		cn.close()
		return err
	}
}

func (s *session) proxyKey() string {
	p, _ := s.cl.proxyURL(s.url)
	if p == nil {
		return ""
	}
	return p.String()
}

// redirect applies a 300–305 answer (3.1.5.5): 305 names a proxy for the
// unchanged URL, the others a new URL.
func (s *session) redirect(resp *response) error {
	loc := strings.TrimSpace(resp.get("Location"))
	if loc == "" {
		return fmt.Errorf("mmsh: Describe %s: %s without a Location", s.url.Redacted(), resp.status())
	}
	ref, err := url.Parse(loc)
	if err != nil {
		return fmt.Errorf("mmsh: Describe %s: %s with a bad Location %q: %v", s.url.Redacted(), resp.status(), loc, err)
	}
	next := s.url.ResolveReference(ref)
	if resp.StatusCode == 305 {
		if next.Host == "" {
			return fmt.Errorf("mmsh: Describe %s: 305 Use Proxy without a proxy host", s.url.Redacted())
		}
		s.cl.setProxy(&url.URL{Scheme: "http", Host: next.Host})
		return nil
	}
	u, err := httpURL(next.String())
	if err != nil {
		return fmt.Errorf("mmsh: Describe %s: %s to %q: %w", s.url.Redacted(), resp.status(), loc, err)
	}
	s.url = u
	return nil
}

// describeResponse checks a Describe answer and reads its body.
func (s *session) describeResponse(ctx context.Context, cn *conn, resp *response) error {
	o := &s.o
	if resp.StatusCode != 200 {
		return s.statusError(reqDescribe, resp)
	}
	if err := o.common(resp); err != nil {
		if errors.Is(err, ErrNotWMSP) {
			if me := s.metafile(ctx, cn, resp); me != nil {
				return me
			}
		}
		return s.errorf(reqDescribe, err)
	}
	pr := resp.pragma()
	// 3.1.5.5: Pipeline-Test-Allowed from the response; an HTTP/1.0 proxy
	// on the path (Via) breaks pipelining.
	o.pipelineTest = !s.d.DisablePipelining && pr.Flag("pipeline-experiment") && !viaHTTP10(resp.values("Via"))
	body := bodyOf(cn, resp)
	// The body is read within what is left of the exchange's time: the
	// whole Describe, request to ASF header, takes Config.Timeout at most.
	stop := cn.bound(ctx)
	defer stop()
	// stalled says what arrived when the time ran out.
	stalled := func(err error) error {
		return fmt.Errorf("mmsh: Describe %s: %w", s.url.Redacted(), cn.exchangeErr(ctx, err, "no complete ASF header"))
	}
	if pr.Flag("packet-pair-experiment") {
		// 3.1.5.5: three $P come first; they are read straight from the
		// connection's buffer so that arrival times map to socket reads.
		bw, err := s.packetPair(ctx, cn)
		if isTimeout(err) && ctx.Err() == nil {
			return stalled(err)
		}
		if err != nil {
			return s.errorf(reqDescribe, err)
		}
		o.measuredBW = bw
		s.stats.bandwidth.Store(bw)
		if resp.ContentLength >= 0 {
			body = io.LimitReader(cn.br, max(0, resp.ContentLength-s.o.pairBytes))
		}
	}
	r := NewReader(body)
	o.expect = o.headerSet()
	for {
		p, err := r.Next()
		if errors.Is(err, io.EOF) {
			return s.errorf(reqDescribe, fmt.Errorf("%w: the Describe body ended before a complete ASF header", ErrProtocol))
		}
		if isTimeout(err) && ctx.Err() == nil {
			return stalled(err)
		}
		if err != nil {
			return s.errorf(reqDescribe, ctxErr(ctx, err))
		}
		done, err := o.describePacket(p)
		if err != nil {
			return s.errorf(reqDescribe, err)
		}
		if done {
			return nil
		}
	}
}

// describePacket handles one packet of the Describe body; done when the
// ASF header is complete.
func (o *owner) describePacket(p Packet) (bool, error) {
	if !o.acceptable(p.Type) {
		return false, fmt.Errorf("%w: %s in the Describe response (expected %s)", ErrUnexpectedPacket, p.Type, o.expect)
	}
	switch p.Type {
	case TypeMetadata:
		return false, o.metadataPacket(p)
	case TypeHeader:
		obj, done, err := o.hAsm.add(p)
		if err != nil || !done {
			o.expect = packetSetOf(TypeHeader)
			return false, err
		}
		if err := o.firstHeader(obj); err != nil {
			return false, err
		}
		return true, nil
	}
	return false, fmt.Errorf("%w: %s in the Describe response", ErrUnexpectedPacket, p.Type)
}

// packetPair reads the three $P of a Describe body and returns the
// bottleneck bandwidth in bits per second from the arrival times of the
// first two (3.1.5.6): size of the second packet over the time between
// them. 0 means the two arrived in one socket read (too fast to tell).
func (s *session) packetPair(ctx context.Context, cn *conn) (int64, error) {
	r := NewReader(cn.br)
	var t1, t2 time.Time
	var size2 int
	for i := 1; i <= 3; i++ {
		p, err := r.Next()
		if isTimeout(err) && ctx.Err() == nil {
			return 0, err
		}
		if err != nil {
			return 0, fmt.Errorf("packet pair: %w", ctxErr(ctx, err))
		}
		if p.Type != TypePacketPair || p.PairIndex != i {
			return 0, fmt.Errorf("%w: %s where $P %d was expected (3.1.5.5)", ErrUnexpectedPacket, p.Type, i)
		}
		end := cn.tr.total() - int64(cn.br.Buffered())
		at, _ := cn.tr.arrivedAt(end - 1)
		switch i {
		case 1:
			t1 = at
		case 2:
			t2 = at
			size2 = 8 + len(p.Payload)
		}
	}
	s.o.pairBytes = r.BytesRead()
	return wms.PacketPairBandwidth(size2, t1, t2), nil
}

func viaHTTP10(vias []string) bool {
	for _, v := range vias {
		for _, hop := range strings.Split(v, ",") {
			hop = strings.TrimSpace(hop)
			if strings.HasPrefix(hop, "1.0 ") || strings.HasPrefix(strings.ToUpper(hop), "HTTP/1.0") {
				return true
			}
		}
	}
	return false
}

// statusError turns an unexpected status into an error naming server,
// request and status.
func (s *session) statusError(kind reqKind, resp *response) error {
	return &transport.StatusError{URL: s.url.Redacted(), Method: kind.String(), Code: resp.StatusCode, Status: resp.status()}
}

// metafile reads the body of an answer from a server that is not a
// Windows Media server (a web server that an mms:// or mmsh:// URL
// reached) and returns it as a *transport.MetafileError when it is an
// ASX playlist or a [Reference] redirector, which the player opens as a
// playlist, as Windows Media Player does; nil otherwise. At most
// playlist.MaxSize bytes are read, within the exchange's time.
func (s *session) metafile(ctx context.Context, cn *conn, resp *response) *transport.MetafileError {
	body := bodyOf(cn, resp)
	stop := cn.bound(ctx)
	defer stop()
	b, err := io.ReadAll(io.LimitReader(body, playlist.MaxSize+1))
	if (err != nil && len(b) == 0) || len(b) > playlist.MaxSize {
		return nil
	}
	ct := resp.get("Content-Type")
	if playlist.Sniff(path.Base(s.url.Path), ct, b) == playlist.KindNone {
		return nil
	}
	return &transport.MetafileError{URL: s.url.String(), ContentType: ct, Body: b}
}

// bodyOf is the body of a Describe answer: its Content-Length bytes, or
// the chunked or connection-delimited body.
func bodyOf(cn *conn, resp *response) io.Reader {
	if resp.ContentLength >= 0 && !resp.Chunked {
		return io.LimitReader(cn.br, resp.ContentLength)
	}
	return resp.body(cn.br)
}
