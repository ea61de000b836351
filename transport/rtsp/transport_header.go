package rtsp

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eddyplayer/eddy/transport/header"
)

// TransportSpec is one transport-spec of a Transport header (RFC 2326
// §12.39 with MS-RTSP 2.2.6.11's fec-parameters). Absent numbers are 0.
type TransportSpec struct {
	// TCP is true for RTP/AVP/TCP (interleaved), false for RTP/AVP and
	// RTP/AVP/UDP.
	TCP     bool
	Unicast bool
	// ClientPort and ServerPort hold one port or a pair (second 0 when
	// a single port was given).
	ClientPort, ServerPort [2]int
	// Interleaved holds the channel pair; HasInterleaved says it was given.
	Interleaved    [2]int
	HasInterleaved bool
	// SSRC is the "ssrc" parameter (8 hex digits); HasSSRC says it was given.
	SSRC    uint32
	HasSSRC bool
	// Source is the "source" parameter (the address media come from).
	Source string
	// Mode is the "mode" parameter without quotes ("PLAY").
	Mode string
	// FEC parameters, hexadecimal on the wire (MS-RTSP 2.2.6.11); raw
	// values, checked by the FEC package. HasFEC says FecSpan was given.
	FecSpan, FecPerSpan, FecBurstMargin int
	HasFEC                              bool
}

// String renders the spec as a client sends it in SETUP, parameters in
// the order of MS-RTSP 2.2.7.10.1's examples.
func (t TransportSpec) String() string {
	var b strings.Builder
	if t.TCP {
		b.WriteString("RTP/AVP/TCP")
	} else {
		b.WriteString("RTP/AVP/UDP")
	}
	if t.Unicast {
		b.WriteString(";unicast")
	}
	ports := func(name string, p [2]int) {
		if p[0] == 0 {
			return
		}
		fmt.Fprintf(&b, ";%s=%d", name, p[0])
		if p[1] != 0 {
			fmt.Fprintf(&b, "-%d", p[1])
		}
	}
	ports("client_port", t.ClientPort)
	ports("server_port", t.ServerPort)
	if t.HasInterleaved {
		fmt.Fprintf(&b, ";interleaved=%d-%d", t.Interleaved[0], t.Interleaved[1])
	}
	if t.HasSSRC {
		fmt.Fprintf(&b, ";ssrc=%08x", t.SSRC)
	}
	if t.Mode != "" {
		b.WriteString(";mode=" + t.Mode)
	}
	if t.HasFEC {
		fmt.Fprintf(&b, ";FecSpan=%x;FecPerSpan=%x;FecBurstMargin=%x", t.FecSpan, t.FecPerSpan, t.FecBurstMargin)
	}
	return b.String()
}

// ParseTransport parses a Transport header value: one or more
// comma-separated transport-specs. Unknown parameters are ignored
// (MS-RTSP 2.2.6: unknown tokens in known headers MUST be ignored).
func ParseTransport(v string) ([]TransportSpec, error) {
	var out []TransportSpec
	for _, part := range header.SplitList(v) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if len(out) >= 16 {
			return nil, fmt.Errorf("%w: more than 16 transport-specs", ErrProtocol)
		}
		t, err := parseTransportSpec(part)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: empty Transport", ErrProtocol)
	}
	return out, nil
}

func parseTransportSpec(s string) (TransportSpec, error) {
	var t TransportSpec
	params := strings.Split(s, ";")
	proto := strings.ToUpper(strings.TrimSpace(params[0]))
	switch proto {
	case "RTP/AVP", "RTP/AVP/UDP":
	case "RTP/AVP/TCP":
		t.TCP = true
	default:
		return t, fmt.Errorf("%w: transport %q", ErrProtocol, params[0])
	}
	for _, p := range params[1:] {
		name, val, _ := strings.Cut(strings.TrimSpace(p), "=")
		val = strings.Trim(strings.TrimSpace(val), `"`)
		var err error
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "unicast":
			t.Unicast = true
		case "client_port":
			t.ClientPort, err = parsePair(val, 65535)
		case "server_port":
			t.ServerPort, err = parsePair(val, 65535)
		case "interleaved":
			t.Interleaved, err = parsePair(val, 255)
			t.HasInterleaved = err == nil
		case "ssrc":
			var v uint64
			v, err = strconv.ParseUint(val, 16, 32)
			t.SSRC, t.HasSSRC = uint32(v), err == nil
		case "source":
			if plainValue(val) {
				t.Source = val
			}
		case "mode":
			if plainValue(val) {
				t.Mode = val
			}
		case "fecspan":
			t.FecSpan, err = parseHexSmall(val)
			t.HasFEC = err == nil
		case "fecperspan":
			t.FecPerSpan, err = parseHexSmall(val)
		case "fecburstmargin":
			t.FecBurstMargin, err = parseHexSmall(val)
		}
		if err != nil {
			return t, fmt.Errorf("%w: Transport parameter %q: %w", ErrProtocol, p, err)
		}
	}
	return t, nil
}

// plainValue reports whether a parameter's value can stand in a
// Transport header unquoted: no white space, controls, commas, semicolons
// or quotes. A source or mode that is not is ignored, as an unknown
// parameter would be (a quote left open takes in the rest of the header,
// commas and all, as one value), and so String gives back a header that
// parses to the same spec.
func plainValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c == 0x7f || c == ',' || c == ';' || c == '"' {
			return false
		}
	}
	return true
}

// parsePair parses "n" or "n-m", each in 0..max.
func parsePair(s string, limit int) ([2]int, error) {
	var p [2]int
	a, b, two := strings.Cut(s, "-")
	for i, v := range []string{a, b}[:1+boolInt(two)] {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 || n > limit {
			return p, fmt.Errorf("%q is not a number in 0..%d", v, limit)
		}
		p[i] = n
	}
	return p, nil
}

func parseHexSmall(s string) (int, error) {
	v, err := strconv.ParseUint(s, 16, 8)
	return int(v), err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
