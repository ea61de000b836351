package rtsp

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eddyplayer/eddy/transport/header"
)

// RTPInfo is one stream entry of an RTP-Info header (RFC 2326 §12.33,
// MS-RTSP 2.2.6.8) or X-RTP-Info header (MS-RTSP 2.2.6.27). Names of
// parameters compare case-insensitively (MS-RTSP 4.4.5 writes "Seq=").
type RTPInfo struct {
	URL string
	// Seq is the sequence number of the first packet after the event
	// the header reports; HasSeq says it was given.
	Seq     uint16
	HasSeq  bool
	RTPTime uint32
	// Transport holds X-RTP-Info's transport parameters (transport,
	// unicast, client_port, server_port, interleaved, ssrc, FEC).
	Transport TransportSpec
	// BlockSize is the largest RTP packet of the next entry (0: absent).
	BlockSize int
	// ThinLevel: 0 every packet, 1 key frames only, 2 none.
	ThinLevel int
}

// maxRTPInfoEntries bounds the entries of one header: MS-RTSP 2.2.6.8
// allows one per stream, and ASF has at most 127 streams.
const maxRTPInfoEntries = 128

// ParseRTPInfo parses an RTP-Info or X-RTP-Info value. A stream URL is
// written "url=<url>" or as a bare URL, quoted when it holds "," or ";"
// (MS-RTSP 2.2.6.27). Unknown parameters are ignored.
func ParseRTPInfo(v string) ([]RTPInfo, error) {
	var out []RTPInfo
	for _, entry := range header.SplitList(v) {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if len(out) == maxRTPInfoEntries {
			return nil, fmt.Errorf("%w: more than %d RTP-Info entries", ErrProtocol, maxRTPInfoEntries)
		}
		var e RTPInfo
		rest := entry
		if len(rest) >= 4 && strings.EqualFold(rest[:4], "url=") {
			rest = rest[4:]
		}
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("%w: unterminated quoted URL in %q", ErrProtocol, entry)
			}
			e.URL, rest = rest[1:1+end], rest[2+end:]
		} else {
			e.URL, rest, _ = strings.Cut(rest, ";")
			rest = ";" + rest
		}
		e.URL = strings.TrimSpace(e.URL)
		if e.URL == "" {
			return nil, fmt.Errorf("%w: RTP-Info entry without a URL: %q", ErrProtocol, entry)
		}
		var tparams []string
		for _, p := range strings.Split(rest, ";") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			name, val, _ := strings.Cut(p, "=")
			var err error
			switch strings.ToLower(name) {
			case "seq":
				var n uint64
				n, err = strconv.ParseUint(val, 10, 16)
				e.Seq, e.HasSeq = uint16(n), err == nil
			case "rtptime":
				var n uint64
				n, err = strconv.ParseUint(val, 10, 32)
				e.RTPTime = uint32(n)
			case "blocksize":
				e.BlockSize, err = strconv.Atoi(val)
				if err == nil && (e.BlockSize < 0 || e.BlockSize > 65535) {
					err = fmt.Errorf("out of range")
				}
			case "thinlevel":
				e.ThinLevel, err = strconv.Atoi(val)
				if err == nil && (e.ThinLevel < 0 || e.ThinLevel > 2) {
					err = fmt.Errorf("out of range")
				}
			case "transport":
				tparams = append([]string{val}, tparams...)
			default:
				tparams = append(tparams, p)
			}
			if err != nil {
				return nil, fmt.Errorf("%w: RTP-Info parameter %q", ErrProtocol, p)
			}
		}
		if len(tparams) > 0 {
			spec := strings.Join(tparams, ";")
			if !strings.HasPrefix(strings.ToUpper(spec), "RTP/") {
				spec = "RTP/AVP;" + spec
			}
			t, err := parseTransportSpec(spec)
			if err != nil {
				return nil, fmt.Errorf("X-RTP-Info of %s: %w", e.URL, err)
			}
			e.Transport = t
		}
		out = append(out, e)
	}
	return out, nil
}
