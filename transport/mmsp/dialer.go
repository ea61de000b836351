package mmsp

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/auth"
)

// Dialer opens mmst:// (data over TCP) and mmsu:// (data over UDP, the
// control connection over TCP) URLs. mmsu:// falls back to TCP on the same
// control connection when the server refuses the UDP funnel (3.1.5.5), and
// on a new one when no UDP data arrives: the Header timer expired more
// than its retry limit (3.1.6.1), or no data packet came within the
// Header timer after the server started playing.
type Dialer struct {
	// PlayerVersion is reported in play logs (qwClientVersion).
	PlayerVersion string
	// Language is the user's language tag (szLang), e.g. "en-US".
	Language string
	// UDPOnly makes mmsu:// fail instead of falling back to TCP, for a
	// rollover whose next step is MMST.
	UDPOnly bool
	// HeaderTimeout is the Header timer's base (3.1.2, 3.1.5.9.1: 1 s
	// plus the header's transfer time at the content's bit rate); 0
	// means 1 s.
	HeaderTimeout time.Duration
	// DisablePacketPair asks for no packet-pair bandwidth measurement
	// (MMS_DISABLE_PACKET_PAIR in LinkViewerToMacConnect, 3.1.4.1.1).
	// By default the client asks for it: over UDP the two packet-pair
	// Data packets (3.1.5.11), over TCP the three ReportFunnelInfo
	// (3.1.5.4); the estimate is Stats().BandwidthBps.
	DisablePacketPair bool
	// DisableFastStart sends StartPlaying without dwAccelBandwidth,
	// dwAccelDuration and dwLinkBandwidth (2.2.4.25); by default a server
	// of version 9 or later is asked for fast start (3.1.4.2.1).
	DisableFastStart bool
	// ConnectTimeout bounds the wait for the answer to the first message
	// (LinkMacToViewerReportConnectedEX to LinkViewerToMacConnect,
	// 3.1.4.1.1), which a working server sends at once; 0 means
	// Config.Timeout. The mms:// rollover sets it short: a server on an
	// HTTP port (mms://host:8080/ to a VLC or Windows Media Encoder
	// stream) takes the message for the start of an HTTP request line
	// and waits for the rest, which would hold the rollover's next step,
	// MMS over HTTP, for the whole network timeout.
	ConnectTimeout time.Duration
	// DialContext opens the TCP connection; nil uses net.Dialer.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)

	mu sync.Mutex
	// tcpHosts are the hosts whose UDP data did not come: mmsu:// to
	// them goes over TCP at once for the life of the Dialer (the
	// player's run), as Windows Media Player remembers the protocol that
	// worked.
	tcpHosts map[string]bool
}

// Match accepts mmst:// and mmsu:// URLs.
func Match(u *url.URL) bool { return u.Scheme == "mmst" || u.Scheme == "mmsu" }

// Register adds d to r for mmst:// and mmsu://.
func Register(r *transport.Registry, d *Dialer) { r.Register("mmsp", Match, d) }

// Errors a caller can test with errors.Is.
var (
	// ErrUDPBlocked: no UDP data reached the client (a firewall, most
	// likely) or the server refused to send over UDP.
	ErrUDPBlocked = errors.New("no media arrived over UDP; a firewall probably blocks it")
	// ErrTimeout: the server stopped answering.
	ErrTimeout = errors.New("server stopped answering")
	// ErrProtocol: the server broke the protocol's sequence (3.1).
	ErrProtocol = errors.New("MMS protocol error")
)

// retryLimit is the Header timer's retry limit (3.1.6.1).
const retryLimit = 4

// Dial implements transport.Dialer.
func (d *Dialer) Dial(ctx context.Context, raw string, cfg transport.Config) (transport.Session, error) {
	u, err := url.Parse(raw)
	if err != nil || !Match(u) || u.Host == "" {
		return nil, fmt.Errorf("%w: %q", transport.ErrUnsupportedURL, raw)
	}
	udp := u.Scheme == "mmsu"
	host := strings.ToLower(u.Hostname())
	d.mu.Lock()
	if d.tcpHosts[host] && !d.UDPOnly && !cfg.NoTCP {
		udp = false
	}
	d.mu.Unlock()
	// The user's protocol choices (Config.NoUDP, NoTCP): data over TCP
	// when UDP is off, no fall back to TCP when TCP is.
	switch {
	case cfg.NoUDP && cfg.NoTCP:
		return nil, fmt.Errorf("mmsp: %w: UDP and TCP", transport.ErrProtocolOff)
	case cfg.NoUDP:
		udp = false
	case cfg.NoTCP && !udp:
		return nil, fmt.Errorf("mmsp: %w: TCP (%s)", transport.ErrProtocolOff, u.Scheme)
	}
	s, err := d.open(ctx, raw, u, cfg, udp)
	if err != nil && udp && !d.UDPOnly && !cfg.NoTCP && errors.Is(err, ErrUDPBlocked) && ctx.Err() == nil {
		s, err = d.open(ctx, raw, u, cfg, false)
		if err == nil {
			s.stats.reconnects.Add(1)
			d.mu.Lock()
			if d.tcpHosts == nil {
				d.tcpHosts = map[string]bool{}
			}
			d.tcpHosts[host] = true
			d.mu.Unlock()
		}
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// hostPort is the URL's host with port 1755 when it names none (2.1).
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	return net.JoinHostPort(u.Hostname(), strconv.Itoa(DefaultPort))
}

// fileName is the OpenFile fileName: the URL's path without its leading
// slash and not percent-encoded, with the query when there is one
// (servers put tokens there) (2.2.4.21).
func fileName(u *url.URL) string {
	p := strings.TrimPrefix(u.Path, "/")
	if u.RawQuery != "" {
		if q, err := url.PathUnescape(u.RawQuery); err == nil {
			p += "?" + q
		} else {
			p += "?" + u.RawQuery
		}
	}
	return p
}

func newGUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0F | 0x40
	b[8] = b[8]&0x3F | 0x80
	return fmt.Sprintf("{%X-%X-%X-%X-%X}", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// clientGUID is the client-guid of subscriberName, Config.ClientID when
// it is one.
func clientGUID(id string) string {
	if len(id) == 38 && id[0] == '{' && id[37] == '}' {
		return strings.ToUpper(id)
	}
	return newGUID()
}

// maxRedirects bounds the ReportRedirect messages one Dial follows
// itself (proxy redirects, and URL redirects while a proxy is used).
const maxRedirects = 5

// proxyRedirect is a ReportRedirect the client follows itself (3.1.5.7):
// RedirectType 2, to the MMS proxy at proxy (host:port) or, when proxy is
// "", straight to the server; or RedirectType 1 while a proxy is used, to
// location through the same proxy.
type proxyRedirect struct {
	proxy    string
	location *url.URL
}

func (r *proxyRedirect) Error() string {
	if r.location != nil {
		return fmt.Sprintf("redirected to %s through the MMS proxy %s", r.location.Redacted(), r.proxy)
	}
	if r.proxy == "" {
		return "redirected to connect without the MMS proxy"
	}
	return "redirected to the MMS proxy " + r.proxy
}

// parseProxy reads a proxy redirect's wszLocation (2.2.4.9): an mms,
// mmsu or mmst URL naming the proxy, port 1755 when it names none; ""
// (no proxy) for an empty string.
func parseProxy(loc string) (string, error) {
	if loc == "" {
		return "", nil
	}
	u, err := url.Parse(loc)
	if err != nil || u.Hostname() == "" || (u.Scheme != "mms" && u.Scheme != "mmsu" && u.Scheme != "mmst") {
		return "", fmt.Errorf("%w: a proxy redirect to %q, not an mms, mmsu or mmst URL (2.2.4.9)", ErrProtocol, loc)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("%w: a proxy redirect to %q: port %q", ErrProtocol, loc, p)
		}
	}
	hp := hostPort(u)
	if host, _, err := net.SplitHostPort(hp); err != nil || !validHost(host) {
		return "", fmt.Errorf("%w: a proxy redirect to %q: no host to connect to", ErrProtocol, loc)
	}
	return hp, nil
}

// validHost reports whether host, from a server's message, can be a host
// to connect to: an IP address (IPv6 the only kind with a colon), or a
// name without spaces, controls or URL delimiters.
func validHost(host string) bool {
	if strings.Contains(host, ":") {
		_, err := netip.ParseAddr(host)
		return err == nil
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; c <= ' ' || c == 0x7f || strings.IndexByte("[]/\\@?#%", c) >= 0 {
			return false
		}
	}
	return host != ""
}

// open runs the sequence of 3.1 up to the ASF file header (state READY),
// following the redirects 3.1.5.7 has the client follow itself: to an
// MMS proxy and back (RedirectType 2), and to another URL while a proxy
// is used (RedirectType 1 through the proxy; without one a
// *transport.RedirectError goes to the caller, which opens the URL with
// whatever protocol it names). At most maxRedirects; the same redirect
// from the same place twice (server → proxy → server → proxy) is a loop,
// an error.
func (d *Dialer) open(ctx context.Context, raw string, u *url.URL, cfg transport.Config, udp bool) (*session, error) {
	proxy := ""
	seen := map[string]bool{}
	// 3.1.4.1.1: the same client-guid in every Connect of the session.
	guid := clientGUID(cfg.ClientID)
	for hops := 1; ; hops++ {
		s, err := d.openVia(ctx, raw, u, proxy, guid, cfg, udp)
		var pr *proxyRedirect
		if !errors.As(err, &pr) {
			return s, err
		}
		from := proxy + "|" + u.String()
		if pr.location != nil {
			u, raw = pr.location, pr.location.String()
		}
		proxy = pr.proxy
		hop := from + " → " + proxy + "|" + u.String()
		switch {
		case seen[hop]:
			return nil, fmt.Errorf("%w: a redirect loop (%v again)", ErrProtocol, pr)
		case hops > maxRedirects:
			return nil, fmt.Errorf("%w: more than %d redirects (the last %v)", ErrProtocol, maxRedirects, pr)
		}
		seen[hop] = true
	}
}

// openVia connects to the server of u, or to the MMS proxy proxy
// (host:port) when set (3.1.4.1), and runs the sequence.
func (d *Dialer) openVia(ctx context.Context, raw string, u *url.URL, proxy, guid string, cfg transport.Config, udp bool) (*session, error) {
	timeout := cfg.TimeoutOrDefault()
	dial := d.DialContext
	if dial == nil {
		nd := &net.Dialer{Timeout: timeout}
		dial = nd.DialContext
	}
	addr := hostPort(u)
	if proxy != "" {
		addr = proxy
	}
	nc, err := dial(ctx, "tcp", addr)
	if err != nil {
		if proxy != "" {
			return nil, fmt.Errorf("mms: connecting to the MMS proxy %s: %w", addr, err)
		}
		return nil, fmt.Errorf("mms: connecting to %s: %w", addr, err)
	}
	s := newSession(d, cfg, raw, u, nc, udp)
	s.proxy, s.guid = proxy, guid
	ok := false
	defer func() {
		if !ok {
			s.abort()
		}
	}()
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := s.handshake(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("mms %s: %w", redact(u), ctx.Err())
		}
		return nil, fmt.Errorf("mms %s: %w", redact(u), err)
	}
	if !stop() {
		return nil, fmt.Errorf("mms %s: %w", redact(u), ctx.Err())
	}
	ok = true
	s.start()
	return s, nil
}

func redact(u *url.URL) string { return u.Redacted() }

// handshake is Connect, FunnelInfo, ConnectFunnel, OpenFile (with
// authentication), ReadBlock and the ASF file header, read synchronously
// before the session's goroutines start.
func (s *session) handshake() error {
	o := &s.o
	// 3.1.4.1.1: packet pairs requested (MMS_USE_PACKET_PAIR) unless the
	// Dialer turns them off.
	connectPI := PacketPairUse
	if s.d.DisablePacketPair {
		connectPI = PacketPairDisabled
	}
	sub := fmt.Sprintf("NSPlayer/9.0.0.2980; %s; Host: %s", s.guid, s.u.Host)
	if s.proxy != "" {
		// 2.2.4.17, 3.1.4.1.1: through a proxy the host-param MUST
		// name the server and its port, and the host-string SHOULD
		// too, after a NUL.
		hp := hostPort(s.u)
		sub = fmt.Sprintf("NSPlayer/9.0.0.2980; %s; Host: %s\x00HOST: %s", s.guid, hp, hp)
	}
	if err := s.send(&Connect{PlayIncarnation: connectPI, MacToViewerRevision: MacToViewerRevision, ViewerToMacRevision: ViewerToMacRevision, SubscriberName: sub}); err != nil {
		return err
	}
	wait := s.timeout
	if t := s.d.ConnectTimeout; t > 0 && t < wait {
		wait = t
	}
	m, err := s.expectWithin(wait, MIDReportConnectedEX)
	if err != nil {
		return err
	}
	ex := m.(*ReportConnectedEX)
	if Failed(ex.HR) {
		return &HRError{MID: ex.MID(), HR: ex.HR}
	}
	o.serverMajor = major(ex.ServerVersion)
	o.authScheme = strings.ToUpper(ex.AuthenPackage)
	// 3.1.5.3: FunnelInfo asks for the high-entropy pair of the data's
	// transport when the server offered packet pairs (4.4.1, 4.4.2), else
	// MMS_DISABLE_PACKET_PAIR.
	fiPI := PacketPairDisabled
	if connectPI == PacketPairUse && ex.PlayIncarnation == PacketPairUse {
		fiPI = PacketPairTCP
		if s.udp {
			fiPI = PacketPairUDP
		}
	}
	if err := s.send(&FunnelInfo{PlayIncarnation: fiPI}); err != nil {
		return err
	}
	return s.funnelInfo(fiPI)
}

// funnelInfo reads the ReportFunnelInfo answer (3.1.5.4): one message, or
// three carrying the TCP packet pair (MMS_PACKET_PAIR_TCP_HIGH_ENTROPY),
// the first two timed for the estimate. The three are read also from a
// server that sends them unasked. A UDP pair agreed
// (MMS_PACKET_PAIR_UDP_HIGH_ENTROPY) comes after ReadBlock (readHeader).
// Then the funnel, OpenFile and the ASF file header.
func (s *session) funnelInfo(asked uint32) error {
	o := &s.o
	var tcpPair pairProbe
	tcpPair.start()
	for count := 1; count <= 3; count++ {
		f, err := s.expectFrame(MIDReportFunnelInfo)
		if err != nil {
			return err
		}
		at := time.Now()
		fi := f.Packet.Messages[len(f.Packet.Messages)-1].(*ReportFunnelInfo)
		if Failed(fi.HR) {
			return &HRError{MID: fi.MID(), HR: fi.HR}
		}
		o.clientID = fi.Cubs
		if fi.PlayIncarnation != PacketPairTCP {
			o.pairUDP = s.udp && asked == PacketPairUDP && fi.PlayIncarnation == PacketPairUDP
			break
		}
		if count <= 2 && asked == PacketPairTCP {
			tcpPair.packet(count-1, f.Packet.Size, at)
		}
	}
	if tcpPair.bps > 0 {
		s.stats.pairBps.Store(tcpPair.bps)
	}
	if err := s.funnel(); err != nil {
		return err
	}
	if err := s.openFile(); err != nil {
		return err
	}
	return s.readHeader()
}

// funnel sends ConnectFunnel (3.1.5.4), UDP first for mmsu://, and falls
// back to TCP on the same connection when the server refuses UDP
// (3.1.5.5) unless the Dialer is UDP-only.
func (s *session) funnel() error {
	local, _ := s.nc.LocalAddr().(*net.TCPAddr)
	ip := "127.0.0.1"
	port := 0
	if local != nil {
		ip, port = local.IP.String(), local.Port
	}
	for {
		name := fmt.Sprintf(`\\%s\TCP\%d`, ip, port)
		if s.udp {
			if err := s.listenUDP(); err != nil {
				return err
			}
			name = fmt.Sprintf(`\\%s\UDP\%d`, ip, s.uc.LocalAddr().(*net.UDPAddr).Port)
		}
		if err := s.send(&ConnectFunnel{MaxBlockBytes: 0xFFFFFFFF, MaxBitRate: 0x00989680, FunnelMode: 2, FunnelName: name}); err != nil {
			return err
		}
		m, err := s.expect(MIDReportConnectedFunnel, MIDReportDisconnectedFunnel)
		if err != nil {
			return err
		}
		if cf, ok := m.(*ReportConnectedFunnel); ok {
			if Failed(cf.HR) {
				return &HRError{MID: cf.MID(), HR: cf.HR}
			}
			return nil
		}
		hr := m.(*ReportDisconnectedFunnel).HR
		if !s.udp {
			return &HRError{MID: MIDReportDisconnectedFunnel, HR: hr}
		}
		if s.d.UDPOnly || s.cfg.NoTCP {
			return fmt.Errorf("%w: the server refused to stream over UDP (HRESULT 0x%08X)", ErrUDPBlocked, hr)
		}
		s.closeUDP()
		s.udp = false
	}
}

// openFile sends OpenFile and answers security challenges (3.1.5.6–9).
func (s *session) openFile() error {
	o := &s.o
	of := &OpenFile{PlayIncarnation: o.nextPlayInc(), FileName: fileName(s.u)}
	ac := auth.NewClient(s.cfg.Credentials, []string{"NTLM"})
	if err := s.send(of); err != nil {
		return err
	}
	sentCreds := false
	for {
		m, err := s.expect(MIDReportOpenFile, MIDSecurityChallenge, MIDReportRedirect)
		if err != nil {
			return err
		}
		switch m := m.(type) {
		case *ReportRedirect:
			return s.redirect(m)
		case *SecurityChallenge:
			scheme := challengeScheme(o.authScheme, o.serverMajor, m.Token)
			ae := &transport.AuthRequiredError{Protocol: "mms", URL: redact(s.u), Schemes: []string{scheme}, Rejected: sentCreds}
			if realm, ok := basicRealm(m.Token); ok {
				ae.Realm = realm
			}
			var tok []byte
			if scheme == "NTLM" {
				t, err := s.ntlmResponse(ac, m.Token, sentCreds)
				if err != nil {
					return err
				}
				if t == nil {
					return ae
				}
				tok, sentCreds = t, len(m.Token) > 2 || sentCreds
			} else {
				if s.cfg.Credentials == nil || sentCreds {
					return ae
				}
				// Basic: base64 of user:password, NUL-terminated ASCII
				// (2.2.4.24, RFC 2617 basic-credentials).
				cred := base64.StdEncoding.EncodeToString([]byte(s.cfg.Credentials.User + ":" + s.cfg.Credentials.Password))
				tok, sentCreds = append([]byte(cred), 0), true
			}
			if err := s.send(&SecurityResponse{PlayIncarnation: m.PlayIncarnation, Cookie: m.Cookie, Token: tok}); err != nil {
				return err
			}
		case *ReportOpenFile:
			if Failed(m.HR) {
				return &HRError{MID: m.MID(), HR: m.HR}
			}
			o.file = *m
			return nil
		}
	}
}

// redirect is what a ReportRedirect asks (3.1.5.7): RedirectType 2 sets
// or clears the proxy (*proxyRedirect, followed by Dial); RedirectType 1
// names another URL, followed through the proxy when one is used, else
// handed to the caller as a *transport.RedirectError.
func (s *session) redirect(m *ReportRedirect) error {
	switch m.Type {
	case RedirectProxy:
		p, err := parseProxy(m.Location)
		if err != nil {
			return err
		}
		return &proxyRedirect{proxy: p}
	case RedirectURL:
		if m.Location == "" {
			return fmt.Errorf("%w: a redirect to an empty URL", ErrProtocol)
		}
		if s.proxy == "" {
			return &transport.RedirectError{Location: m.Location, Reason: "MMS server redirected (LinkMacToViewerReportRedirect)"}
		}
		u, err := url.Parse(m.Location)
		if err != nil || u.Hostname() == "" || (u.Scheme != "mms" && u.Scheme != "mmsu" && u.Scheme != "mmst") {
			return fmt.Errorf("%w: a redirect through the MMS proxy to %q, not an mms, mmsu or mmst URL (2.2.4.9)", ErrProtocol, m.Location)
		}
		return &proxyRedirect{proxy: s.proxy, location: u}
	}
	return fmt.Errorf("%w: ReportRedirect of RedirectType %d (2.2.4.9 defines 1 and 2)", ErrProtocol, m.Type)
}

// challengeScheme is the Auth-Scheme a SecurityChallenge asks for
// (3.1.5.8): from a server of version 9 or later, NTLM when the pToken's
// first two bytes are 0 and Basic otherwise; from an older one, Basic when
// either is not 0, else the scheme ReportConnectedEX named (NTLM by
// default, 3.1.1).
func challengeScheme(authen string, major int, tok []byte) string {
	zero := len(tok) >= 2 && tok[0] == 0 && tok[1] == 0
	switch {
	case major >= 9 && zero, major < 9 && zero && authen != "BASIC":
		return "NTLM"
	}
	return "Basic"
}

// ntlmAuth is the NTLM_AUTH structure's fixed part (2.2.4.14.1): Zero,
// One, Reserved1, NTLMTokenSize, Two, Reserved2.
const ntlmAuthSize = 24

// ntlmToken is the NTLM token of a pToken (2.2.4.14): after its two zero
// bytes, an NTLM_AUTH structure or the token itself. ok is false when an
// NTLM_AUTH declares more than there is.
func ntlmToken(p []byte) (tok []byte, wrapped, ok bool) {
	if len(p) < 2 {
		return nil, false, true
	}
	p = p[2:]
	if len(p) >= ntlmAuthSize && binary.LittleEndian.Uint32(p) == 0 && binary.LittleEndian.Uint32(p[4:]) == 1 && binary.LittleEndian.Uint32(p[16:]) == 2 {
		n := binary.LittleEndian.Uint32(p[12:])
		if uint64(n) > uint64(len(p)-ntlmAuthSize) {
			return nil, true, false
		}
		return p[ntlmAuthSize : ntlmAuthSize+int(n)], true, true
	}
	return p, false, true
}

// NTLMAuth wraps an NTLM token for a pToken: two zero bytes and an
// NTLM_AUTH structure (2.2.4.14.1, 2.2.4.24).
func NTLMAuth(tok []byte) []byte {
	b := []byte{0, 0}
	b = put32(put32(put32(put32(put32(put32(b, 0), 1), 0), uint32(len(tok))), 2), 0)
	return append(b, tok...)
}

// ntlmResponse answers an NTLM SecurityChallenge (4.6.2) with the next
// token of the NTLMSSP handshake (package auth, [MS-NLMP]): NEGOTIATE to
// the first, tokenless challenge, AUTHENTICATE to the one carrying the
// server's CHALLENGE. nil means there is nothing to answer with: no
// credentials, or a tokenless challenge after AUTHENTICATE (refused).
func (s *session) ntlmResponse(ac *auth.Client, p []byte, sent bool) ([]byte, error) {
	tok, _, ok := ntlmToken(p)
	if !ok {
		return nil, fmt.Errorf("%w: an NTLM_AUTH structure longer than its pToken", ErrMalformed)
	}
	ch := "NTLM"
	if len(tok) > 0 {
		ch += " " + base64.StdEncoding.EncodeToString(tok)
	}
	a, ok, err := ac.Respond(false, "OpenFile", fileName(s.u), []string{ch}, sent)
	if err != nil {
		return nil, fmt.Errorf("mms: NTLM: %w", err)
	}
	if !ok {
		return nil, nil
	}
	_, v, _ := strings.Cut(a.Value, " ")
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("mms: NTLM: %w", err)
	}
	return NTLMAuth(raw), nil
}

// basicRealm reads the realm of a Basic challenge's pToken
// (`realm="…"` in UTF-16LE, 2.2.4.14).
func basicRealm(tok []byte) (string, bool) {
	s := utf16String(tok)
	v, ok := strings.CutPrefix(s, "realm=")
	if !ok {
		return "", false
	}
	return strings.Trim(v, `"`), true
}

// readHeader sends ReadBlock and reassembles the ASF file header
// (3.1.5.9.1–3.1.5.12), restarting the request when the Header timer
// expires (3.1.6.1) over UDP.
func (s *session) readHeader() error {
	o := &s.o
	for try := 0; ; try++ {
		inc := o.nextHeaderInc()
		o.hdr.reset(inc)
		if err := s.send(&ReadBlock{OpenFileID: o.file.OpenFileID, Length: 0x8000, Flags: 0xFFFFFFFF, TDeadline: 3600, PlayIncarnation: inc}); err != nil {
			return err
		}
		deadline := time.Now().Add(s.timeout)
		if s.udp {
			deadline = time.Now().Add(s.headerTimer())
		}
		gotReport := false
		if s.udp && o.pairUDP && o.pair.bps == 0 {
			got, err := s.readPair(deadline)
			if err != nil {
				return err
			}
			if !got {
				return s.udpBlocked()
			}
		}
		for !o.hdr.done {
			var f Frame
			var err error
			if s.udp && gotReport {
				f, err = s.readUDP(deadline)
			} else {
				s.nc.SetReadDeadline(deadline)
				f, err = s.next()
			}
			if err != nil {
				var ne net.Error
				if s.udp && errors.As(err, &ne) && ne.Timeout() {
					if try >= retryLimit {
						return fmt.Errorf("%w: no ASF file header within %d tries of the Header timer", ErrUDPBlocked, try+1)
					}
					if err := s.send(&CancelReadBlock{PlayIncarnation: inc}); err != nil {
						return err
					}
					break
				}
				return s.readErr(err, "the ASF file header")
			}
			if f.Data != nil {
				if err := o.hdr.add(f.Data, o.file.FileHeaderSize); err != nil {
					return err
				}
				continue
			}
			for _, m := range f.Packet.Messages {
				switch m := m.(type) {
				case *ReportReadBlock:
					if Failed(m.HR) {
						return &HRError{MID: m.MID(), HR: m.HR}
					}
					gotReport = true
				case *Ping:
					if err := s.send(&Pong{}); err != nil {
						return err
					}
				case *Unknown:
				default:
					return fmt.Errorf("%w: %s while waiting for the ASF file header", ErrProtocol, Name(m.MID()))
				}
			}
		}
		if o.hdr.done {
			break
		}
	}
	h, err := asf.ParseHeader(o.hdr.buf)
	if err != nil {
		return fmt.Errorf("the ASF file header: %w", err)
	}
	if err := h.CheckEncrypted(); err != nil {
		return err
	}
	o.setHeader(h)
	return nil
}

// readPair reads the packet pair the server sends over UDP before its
// ReportReadBlock (3.2.5.8, 4.4.1) until deadline (the Header timer),
// timing the two packets (3.1.5.11): Packet-Pair-Packets-Expected 2 at
// each ReadBlock (3.1.3, 3.1.6.1). It ends at the second packet, or at
// the first other Data packet from the server (a header piece, kept: the
// pair was lost), or at deadline; got reports whether any Data packet
// came over UDP.
func (s *session) readPair(deadline time.Time) (got bool, err error) {
	o := &s.o
	o.pair.start()
	for {
		f, err := s.readUDP(deadline)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return got, nil
			}
			return got, fmt.Errorf("reading the packet pair over UDP: %w", err)
		}
		got = true
		d := f.Data
		if d.LocationID&^1 == PacketPairLocation && d.Incarnation == 0xFF && d.Flags == FlagPacketPair {
			if o.pair.packet(int(d.LocationID-PacketPairLocation), DataHeaderSize+len(d.Payload), time.Now()) {
				if o.pair.bps > 0 {
					s.stats.pairBps.Store(o.pair.bps)
				}
				return true, nil
			}
			continue
		}
		return true, o.hdr.add(d, o.file.FileHeaderSize)
	}
}

// udpBlocked decides that UDP is blocked when not one Data packet came
// over UDP within the Header timer, neither packet of the pair the server
// sends first (3.2.5.8, 4.4.1) nor a header piece, while the
// ReportReadBlock the server sends after the pair does come over TCP: the
// server sent, TCP carried, UDP did not. Without a packet pair the Header
// timer's retries decide (3.1.6.1).
func (s *session) udpBlocked() error {
	deadline := time.Now().Add(s.timeout)
	for {
		s.nc.SetReadDeadline(deadline)
		f, err := s.next()
		if err != nil {
			return s.readErr(err, "ReportReadBlock")
		}
		if f.Data != nil {
			continue // a header piece over TCP: the server ignores our funnel
		}
		for _, m := range f.Packet.Messages {
			switch m := m.(type) {
			case *ReportReadBlock:
				if Failed(m.HR) {
					return &HRError{MID: m.MID(), HR: m.HR}
				}
				return fmt.Errorf("%w: the server's packet pair and ASF file header did not come over UDP within the Header timer (%v), its ReportReadBlock did over TCP", ErrUDPBlocked, s.headerTimer())
			case *Ping:
				if err := s.send(&Pong{}); err != nil {
					return err
				}
			}
		}
	}
}

// headerTimer is the Header timer's period (3.1.5.9.1): the base plus
// the header's transfer time at the content's bit rate, at most 30 s.
func (s *session) headerTimer() time.Duration {
	base := s.d.HeaderTimeout
	if base <= 0 {
		base = time.Second
	}
	f := s.o.file
	if f.FileBitRate > 0 {
		base += time.Duration(float64(f.FileHeaderSize) * 8 / float64(f.FileBitRate) * float64(time.Second))
	}
	return min(base, 30*time.Second)
}

// expect reads messages until one of the MIDs comes, answering pings and
// skipping unknown messages; data packets before it are a protocol
// error during the handshake.
func (s *session) expect(mids ...uint32) (Message, error) {
	return s.expectWithin(s.timeout, mids...)
}

// expectWithin is expect waiting at most wait.
func (s *session) expectWithin(wait time.Duration, mids ...uint32) (Message, error) {
	f, err := s.expectFrameWithin(wait, mids...)
	if err != nil {
		return nil, err
	}
	return f.Packet.Messages[len(f.Packet.Messages)-1], nil
}

// expectFrame is expect returning the whole packet: the wanted message is
// its last.
func (s *session) expectFrame(mids ...uint32) (Frame, error) {
	return s.expectFrameWithin(s.timeout, mids...)
}

// expectFrameWithin is expectFrame waiting at most wait.
func (s *session) expectFrameWithin(wait time.Duration, mids ...uint32) (Frame, error) {
	deadline := time.Now().Add(wait)
	for {
		s.nc.SetReadDeadline(deadline)
		at, head, err := s.r.AtMessage()
		if err != nil {
			return Frame{}, s.readErrWithin(err, Name(mids[0]), wait)
		}
		if !at {
			return Frame{}, fmt.Errorf("%w: %s answered %q, not an MMS message (no MMS server there?)", ErrProtocol, s.u.Host, head)
		}
		f, err := s.next()
		if err != nil {
			return Frame{}, s.readErrWithin(err, Name(mids[0]), wait)
		}
		if f.Data != nil {
			return Frame{}, fmt.Errorf("%w: a Data packet while waiting for %s", ErrProtocol, Name(mids[0]))
		}
		for i, m := range f.Packet.Messages {
			for _, want := range mids {
				if m.MID() == want {
					if i != len(f.Packet.Messages)-1 {
						return Frame{}, fmt.Errorf("%w: messages after %s in its packet", ErrProtocol, Name(want))
					}
					return f, nil
				}
			}
			switch m.(type) {
			case *Ping:
				if err := s.send(&Pong{}); err != nil {
					return Frame{}, err
				}
			case *Unknown:
			default:
				return Frame{}, fmt.Errorf("%w: %s while waiting for %s", ErrProtocol, Name(m.MID()), Name(mids[0]))
			}
		}
	}
}

// readErr describes a failed read of what.
func (s *session) readErr(err error, what string) error {
	return s.readErrWithin(err, what, s.timeout)
}

// readErrWithin is readErr for a read that waited at most wait.
func (s *session) readErrWithin(err error, what string, wait time.Duration) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("%w: no %s from %s within %v", ErrTimeout, what, s.u.Host, wait)
	}
	if errors.Is(err, io.EOF) {
		// The server closed the connection where a packet was due: the
		// stream is cut, which must not read as its end (io.EOF).
		return fmt.Errorf("reading %s from %s: the server closed the connection: %w", what, s.u.Host, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("reading %s from %s: %w", what, s.u.Host, err)
}

// major is the major version of a ServerVersionInfo ("9.01.01.3814").
func major(v string) int {
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			break
		}
		n = min(n*10+int(c-'0'), 1000)
	}
	return n
}

// header reassembles the ASF file header from Data packets (3.1.5.12).
type header struct {
	inc  uint32
	buf  []byte
	next uint32
	done bool
}

func (h *header) reset(inc uint32) { *h = header{inc: inc} }

// add appends a piece; pieces of another incarnation are stale.
func (h *header) add(d *Data, declared uint32) error {
	if d.Incarnation != uint8(h.inc) || h.done {
		return nil
	}
	if d.LocationID != h.next {
		return fmt.Errorf("%w: ASF file header piece %d where %d was due", ErrProtocol, d.LocationID, h.next)
	}
	if d.Flags != FlagHeaderMore && d.Flags != FlagHeaderLast && d.Flags != 0x08 {
		return fmt.Errorf("%w: ASF file header piece with AFFlags 0x%02X", ErrProtocol, d.Flags)
	}
	limit := uint64(asf.MaxHeaderSize)
	if declared > 0 {
		limit = min(limit, uint64(declared)+asf.DataObjectFixedSize+65536)
	}
	if uint64(len(h.buf))+uint64(len(d.Payload)) > limit {
		return fmt.Errorf("%w: the ASF file header grows past %d bytes (ReportOpenFile declared %d)", ErrProtocol, limit, declared)
	}
	h.buf = append(h.buf, d.Payload...)
	h.next++
	h.done = d.Flags != FlagHeaderMore
	return nil
}
