// Package wiring builds what both of Eddy's programs share: the transport
// and decoder registries, the persistent client identity, and the sound
// output with its silent fallback.
package wiring

import (
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/player/decoder/lavc"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/msb"
	"github.com/eddyplayer/eddy/transport/progressive"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/smooth"
)

// DemoScheme is the URL scheme of the built-in demo ("demo:").
const DemoScheme = "demo"

// Options tune the protocol clients.
type Options struct {
	// NoFastStart turns MS-WMSP fast start (AccelBW, startup profile) and
	// MS-MMSP's (dwAccelBandwidth) off.
	NoFastStart bool
}

// Transports returns the registry of every protocol Eddy speaks, with the
// default options. demo, when not nil, is served under the demo: scheme.
func Transports(demo []byte) *transport.Registry { return TransportsWith(demo, Options{}) }

// TransportsWith is Transports with options.
func TransportsWith(demo []byte, o Options) *transport.Registry {
	r := transport.NewRegistry()
	if demo != nil {
		r.Register("demo", transport.MatchSchemes(DemoScheme), progressive.MemoryDialer{Data: demo, Protocol: "demo"})
	}
	// .nsc stations before the file and HTTP dialers, which would take
	// their URLs; the station's unicast rollover goes through the
	// registry, so mms:// there rolls over as everywhere.
	r.Register("msb", msb.Match, &msb.Dialer{Fallback: r, PlayerVersion: Version})
	r.Register("file", progressive.MatchFile, progressive.FileDialer{})
	// Smooth Streaming manifests (…/Manifest) before plain HTTP.
	r.Register("smooth", smooth.Match, &smooth.Dialer{})
	r.Register("http", progressive.MatchHTTP, progressive.HTTPDialer{})
	md := &mmsh.Dialer{PlayerVersion: Version, Language: Language(), DisableFastStart: o.NoFastStart}
	rd := &rtsp.Dialer{Language: Language()}
	pd := &mmsp.Dialer{PlayerVersion: Version, Language: Language(), DisableFastStart: o.NoFastStart}
	r.Register("rtsp", rtsp.Match, rd)
	mmsp.Register(r, pd)
	// mms:// as Windows Media Player opens it (MS-MSSOD 2.3), with RTSP
	// and MMS clients of its own that give up on a port that drops the
	// connection and on a silent MMS server sooner.
	connect := (&net.Dialer{Timeout: RolloverConnectTimeout}).DialContext
	rrd := &rtsp.Dialer{Language: Language(), DialContext: connect}
	rpd := &mmsp.Dialer{PlayerVersion: Version, Language: Language(), DisableFastStart: o.NoFastStart,
		ConnectTimeout: RolloverConnectTimeout, DialContext: connect}
	r.Register("mms", transport.MatchSchemes("mms"), MMSRollover(rrd, rpd, md))
	mmsh.Register(r, md)
	return r
}

// MMSRollover is the mms:// rollover of Windows Media Player's reader
// (WMF SDK: RTSPU, RTSPT, MMSU, MMST, HTTP) in three steps, each of which
// moves from UDP to TCP itself: RTSP (RTP over UDP, then interleaved when
// the Firewall time passes without UDP), MMS (data over UDP, then over
// TCP when the server refuses UDP or none arrives within the Header
// timer's retries; an answer that is no MMS at all goes straight to the
// next step, which MMST would not change), then MMS over HTTP. What
// worked is remembered per host.
func MMSRollover(rd, pd, md transport.Dialer) *transport.Rollover {
	return &transport.Rollover{Steps: []transport.RolloverStep{
		{Scheme: "rtsp", Dialer: rd}, {Scheme: "mmsu", Dialer: pd}, {Scheme: "mmsh", Dialer: md},
	}}
}

// RolloverConnectTimeout bounds, in the mms:// rollover, the RTSP and MMS
// steps' TCP connections (a firewall that drops rather than refuses
// connections to ports 554 and 1755 is common) and the MMS step's wait for
// the server's answer to its first message (mmsp.Dialer.ConnectTimeout): a
// working MMS server answers at once, but an HTTP server on the URL's port
// (VLC's MMSH output, Windows Media Encoder's HTTP port) never does.
// Without it, each cost the whole network timeout (15 s) before MMS over
// HTTP was tried. Four seconds leave room for a lost SYN's retransmission
// (after 1 s and 3 s) and a congested link's round trip.
const RolloverConnectTimeout = 4 * time.Second

// Version is Eddy's version, reported in play logs and the User-Agent.
const Version = "0.1.0"

// Language is the user's language tag from the environment ("en-US"),
// for servers' logs and language-dependent stream choice.
func Language() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		l, _, _ := strings.Cut(os.Getenv(v), ".")
		l, _, _ = strings.Cut(l, "@")
		if l == "" || l == "C" || l == "POSIX" {
			continue // C.UTF-8 is no language either
		}
		return strings.ReplaceAll(l, "_", "-")
	}
	return "en-US"
}

// Decoders returns the decoder registry: the pure-Go decoders (PCM, MP3),
// then libavcodec for everything else (WMA, WMV, AAC, ...) and for MP3 and
// MPEG audio too, so that they decode sample for sample like FFmpeg; the
// pure-Go MP3 decoder (go-mp3) stays for builds without cgo, and for a
// libavcodec without an MP3 decoder. A build without cgo names what it
// lacks in its errors.
func Decoders() *decoder.Registry {
	r := decoder.NewRegistry()
	decoder.RegisterBuiltin(r)
	lavc.Register(r)
	return r
}

var guidRE = regexp.MustCompile(`^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$`)

// ClientID returns this installation's client GUID (MS-WMSP xClientGUID,
// 2.2.1.4.33), creating and storing it on first use under the user's
// configuration directory. When it cannot be stored, a fresh one is
// returned (and used for this run only).
func ClientID() string {
	dir, err := os.UserConfigDir()
	if err == nil {
		path := filepath.Join(dir, "eddy", "client-guid")
		if b, err := os.ReadFile(path); err == nil {
			if id := strings.TrimSpace(string(b)); guidRE.MatchString(id) {
				return id
			}
		}
		id := NewGUID()
		if os.MkdirAll(filepath.Dir(path), 0o700) == nil && os.WriteFile(path, []byte(id+"\n"), 0o600) == nil {
			return id
		}
		return id
	}
	return NewGUID()
}

// NewGUID returns a random (version 4) GUID in registry format with braces.
func NewGUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("{%08X-%04X-%04X-%04X-%012X}", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
