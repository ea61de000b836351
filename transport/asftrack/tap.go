package asftrack

import (
	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/bufpool"
)

// NewDemuxer starts a presentation with header h: it hands h's raw bytes
// to tap (transport.Config.Tap; nil for none) and returns h's demuxer.
// Every ASF session makes its demuxers here, and pushes their packets
// with Push, so a tap sees what the demuxer sees. The demuxer takes its
// objects' buffers from transport/bufpool, where the player gives them
// back once decoded.
func NewDemuxer(tap transport.Tap, h *asf.Header) *asf.Demuxer {
	if tap != nil && h != nil {
		tap.Header(h.Raw)
	}
	d := asf.NewDemuxer(h)
	d.Alloc = bufpool.Get
	return d
}

// Push hands data packet pkt to tap (when set), then to d (asf.Demuxer.Push,
// whose error it returns).
func Push(tap transport.Tap, d *asf.Demuxer, pkt []byte, emit func(asf.Object)) error {
	if tap != nil {
		tap.Packet(pkt)
	}
	return d.Push(pkt, emit)
}
