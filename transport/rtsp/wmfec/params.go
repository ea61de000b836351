package wmfec

import (
	"fmt"
	"strconv"
	"strings"
)

// Params are the FEC parameters of a stream ([MS-RTSP] 2.2.5.4, 2.2.6.11).
type Params struct {
	// Span is FecSpan: the number of source packets in a span, 1..24.
	Span int
	// PerSpan is FecPerSpan: the number of FEC packets sent per span,
	// 1..24 and at most Span.
	PerSpan int
	// BurstMargin is FecBurstMargin: the distance between the source packets
	// of one span, 1..12 (1 = adjacent packets, b = b spans interleaved).
	// The a=fmtp attribute does not carry it; ParseFmtp sets 1.
	BurstMargin int
}

// Fmtp is the format-specific parameters of an x-wms-fec payload type in the
// SDP ([MS-RTSP] 2.2.5.4).
type Fmtp struct {
	// URL is the control URL to SETUP to receive the FEC packets, as written
	// (often relative: the caller resolves it like a media control URL,
	// [MS-RTSP] 2.2.5.2.1).
	URL string
	// Params are the default span values; BurstMargin is 1.
	Params Params
}

// Validate checks the ranges of [MS-RTSP] 2.2.6.11: FecSpan and FecPerSpan
// 1..0x18 with FecPerSpan ≤ FecSpan, FecBurstMargin 1..0xC, and
// (FecSpan−1)×FecBurstMargin at most 23. The spec allows 0x18 there, but the
// last source packet of a span then sits at Mask index 24, which the 24-bit
// Mask of 2.2.2.4 cannot hold; such a span could never be coded.
func (p Params) Validate() error {
	switch {
	case p.Span < 1 || p.Span > MaxSpan:
		return fmt.Errorf("%w: FecSpan %d not in 1..24", ErrParamRange, p.Span)
	case p.PerSpan < 1 || p.PerSpan > MaxSpan:
		return fmt.Errorf("%w: FecPerSpan %d not in 1..24", ErrParamRange, p.PerSpan)
	case p.PerSpan > p.Span:
		return fmt.Errorf("%w: FecPerSpan %d exceeds FecSpan %d", ErrParamRange, p.PerSpan, p.Span)
	case p.BurstMargin < 1 || p.BurstMargin > 12:
		return fmt.Errorf("%w: FecBurstMargin %d not in 1..12", ErrParamRange, p.BurstMargin)
	case (p.Span-1)*p.BurstMargin > MaxSpan-1:
		return fmt.Errorf("%w: (FecSpan−1)×FecBurstMargin = %d puts a span's last packet beyond Mask index 23",
			ErrParamRange, (p.Span-1)*p.BurstMargin)
	}
	return nil
}

// TotalSpan is FecSpan × FecBurstMargin: the source packets after which the
// server sends FecPerSpan × FecBurstMargin FEC packets ([MS-RTSP] 3.2.4.3).
func (p Params) TotalSpan() int { return p.Span * p.BurstMargin }

// QueueLimit is the RTP-Queue-Limit a client sets from a SETUP response that
// carries fec-parameters: FecSpan × FecBurstMargin + FecPerSpan
// ([MS-RTSP] 3.1.5.9).
func (p Params) QueueLimit() int { return p.Span*p.BurstMargin + p.PerSpan }

// TransportParams returns the fec-parameters element of a Transport header,
// in hex as [MS-RTSP] 2.2.6.11 writes it: ";FecSpan=4;FecPerSpan=1;FecBurstMargin=6".
func (p Params) TransportParams() string {
	return fmt.Sprintf(";FecSpan=%X;FecPerSpan=%X;FecBurstMargin=%X", p.Span, p.PerSpan, p.BurstMargin)
}

// ParseFmtp parses the format-specific parameters of the a=fmtp attribute of
// an x-wms-fec payload type: the text after "a=fmtp:<pt> ", which is
// URI-reference SP fecspan SP fecperspan, both numbers 1*2DIGIT in decimal
// ([MS-RTSP] 2.2.5.4), e.g. "audio/fec 24 1". fecspan and fecperspan must be
// 1..24 with fecperspan ≤ fecspan.
func ParseFmtp(s string) (Fmtp, error) {
	f := strings.Split(strings.TrimSpace(s), " ")
	if len(f) != 3 || f[0] == "" {
		return Fmtp{}, fmt.Errorf("%w: a=fmtp %q: want <URL> <fecspan> <fecperspan>", ErrSyntax, s)
	}
	span, err := parseDigits(f[1], 10, 2)
	if err != nil {
		return Fmtp{}, fmt.Errorf("a=fmtp %q: fecspan: %w", s, err)
	}
	per, err := parseDigits(f[2], 10, 2)
	if err != nil {
		return Fmtp{}, fmt.Errorf("a=fmtp %q: fecperspan: %w", s, err)
	}
	p := Params{Span: span, PerSpan: per, BurstMargin: 1}
	if err := p.Validate(); err != nil {
		return Fmtp{}, fmt.Errorf("a=fmtp %q: %w", s, err)
	}
	return Fmtp{URL: f[0], Params: p}, nil
}

// ParseTransportParams returns the fec-parameters of a Transport header value
// ([MS-RTSP] 2.2.6.11): ";FecSpan=" 1*2HEXDIG ";FecPerSpan=" 1*2HEXDIG
// ";FecBurstMargin=" HEXDIG, in hex. The value may hold several
// comma-separated transport-specs (a request offering alternatives); the
// first that has fec-parameters is used. Parameter names are matched without
// regard to case, as ABNF strings are. It returns an error wrapping
// ErrNoFECParams when no transport-spec has any of the three, ErrSyntax when
// one is missing, repeated or not hex of the right length, and ErrParamRange
// when the values break the ranges of Params.Validate.
func ParseTransportParams(transport string) (Params, error) {
	for _, spec := range strings.Split(transport, ",") {
		var vals [3]string
		var seen [3]bool
		found := false
		for _, param := range strings.Split(spec, ";") {
			name, val, _ := strings.Cut(strings.TrimSpace(param), "=")
			i := -1
			switch {
			case strings.EqualFold(name, "FecSpan"):
				i = 0
			case strings.EqualFold(name, "FecPerSpan"):
				i = 1
			case strings.EqualFold(name, "FecBurstMargin"):
				i = 2
			}
			if i < 0 {
				continue
			}
			if seen[i] {
				return Params{}, fmt.Errorf("%w: Transport %q: %s given twice", ErrSyntax, transport, name)
			}
			seen[i], vals[i], found = true, strings.TrimSpace(val), true
		}
		if !found {
			continue
		}
		if !seen[0] || !seen[1] || !seen[2] {
			return Params{}, fmt.Errorf("%w: Transport %q: fec-parameters need FecSpan, FecPerSpan and FecBurstMargin", ErrSyntax, transport)
		}
		span, err := parseDigits(vals[0], 16, 2)
		if err != nil {
			return Params{}, fmt.Errorf("Transport %q: FecSpan: %w", transport, err)
		}
		per, err := parseDigits(vals[1], 16, 2)
		if err != nil {
			return Params{}, fmt.Errorf("Transport %q: FecPerSpan: %w", transport, err)
		}
		burst, err := parseDigits(vals[2], 16, 1)
		if err != nil {
			return Params{}, fmt.Errorf("Transport %q: FecBurstMargin: %w", transport, err)
		}
		p := Params{Span: span, PerSpan: per, BurstMargin: burst}
		if err := p.Validate(); err != nil {
			return Params{}, fmt.Errorf("Transport %q: %w", transport, err)
		}
		return p, nil
	}
	return Params{}, fmt.Errorf("%w: %q", ErrNoFECParams, transport)
}

// parseDigits parses 1 to maxDigits digits of the base (10 or 16), nothing
// else: no sign, no space, no 0x.
func parseDigits(s string, base, maxDigits int) (int, error) {
	if len(s) == 0 || len(s) > maxDigits {
		return 0, fmt.Errorf("%w: %q is not 1 to %d digits", ErrSyntax, s, maxDigits)
	}
	for _, c := range []byte(s) {
		ok := c >= '0' && c <= '9'
		if base == 16 {
			ok = ok || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
		}
		if !ok {
			return 0, fmt.Errorf("%w: %q is not 1 to %d digits of base %d", ErrSyntax, s, maxDigits, base)
		}
	}
	v, err := strconv.ParseUint(s, base, 8)
	if err != nil {
		return 0, fmt.Errorf("%w: %q: %v", ErrSyntax, s, err)
	}
	return int(v), nil
}
