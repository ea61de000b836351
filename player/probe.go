package player

import (
	"context"
	"fmt"
)

// Probe opens url, describes it as Open would (tracks, decoders, the
// automatic or given stream choice) and closes it without playing. It uses
// cfg's Transports, Decoders, Transport, Bandwidth, Language and Video.
func Probe(ctx context.Context, cfg Config, url string, streams []int) (*Media, error) {
	if cfg.Transports == nil || cfg.Decoders == nil {
		return nil, fmt.Errorf("player: Probe needs Transports and Decoders")
	}
	if cfg.Bandwidth == 0 {
		cfg.Bandwidth = cfg.Transport.Bandwidth
	}
	s, err := cfg.Transports.Dial(ctx, url, urlCredentials(cfg.Transport, url))
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", url, err)
	}
	defer s.Close()
	pb := newPlayback(&Player{cfg: cfg}, s, 0)
	pb.info = s.Info()
	ts, err := pb.plan(pb.info, streams)
	if err != nil {
		// Describe what is there even when nothing can play.
		m := pb.media()
		return m, err
	}
	defer ts.close()
	pb.adopt(ts)
	return pb.media(), nil
}
