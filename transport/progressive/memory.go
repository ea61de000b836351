package progressive

import (
	"bytes"
	"context"
	"fmt"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
)

// MemoryDialer plays an ASF file held in memory (Eddy's built-in demo),
// whatever the URL. Register it under a scheme of its own, e.g. "demo".
type MemoryDialer struct {
	Data []byte
	// Protocol names it in Info; default "memory".
	Protocol string
}

// Dial implements transport.Dialer.
func (m MemoryDialer) Dial(ctx context.Context, raw string, cfg transport.Config) (transport.Session, error) {
	r := bytes.NewReader(m.Data)
	af, err := asf.OpenFile(r, int64(len(m.Data)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", raw, err)
	}
	p := m.Protocol
	if p == "" {
		p = "memory"
	}
	s, err := NewSession(af, nil, raw, p, true, cfg)
	if err != nil {
		return nil, err
	}
	s.info.Local = true
	return s, nil
}
