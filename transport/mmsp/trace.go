package mmsp

import (
	"fmt"

	"github.com/eddyplayer/eddy/transport"
	hdr "github.com/eddyplayer/eddy/transport/header"
)

// maxTracedFields bounds a message's fields in the protocol trace.
const maxTracedFields = 400

// trace records a message of the control connection in the session's
// protocol trace (transport.Config.Trace): the client's as requests, the
// server's as the server's, each with its fields (an authentication
// token redacted).
func (s *session) trace(kind transport.TraceKind, m Message) {
	if s.cfg.Trace == nil || m == nil {
		return
	}
	fields := fmt.Sprintf("%+v", m)
	if _, ok := m.(*SecurityResponse); ok {
		fields = "[redacted]"
	}
	if len(fields) > maxTracedFields {
		fields = fields[:maxTracedFields] + "…"
	}
	s.cfg.Emit(transport.TraceEntry{Protocol: "mmsp", Kind: kind, Method: Name(m.MID()), URL: transport.RedactURL(s.raw),
		Header: hdr.Header{{Name: "Fields", Value: fields}}, BodyLen: -1})
}

// next reads the control connection's next packet, tracing its messages.
func (s *session) next() (Frame, error) {
	f, err := s.r.Next()
	if f.Packet != nil && s.cfg.Trace != nil {
		for _, m := range f.Packet.Messages {
			s.trace(transport.TraceServerRequest, m)
		}
	}
	return f, err
}
