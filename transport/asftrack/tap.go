package asftrack

import (
	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
)

// NewDemuxer starts a presentation with header h: it hands h's raw bytes
// to tap (transport.Config.Tap; nil for none) and returns h's demuxer.
// Every ASF session makes its demuxers here, and pushes their packets
// with Push, so a tap sees what the demuxer sees.
func NewDemuxer(tap transport.Tap, h *asf.Header) *asf.Demuxer {
	if tap != nil && h != nil {
		tap.Header(h.Raw)
	}
	return asf.NewDemuxer(h)
}

// Push hands data packet pkt to tap (when set), then to d (asf.Demuxer.Push,
// whose error it returns).
func Push(tap transport.Tap, d *asf.Demuxer, pkt []byte, emit func(asf.Object)) error {
	if tap != nil {
		tap.Packet(pkt)
	}
	return d.Push(pkt, emit)
}
