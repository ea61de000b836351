package smooth

import (
	"sync/atomic"

	"github.com/eddyplayer/eddy/transport"
)

// counters are the session's statistics.
type counters struct {
	bytes, fragments, samples, retries atomic.Int64
	// lost counts the sparse streams ended by an error.
	lost atomic.Int64
}

// Stats implements transport.Session: bytes are the manifest's and the
// fragments'; packets are fragments (lost: a caption stream's fragment
// that failed, which ends that stream but not the media); the bandwidth
// is the throughput the adaptation uses.
func (s *session) Stats() transport.Stats {
	return transport.Stats{
		BytesReceived:   s.stats.bytes.Load(),
		PacketsReceived: s.stats.fragments.Load(),
		BandwidthBps:    int64(s.est.rate()),
		Reconnects:      int(s.stats.retries.Load()),
		PacketsLost:     s.stats.lost.Load(),
	}
}
