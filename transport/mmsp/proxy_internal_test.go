package mmsp

import (
	"errors"
	"net"
	"strconv"
	"testing"
)

// TestParseProxy: a proxy redirect's wszLocation (2.2.4.9) is an mms,
// mmsu or mmst URL, port 1755 by default; "" is no proxy; anything else
// is ErrProtocol.
func TestParseProxy(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"mms://proxy.example", "proxy.example:1755", true},
		{"mmst://proxy.example:8080", "proxy.example:8080", true},
		{"mmsu://[2001:db8::1]", "[2001:db8::1]:1755", true},
		{"", "", true},
		{"http://proxy.example", "", false},
		{"proxy.example:1755", "", false},
		{"mms://", "", false},
		{"mms://proxy:0", "", false},
		{"mms://proxy:65536", "", false},
		{"mms://proxy:x", "", false},
		{"mms://[fe80::1%25eth0]:8080", "[fe80::1%eth0]:8080", true},
		{"mms://a::1]:1", "", false}, // not a host: url.Parse takes it
		{"mms://bad%20host", "", false},
	} {
		got, err := parseProxy(c.in)
		if (err == nil) != c.ok || got != c.want || (err != nil && !errors.Is(err, ErrProtocol)) {
			t.Errorf("parseProxy(%q) = %q, %v; want %q, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

// FuzzParseProxy: a proxy redirect's location gives an error or a
// host:port with a port of 1 to 65535.
func FuzzParseProxy(f *testing.F) {
	for _, s := range []string{"mms://proxy.example", "mmst://p:8080", "", "http://x", "mms://[::1]:1", "mms://p:0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		hp, err := parseProxy(s)
		if err != nil || hp == "" {
			return
		}
		host, port, err := net.SplitHostPort(hp)
		n, perr := strconv.Atoi(port)
		if err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			t.Fatalf("parseProxy(%q) = %q", s, hp)
		}
	})
}
