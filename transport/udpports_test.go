package transport

import (
	"errors"
	"net"
	"reflect"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport/internal/porttest"
)

func TestParsePortRange(t *testing.T) {
	for _, c := range []struct {
		in   string
		want PortRange
		ok   bool
	}{
		{"7000-7010", PortRange{7000, 7010}, true},
		{"7000", PortRange{7000, 7000}, true},
		{"1-65535", PortRange{1, 65535}, true},
		{"7000-7000", PortRange{7000, 7000}, true},
		{"07000-07001", PortRange{7000, 7001}, true},
		{"", PortRange{}, false},
		{"-", PortRange{}, false},
		{"7010-7000", PortRange{}, false},
		{"0-10", PortRange{}, false},
		{"7000-65536", PortRange{}, false},
		{"7000-", PortRange{}, false},
		{"-7000", PortRange{}, false},
		{" 7000-7010", PortRange{}, false},
		{"7000 - 7010", PortRange{}, false},
		{"+7000-7010", PortRange{}, false},
		{"7000-7010-7020", PortRange{}, false},
		{"7000:7010", PortRange{}, false},
		{"99999999999999999999-1", PortRange{}, false},
		{"0x10-0x20", PortRange{}, false},
	} {
		got, err := ParsePortRange(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParsePortRange(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
		// String gives back what ParsePortRange reads.
		if back, err := ParsePortRange(got.String()); c.ok && (err != nil || back != got) {
			t.Errorf("ParsePortRange(%q) = %v, %v; want %v", got.String(), back, err, got)
		}
	}
}

func TestPortCandidates(t *testing.T) {
	for _, c := range []struct {
		r    PortRange
		pair bool
		want []int
	}{
		{PortRange{}, false, nil},
		{PortRange{}, true, nil},
		{PortRange{7000, 7003}, false, []int{7000, 7001, 7002, 7003}},
		{PortRange{7000, 7003}, true, []int{7000, 7002}},
		// An odd first port is skipped, and an even last port has no
		// next in the range.
		{PortRange{7001, 7006}, true, []int{7002, 7004}},
		{PortRange{7000, 7000}, true, nil},
		{PortRange{7001, 7002}, true, nil},
		{PortRange{7000, 7000}, false, []int{7000}},
		// The top of the port space: 65534 and 65535 are a pair; no
		// overflow past 65535.
		{PortRange{65533, 65535}, true, []int{65534}},
		{PortRange{65534, 65535}, false, []int{65534, 65535}},
		// Invalid ranges give none.
		{PortRange{7010, 7000}, false, nil},
		{PortRange{0, 5}, false, nil},
	} {
		if got := PortCandidates(c.r, c.pair); !reflect.DeepEqual(got, c.want) {
			t.Errorf("PortCandidates(%v, %v) = %v, want %v", c.r, c.pair, got, c.want)
		}
	}
}

var loopback = net.IPv4(127, 0, 0, 1)

// TestListenUDPTakesAFreePortOfTheRange: the port taken is the range's
// first free one, not any port the system gives; a range all taken is
// ErrNoFreeUDPPort with the range in the message.
func TestListenUDPTakesAFreePortOfTheRange(t *testing.T) {
	p, release := porttest.Hold(t, 2, false)
	release(1)
	r := PortRange{uint16(p), uint16(p + 1)}
	c, err := ListenUDP(loopback, r)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.LocalAddr().(*net.UDPAddr).Port; got != p+1 {
		t.Errorf("port %d, want %d (the free one of %v)", got, p+1, r)
	}
	// Now the whole range is taken.
	_, err = ListenUDP(loopback, r)
	c.Close()
	if !errors.Is(err, ErrNoFreeUDPPort) || !strings.Contains(err.Error(), r.String()) {
		t.Errorf("full range: %v, want ErrNoFreeUDPPort naming %s", err, r)
	}
	// Unset: any port.
	c, err = ListenUDP(loopback, PortRange{})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := ListenUDP(loopback, PortRange{9, 3}); !errors.Is(err, ErrNoFreeUDPPort) {
		t.Errorf("reversed range: %v", err)
	}
}

// TestListenUDPPairTakesAnEvenPairOfTheRange: with the range's first even
// port taken, the pair is the next even port and the one after it.
func TestListenUDPPairTakesAnEvenPairOfTheRange(t *testing.T) {
	p, release := porttest.Hold(t, 4, true)
	release(1)
	release(2)
	release(3)
	r := PortRange{uint16(p), uint16(p + 3)}
	a, b, err := ListenUDPPair(loopback, r)
	if err != nil {
		t.Fatal(err)
	}
	pa, pb := a.LocalAddr().(*net.UDPAddr).Port, b.LocalAddr().(*net.UDPAddr).Port
	if pa != p+2 || pb != p+3 {
		t.Errorf("pair %d/%d, want %d/%d", pa, pb, p+2, p+3)
	}
	_, _, err = ListenUDPPair(loopback, r)
	a.Close()
	b.Close()
	if !errors.Is(err, ErrNoFreeUDPPort) || !strings.Contains(err.Error(), r.String()) {
		t.Errorf("full range: %v, want ErrNoFreeUDPPort naming %s", err, r)
	}
	// A range with no even port and its next cannot hold a pair.
	if _, _, err := ListenUDPPair(loopback, PortRange{uint16(p + 1), uint16(p + 2)}); !errors.Is(err, ErrNoFreeUDPPort) {
		t.Errorf("odd-even range: %v", err)
	}
	a, b, err = ListenUDPPair(loopback, PortRange{})
	if err != nil {
		t.Fatal(err)
	}
	if pa, pb := a.LocalAddr().(*net.UDPAddr).Port, b.LocalAddr().(*net.UDPAddr).Port; pa%2 != 0 || pb != pa+1 {
		t.Errorf("any pair: %d/%d", pa, pb)
	}
	a.Close()
	b.Close()
}

// FuzzParsePortRange: whatever it is given, ParsePortRange either fails
// or returns a valid range that String gives back.
func FuzzParsePortRange(f *testing.F) {
	for _, s := range []string{"7000-7010", "7000", "1-65535", "7010-7000", "0-10", "7000-", " 7000", "99999999999999999999-1", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParsePortRange(s)
		if err != nil {
			if r != (PortRange{}) {
				t.Fatalf("%q: %v with range %v", s, err, r)
			}
			return
		}
		if !r.Valid() || r.IsZero() || r.First == 0 {
			t.Fatalf("%q: invalid range %v", s, r)
		}
		if back, err := ParsePortRange(r.String()); err != nil || back != r {
			t.Fatalf("%q: %v does not read back (%v, %v)", s, r, back, err)
		}
		if n := len(PortCandidates(r, false)); n != int(r.Last)-int(r.First)+1 {
			t.Fatalf("%v: %d candidates", r, n)
		}
	})
}
