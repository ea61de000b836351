package wmfec

import (
	"errors"
	"testing"
)

// fmtpCases are a=fmtp values of an x-wms-fec payload type (MS-RTSP 2.2.5.4:
// URI-reference SP fecspan SP fecperspan, decimal 1*2DIGIT, 1..24,
// fecperspan ≤ fecspan). The first is the spec's example "a=fmtp:98 audio/fec 24 1".
var fmtpCases = []struct {
	in   string
	want Fmtp
	err  error
}{
	{in: "audio/fec 24 1", want: Fmtp{URL: "audio/fec", Params: Params{Span: 24, PerSpan: 1, BurstMargin: 1}}},
	{in: "rtsp://myserver.com/mycontent.wmv/stream=5/fec98 4 1", want: Fmtp{URL: "rtsp://myserver.com/mycontent.wmv/stream=5/fec98", Params: Params{4, 1, 1}}},
	{in: "video/fec 10 3", want: Fmtp{URL: "video/fec", Params: Params{10, 3, 1}}},
	{in: "application/fec 1 1", want: Fmtp{URL: "application/fec", Params: Params{1, 1, 1}}},
	{in: "audio/fec 18 1", want: Fmtp{URL: "audio/fec", Params: Params{18, 1, 1}}}, // decimal, not hex
	{in: "audio/fec 24 24", want: Fmtp{URL: "audio/fec", Params: Params{24, 24, 1}}},
	{in: "audio/fec 25 1", err: ErrParamRange},
	{in: "audio/fec 4 5", err: ErrParamRange},
	{in: "audio/fec 0 0", err: ErrParamRange},
	{in: "audio/fec 4 0", err: ErrParamRange},
	{in: "audio/fec 024 1", err: ErrSyntax},
	{in: "audio/fec 1A 1", err: ErrSyntax},
	{in: "audio/fec +4 1", err: ErrSyntax},
	{in: "audio/fec 4", err: ErrSyntax},
	{in: "audio/fec 4 1 1", err: ErrSyntax},
	{in: "audio/fec  4 1", err: ErrSyntax},
	{in: "", err: ErrSyntax},
	{in: "98 audio/fec 24 1", err: ErrSyntax},
}

func TestParseFmtp(t *testing.T) {
	for _, c := range fmtpCases {
		got, err := ParseFmtp(c.in)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("ParseFmtp(%q) = %+v, %v; want %v", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseFmtp(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

// transportCases are Transport header values (MS-RTSP 2.2.6.11: ";FecSpan="
// 1*2HEXDIG ";FecPerSpan=" 1*2HEXDIG ";FecBurstMargin=" HEXDIG, in hex).
// The first is the SETUP response of 4.4.4.4, the second its request.
var transportCases = []struct {
	in   string
	want Params
	err  error
}{
	{in: "RTP/AVP/UDP;unicast;source=157.56.216.159;server_port=2410;client_port=2408;ssrc=3874dd27;mode=PLAY;FecSpan=4;FecPerSpan=1;FecBurstMargin=6",
		want: Params{4, 1, 6}},
	{in: "RTP/AVP/UDP;unicast;client_port=2408;ssrc=6dded651;mode=PLAY;FecSpan=4;FecPerSpan=1;FecBurstMargin=6, RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=6dded651;mode=PLAY",
		want: Params{4, 1, 6}},
	{in: "RTP/AVP/TCP;unicast;interleaved=0-1, RTP/AVP/UDP;unicast;client_port=2408;FecSpan=a;FecPerSpan=3;FecBurstMargin=2",
		want: Params{10, 3, 2}},
	{in: "RTP/AVP/UDP;unicast;client_port=5000;FecSpan=18;FecPerSpan=1;FecBurstMargin=1", want: Params{24, 1, 1}}, // hex 18 = 24
	{in: "RTP/AVP/UDP;unicast;client_port=5000;fecspan=0C;fecperspan=0C;fecburstmargin=2", want: Params{12, 12, 2}},
	{in: "RTP/AVP/UDP;unicast;client_port=5000;FecSpan=2;FecPerSpan=1;FecBurstMargin=C", want: Params{2, 1, 12}},
	{in: "RTP/AVP/UDP;unicast;client_port=5000;mode=PLAY", err: ErrNoFECParams},
	{in: "", err: ErrNoFECParams},
	{in: "RTP/AVP/UDP;unicast;FecSpan=4;FecPerSpan=1", err: ErrSyntax},
	{in: "RTP/AVP/UDP;unicast;FecSpan=4;FecPerSpan=1;FecBurstMargin=6;FecSpan=4", err: ErrSyntax},
	{in: "RTP/AVP/UDP;unicast;FecSpan=;FecPerSpan=1;FecBurstMargin=6", err: ErrSyntax},
	{in: "RTP/AVP/UDP;unicast;FecSpan=004;FecPerSpan=1;FecBurstMargin=6", err: ErrSyntax},
	{in: "RTP/AVP/UDP;unicast;FecSpan=4;FecPerSpan=1;FecBurstMargin=06", err: ErrSyntax},
	{in: "RTP/AVP/UDP;unicast;FecSpan=4;FecPerSpan=1;FecBurstMargin=g", err: ErrSyntax},
	{in: "RTP/AVP/UDP;unicast;FecSpan=-1;FecPerSpan=1;FecBurstMargin=1", err: ErrSyntax},
	{in: "RTP/AVP/UDP;unicast;FecSpan=19;FecPerSpan=1;FecBurstMargin=1", err: ErrParamRange},
	{in: "RTP/AVP/UDP;unicast;FecSpan=0;FecPerSpan=1;FecBurstMargin=1", err: ErrParamRange},
	{in: "RTP/AVP/UDP;unicast;FecSpan=4;FecPerSpan=5;FecBurstMargin=1", err: ErrParamRange},
	{in: "RTP/AVP/UDP;unicast;FecSpan=4;FecPerSpan=1;FecBurstMargin=D", err: ErrParamRange},
	{in: "RTP/AVP/UDP;unicast;FecSpan=1;FecPerSpan=1;FecBurstMargin=D", err: ErrParamRange}, // 13 > 0xC with no product to exceed
	{in: "RTP/AVP/UDP;unicast;FecSpan=1;FecPerSpan=1;FecBurstMargin=F", err: ErrParamRange},
	{in: "RTP/AVP/UDP;unicast;FecSpan=4;FecPerSpan=1;FecBurstMargin=0", err: ErrParamRange},
	// (FecSpan−1)×FecBurstMargin = 4×6 = 0x18: allowed by 2.2.6.11 but the
	// last packet would need Mask index 24.
	{in: "RTP/AVP/UDP;unicast;FecSpan=5;FecPerSpan=1;FecBurstMargin=6", err: ErrParamRange},
}

func TestParseTransportParams(t *testing.T) {
	for _, c := range transportCases {
		got, err := ParseTransportParams(c.in)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("ParseTransportParams(%q) = %+v, %v; want %v", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseTransportParams(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

// TestQueueLimit: MS-RTSP 3.1.5.9 sets RTP-Queue-Limit to FecSpan ×
// FecBurstMargin + FecPerSpan; for the 4.4.4.4 response that is 25.
func TestQueueLimit(t *testing.T) {
	p, err := ParseTransportParams(transportCases[0].in)
	if err != nil {
		t.Fatal(err)
	}
	if p.QueueLimit() != 25 || p.TotalSpan() != 24 {
		t.Errorf("QueueLimit %d TotalSpan %d, want 25 24", p.QueueLimit(), p.TotalSpan())
	}
	if q := (Params{24, 24, 1}).QueueLimit(); q != 48 {
		t.Errorf("largest queue limit %d, want 48", q)
	}
}

// TestTransportParamsHex: the Transport form is hex (MS-RTSP 2.2.6.11), so
// a span of 24 is written 18 and a burst margin of 12 is C.
func TestTransportParamsHex(t *testing.T) {
	if got := (Params{24, 1, 1}).TransportParams(); got != ";FecSpan=18;FecPerSpan=1;FecBurstMargin=1" {
		t.Errorf("got %q", got)
	}
	if got := (Params{2, 1, 12}).TransportParams(); got != ";FecSpan=2;FecPerSpan=1;FecBurstMargin=C" {
		t.Errorf("got %q", got)
	}
}

// FuzzParams: neither parser panics; what parses is within the ranges, and
// the Transport form of parsed parameters parses back to them.
func FuzzParams(f *testing.F) {
	for _, c := range fmtpCases {
		f.Add(c.in)
	}
	for _, c := range transportCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		check := func(p Params) {
			if err := p.Validate(); err != nil {
				t.Fatalf("parsed %+v from %q: %v", p, s, err)
			}
			back, err := ParseTransportParams("RTP/AVP/UDP;unicast;client_port=1" + p.TransportParams())
			if err != nil || back != p {
				t.Fatalf("%+v -> %q -> %+v, %v", p, p.TransportParams(), back, err)
			}
		}
		if fm, err := ParseFmtp(s); err == nil {
			if fm.Params.BurstMargin != 1 || fm.URL == "" {
				t.Fatalf("ParseFmtp(%q) = %+v", s, fm)
			}
			check(fm.Params)
		}
		if p, err := ParseTransportParams(s); err == nil {
			check(p)
		}
	})
}

func TestValidate(t *testing.T) {
	ok := []Params{{1, 1, 1}, {24, 24, 1}, {24, 1, 1}, {2, 1, 12}, {3, 1, 11}, {4, 1, 7}, {5, 2, 5}}
	for _, p := range ok {
		if err := p.Validate(); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
	bad := []Params{{}, {0, 1, 1}, {25, 1, 1}, {4, 0, 1}, {4, 5, 1}, {4, 25, 1}, {4, 1, 0}, {4, 1, 13}, {1, 1, 13}, {3, 1, 12}, {5, 1, 6}, {24, 1, 2}}
	for _, p := range bad {
		if err := p.Validate(); !errors.Is(err, ErrParamRange) {
			t.Errorf("%+v: %v", p, err)
		}
	}
}
