package wmsdp

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/asf"
	"github.com/pion/sdp/v3"
)

// fuzzBase is the base URL FuzzParse resolves against.
var fuzzBase = mustURL("rtsp://h/test/")

// FuzzParse: whatever the body, Parse ends with a fatal error of this
// package or a Description whose every promise holds.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases() {
		f.Add([]byte(c.body))
	}
	for _, c := range errorCases() {
		if len(c.body) < 1<<16 {
			f.Add([]byte(c.body))
		}
	}
	for _, c := range ignoredCases() {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := Parse(body, fuzzBase)
		if err != nil {
			for _, fatal := range []error{ErrTooLarge, ErrSyntax, ErrNoHeader, ErrBadHeader, ErrBadControl, ErrNoASFMedia} {
				if errors.Is(err, fatal) {
					return
				}
			}
			t.Fatalf("error wraps no sentinel: %v", err)
		}
		checkDescription(t, d)
	})
}

// checkDescription checks what Parse promises of a Description it returns.
func checkDescription(t *testing.T, d *Description) {
	t.Helper()
	checkURL := func(what, s, scheme, host string) {
		if (scheme != "rtsp" && scheme != "rtspu" && scheme != "rtspt") || host == "" {
			t.Fatalf("%s %q is not an RTSP URL with a host", what, s)
		}
	}
	if d.Control == nil {
		t.Fatal("no aggregate control URL")
	}
	checkURL("Control", d.Control.String(), d.Control.Scheme, d.Control.Host)
	if d.ASF == nil || len(d.Header) == 0 || len(d.Header) > MaxHeaderSize {
		t.Fatalf("header: %d bytes, parsed %v", len(d.Header), d.ASF != nil)
	}
	if d.MaxPacketSize > asf.MaxPacketSize {
		t.Fatalf("MaxPacketSize %d", d.MaxPacketSize)
	}
	if len(d.Ignored) > maxIgnored || d.IgnoredCount < len(d.Ignored) {
		t.Fatalf("Ignored %d, IgnoredCount %d", len(d.Ignored), d.IgnoredCount)
	}
	for _, e := range d.Ignored {
		if !errors.Is(e, ErrInvalidMedia) && !errors.Is(e, ErrInvalidAttribute) {
			t.Fatalf("ignored %v wraps neither sentinel", e)
		}
	}
	checkBW := func(b Bandwidth) {
		for _, v := range []int64{b.AS, b.RS, b.RR, b.XAV} {
			if v < -1 || v > MaxKbps {
				t.Fatalf("bandwidth %+v", b)
			}
		}
	}
	checkBW(d.Bandwidth)
	asfMedia := d.ASFMedia()
	if len(asfMedia) == 0 || len(d.Media) > MaxMedia {
		t.Fatalf("%d ASF media of %d", len(asfMedia), len(d.Media))
	}
	seen := map[uint32]bool{}
	for _, m := range d.Media {
		checkBW(m.Bandwidth)
		if m.Role == RoleOther {
			continue
		}
		if m.Control == nil {
			t.Fatalf("media %d has no control URL", m.Index)
		}
		checkURL("media control", m.Control.String(), m.Control.Scheme, m.Control.Host)
		if f := m.format(m.PayloadType); f == nil || f.ClockRate != ClockRate {
			t.Fatalf("media %d payload type %d: %+v", m.Index, m.PayloadType, f)
		}
		switch {
		case m.Role == RoleASF && m.Stream == 0:
			if len(asfMedia) != 1 {
				t.Fatalf("stream 0 among %d ASF media", len(asfMedia))
			}
		case m.Role == RoleASF:
			if m.Stream > 127 || d.ASF.Stream(uint8(m.Stream)) == nil {
				t.Fatalf("a=stream:%d not in the header", m.Stream)
			}
		case m.Role == RoleRetransmission && m.Stream != 0:
			if m.Stream < MinRTXStream || m.Stream > MaxRTXStream {
				t.Fatalf("retransmission a=stream:%d", m.Stream)
			}
		}
		if m.Stream != 0 {
			if seen[m.Stream] {
				t.Fatalf("a=stream:%d twice", m.Stream)
			}
			seen[m.Stream] = true
		}
		if m.FEC != nil {
			if m.Role != RoleASF || m.FEC.Control == nil {
				t.Fatalf("FEC %+v on %v", m.FEC, m.Role)
			}
			checkURL("FEC control", m.FEC.Control.String(), m.FEC.Control.Scheme, m.FEC.Control.Host)
		}
	}
}

// FuzzNormalise: Normalise ends with ErrSyntax or ErrTooLarge, or with a
// body of CRLF-terminated "<letter>=" lines starting with v= and holding a
// t= line, which it leaves unchanged when given again, no longer than the
// input plus a line end per line and one t= line, and which pion can be
// handed without panicking.
func FuzzNormalise(f *testing.F) {
	for _, c := range normaliseCases() {
		f.Add([]byte(c.in))
	}
	for _, c := range parseCases() {
		f.Add([]byte(c.body))
	}
	f.Add([]byte("v=0\nx=1\n"))
	f.Add([]byte("v=0\r\no=- 1 1 IN IP4 h\r\ns=\r\nm=audio 0 RTP/AVP 96\r\nt=0 0\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Normalise(in)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		if !bytes.HasPrefix(out, []byte("v=")) || !bytes.HasSuffix(out, []byte("\r\n")) {
			t.Fatalf("output %q", clip(out))
		}
		lines := strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n")
		if len(lines) > MaxLines+1 {
			t.Fatalf("%d lines", len(lines))
		}
		haveT := false
		for _, l := range lines {
			if len(l) < 2 || l[1] != '=' || strings.ContainsAny(l, "\r\n") || strings.TrimRight(l, " \t") != l {
				t.Fatalf("line %q", l)
			}
			haveT = haveT || l[0] == 't'
		}
		if !haveT {
			t.Fatal("no t= line")
		}
		if len(out) > len(in)+2*len(lines)+len("t=0 0\r\n") {
			t.Fatalf("%d bytes out of %d", len(out), len(in))
		}
		again, err := Normalise(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %v", err)
		}
		var sd sdp.SessionDescription
		_ = sd.Unmarshal(out) // must not panic; the result is Parse's business
	})
}
