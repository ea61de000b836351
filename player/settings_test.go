package player

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// TestConfigure: the user's preferences reach the next Open's dial (the
// connection speed and the play-log choice in transport.Config) and its
// buffer target.
func TestConfigure(t *testing.T) {
	dialed := make(chan transport.Config, 2)
	sess := newFakeSession(1)
	h := newHarness(t, sess, func(c *Config) {
		c.Transports.Register("cfg", transport.MatchSchemes("cfg"), transport.DialerFunc(
			func(_ context.Context, _ string, cfg transport.Config) (transport.Session, error) {
				dialed <- cfg
				return newFakeSession(1), nil
			}))
	})
	h.p.Configure(Settings{BufferTarget: 3 * time.Second, Bandwidth: 256_000, NoPlayLogs: true, NoUDP: true, NoHTTP: true})
	h.p.Open("cfg://a")
	cfg := <-dialed
	if cfg.Bandwidth != 256_000 || !cfg.NoPlayLogs || cfg.BufferTarget != 3*time.Second || !cfg.NoUDP || cfg.NoTCP || !cfg.NoHTTP {
		t.Errorf("the dial got %+v", cfg)
	}
	h.waitState(Ended)
	proxy, _ := url.Parse("http://proxy.example:3128")
	h.p.Configure(Settings{Proxy: proxy})
	h.p.Open("cfg://p")
	cfg = <-dialed
	tr, ok := cfg.HTTPClient.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("with a proxy, the dial's HTTP client is %+v", cfg.HTTPClient)
	}
	req, _ := http.NewRequest("GET", "http://media.example/x.asf", nil)
	if got, err := tr.Proxy(req); err != nil || got.String() != "http://proxy.example:3128" {
		t.Errorf("the HTTP client's proxy is %v, %v", got, err)
	}
	h.waitState(Ended)
	h.p.Configure(Settings{})
	h.p.Open("cfg://b")
	cfg = <-dialed
	if cfg.Bandwidth != 0 || cfg.NoPlayLogs || cfg.BufferTarget != 0 || cfg.NoUDP || cfg.NoHTTP || cfg.HTTPClient != nil {
		t.Errorf("after the defaults again, the dial got %+v", cfg)
	}
	h.waitState(Ended)
}

// TestConfigureUDPPorts: the UDP port range of the preferences reaches the
// next Open's dial as transport.Config.UDPPorts, the zero range (any port)
// too; a range the transports cannot use (First > Last, First 0) is
// refused with a Warning, and the dial gets any port.
func TestConfigureUDPPorts(t *testing.T) {
	dialed := make(chan transport.Config, 4)
	h := newHarness(t, newFakeSession(1), func(c *Config) {
		c.Transports.Register("cfg", transport.MatchSchemes("cfg"), transport.DialerFunc(
			func(_ context.Context, _ string, cfg transport.Config) (transport.Session, error) {
				dialed <- cfg
				return newFakeSession(1), nil
			}))
	})
	open := func(s Settings, warned bool) transport.Config {
		t.Helper()
		h.p.Configure(s)
		if warned {
			// Configure's Warning comes before the Open's events.
			ev := h.waitFor("the warning", func(ev Event) bool { return ev.Kind == Warning })
			if ev.Err == nil || !strings.Contains(ev.Err.Error(), "UDP ports") {
				t.Errorf("the warning for %+v: %v", s.UDPPorts, ev.Err)
			}
		}
		h.p.Open("cfg://a")
		cfg := <-dialed
		h.waitState(Ended)
		return cfg
	}
	if got := open(Settings{UDPPorts: transport.PortRange{First: 7000, Last: 7009}}, false); got.UDPPorts != (transport.PortRange{First: 7000, Last: 7009}) {
		t.Errorf("the dial got UDP ports %+v, want 7000-7009", got.UDPPorts)
	}
	if got := open(Settings{}, false); !got.UDPPorts.IsZero() {
		t.Errorf("after any port again, the dial got %+v", got.UDPPorts)
	}
	for _, bad := range []transport.PortRange{{First: 7009, Last: 7000}, {First: 0, Last: 7000}} {
		if got := open(Settings{UDPPorts: bad}, true); !got.UDPPorts.IsZero() {
			t.Errorf("the range %+v reached the dial as %+v", bad, got.UDPPorts)
		}
	}
}
