package wmsdp

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/eddyplayer/eddy/asf"
	"github.com/pion/sdp/v3"
)

// Parse reads the SDP body of a DESCRIBE response or an ANNOUNCE (MS-RTSP
// 2.2.5). base is the URL relative control URLs resolve against when the SDP
// has no session-level a=control, chosen by the caller as RFC 2326 C.1.1
// says (Content-Base, else Content-Location, else the request URL); it may be
// nil when every control URL is absolute.
//
// Fatal errors wrap ErrTooLarge, ErrSyntax, ErrNoHeader, ErrBadHeader,
// ErrBadControl or ErrNoASFMedia. A media description or an attribute that
// cannot be used is left out and listed in Description.Ignored.
func Parse(body []byte, base *url.URL) (*Description, error) {
	norm, err := Normalise(body)
	if err != nil {
		return nil, err
	}
	sd := new(sdp.SessionDescription)
	if err := sd.Unmarshal(norm); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	if len(sd.MediaDescriptions) > MaxMedia {
		return nil, fmt.Errorf("%w: %d media descriptions, limit %d", ErrTooLarge, len(sd.MediaDescriptions), MaxMedia)
	}
	d := &Description{SDP: sd}
	d.Bandwidth = d.bandwidth("session", sd.Bandwidth)

	p := parser{d: d}
	if err := p.session(sd.Attributes, base); err != nil {
		return nil, err
	}
	for i, md := range sd.MediaDescriptions {
		if m, ok := p.media(i, md, len(sd.MediaDescriptions)); ok {
			d.Media = append(d.Media, m)
		}
	}
	if err := p.header(); err != nil {
		return nil, err
	}
	p.checkStreams()
	if d.MaxPacketSize == 0 && p.fmtpMaxps != "" {
		d.MaxPacketSize = p.maxps(p.fmtpMaxps, "a=fmtp maxps")
	}
	if len(d.ASFMedia()) == 0 {
		if d.IgnoredCount == 0 {
			return nil, fmt.Errorf("%w (MS-RTSP 2.2.5.3)", ErrNoASFMedia)
		}
		return nil, fmt.Errorf("%w (MS-RTSP 2.2.5.3): %w", ErrNoASFMedia, errors.Join(d.Ignored...))
	}
	return d, nil
}

// parser carries what Parse collects across the session and media levels.
type parser struct {
	d *Description
	// pgmpu is the first application/vnd.ms.wms-hdr.asfv1 data URL.
	pgmpu *dataURL
	// config is the first config= of an ASF a=fmtp (GStreamer), fmtpMaxps
	// its maxps=.
	config, fmtpMaxps string
}

func (p *parser) ignoreAttr(format string, args ...any) {
	p.d.ignore(fmt.Errorf("%w: "+format, append([]any{ErrInvalidAttribute}, args...)...))
}

func (p *parser) ignoreMedia(i int, format string, args ...any) {
	p.d.ignore(fmt.Errorf("%w: m= line %d: "+format, append([]any{ErrInvalidMedia, i}, args...)...))
}

// session reads the session-level attributes.
func (p *parser) session(attrs []sdp.Attribute, base *url.URL) error {
	d := p.d
	var control *string
	for _, a := range attrs {
		switch strings.ToLower(a.Key) {
		case "control":
			if control == nil {
				v := a.Value
				control = &v
			} else {
				p.ignoreAttr("second session-level a=control %q", clip([]byte(a.Value)))
			}
		case "maxps":
			if d.MaxPacketSize == 0 {
				d.MaxPacketSize = p.maxps(a.Value, "a=maxps")
			}
		case "type":
			d.Type.add(a.Value)
		case "range":
			if d.Range == "" {
				d.Range = a.Value
			}
		case "pgmpu":
			p.pgmpuAttr(a.Value)
		}
	}
	// RFC 2326 C.1.1: without a session-level a=control the base is the
	// aggregate URL, as with "*".
	ref := "*"
	if control != nil {
		ref = *control
	}
	var err error
	if d.Control, err = resolveControl(base, ref); err != nil {
		return fmt.Errorf("%w: session level (MS-RTSP 2.2.5.2.1): %w", ErrBadControl, err)
	}
	return nil
}

// pgmpuAttr reads one a=pgmpu data URL (MS-RTSP 2.2.5.2.3).
func (p *parser) pgmpuAttr(v string) {
	du, err := parseDataURL(v)
	if err != nil {
		p.ignoreAttr("a=pgmpu: %w", err)
		return
	}
	switch du.mediaType {
	case mediaTypeHeader:
		if p.pgmpu != nil {
			p.ignoreAttr("second a=pgmpu with %s", mediaTypeHeader)
			return
		}
		p.pgmpu = &du
	case mediaTypeContentDesc:
		if p.d.ContentDescription != nil {
			p.ignoreAttr("second a=pgmpu with %s", mediaTypeContentDesc)
			return
		}
		cdl, err := decodeContentDesc(du)
		if err != nil {
			p.ignoreAttr("a=pgmpu: %w", err)
			return
		}
		p.d.ContentDescription = cdl
	default:
		p.ignoreAttr("a=pgmpu with media type %q", clip([]byte(du.mediaType)))
	}
}

// maxps reads a maximum ASF packet size (MS-RTSP 2.2.5.2.2: 1*10DIGIT, 0 is
// invalid). A size above asf.MaxPacketSize is refused too: no ASF packet the
// demuxer accepts is larger, and the client sizes buffers from it.
func (p *parser) maxps(v, what string) uint32 {
	n, ok := decimal(v, 10)
	switch {
	case !ok:
		p.ignoreAttr("%s %q is not 1 to 10 digits", what, clip([]byte(v)))
	case n == 0:
		p.ignoreAttr("%s:0 (MS-RTSP 2.2.5.2.2: 0 is invalid)", what)
	case n > asf.MaxPacketSize:
		p.ignoreAttr("%s:%d above the largest ASF packet, %d", what, n, asf.MaxPacketSize)
	default:
		return uint32(n)
	}
	return 0
}

// add sets the features of one a=type value (MS-RTSP 2.2.5.2.6).
func (f *Features) add(v string) {
	for tok := range strings.SplitSeq(v, ",") {
		switch strings.ToLower(strings.TrimSpace(tok)) {
		case "broadcast":
			f.Broadcast = true
		case "lastentry":
			f.LastEntry = true
		case "notseekable":
			f.NotSeekable = true
		case "notstridable":
			f.NotStridable = true
		case "playlist":
			f.Playlist = true
		case "skipbackward":
			f.SkipBackward = true
		case "skipforward":
			f.SkipForward = true
		}
	}
}

// bandwidth reads the b= lines of one level (MS-RTSP 2.2.5.1; RFC 3556 2).
// Other modifiers (CT, TIAS, other X- ones) are valid SDP and not used.
func (d *Description) bandwidth(level string, bs []sdp.Bandwidth) Bandwidth {
	out := noBandwidth()
	for _, b := range bs {
		var dst *int64
		switch {
		case !b.Experimental && b.Type == "AS":
			dst = &out.AS
		case !b.Experimental && b.Type == "RS":
			dst = &out.RS
		case !b.Experimental && b.Type == "RR":
			dst = &out.RR
		case b.Experimental && b.Type == "AV":
			dst = &out.XAV
		default:
			continue
		}
		switch {
		case b.Bandwidth > MaxKbps:
			d.ignore(fmt.Errorf("%w: %s b=%s:%d kbit/s above %d", ErrInvalidAttribute, level, bwName(b), b.Bandwidth, MaxKbps))
		case *dst >= 0:
			d.ignore(fmt.Errorf("%w: second %s b=%s", ErrInvalidAttribute, level, bwName(b)))
		default:
			*dst = int64(b.Bandwidth)
		}
	}
	return out
}

func bwName(b sdp.Bandwidth) string {
	if b.Experimental {
		return "X-" + b.Type
	}
	return b.Type
}

// media reads media description i of n; ok is false when it is dropped.
func (p *parser) media(i int, md *sdp.MediaDescription, n int) (Media, bool) {
	m := Media{Index: i, Kind: md.MediaName.Media, Bandwidth: p.d.bandwidth(fmt.Sprintf("m= line %d", i), md.Bandwidth)}
	for _, f := range md.MediaName.Formats {
		pt, ok := decimal(f, 3)
		if !ok || pt > 127 {
			p.ignoreMedia(i, "payload type %q is not 0 to 127 (RFC 3551)", clip([]byte(f)))
			return m, false
		}
		if m.format(uint8(pt)) == nil {
			m.Formats = append(m.Formats, Format{PayloadType: uint8(pt)})
		}
	}
	var control, stream *string
	for _, a := range md.Attributes {
		switch strings.ToLower(a.Key) {
		case "rtpmap":
			p.rtpmap(i, &m, a.Value)
		case "fmtp":
			pt, rest, ok := ptPrefix(a.Value)
			if f := m.format(pt); ok && f != nil && f.Params == "" {
				f.Params = rest
			} else {
				p.ignoreAttr("m= line %d: a=fmtp %q for no payload type of the m= line", i, clip([]byte(a.Value)))
			}
		case "control":
			if control == nil {
				v := a.Value
				control = &v
			}
		case "stream":
			if stream == nil {
				v := a.Value
				stream = &v
			}
		case "reliable":
			m.Reliable = true
		}
	}

	asfF, rtxF, fecF := m.byEncoding(EncodingASF), m.byEncoding(EncodingRTX), m.byEncoding(EncodingFEC)
	switch {
	case asfF != nil && rtxF != nil:
		p.ignoreMedia(i, "x-asf-pf and x-wms-rtx share it (MS-RTSP 2.2.5.5: the retransmission stream has its own)")
		return m, false
	case asfF != nil:
		if asfF.ClockRate != ClockRate {
			p.ignoreMedia(i, "x-asf-pf clock rate %d, MS-RTSP 2.2.5.3 requires %d", asfF.ClockRate, ClockRate)
			return m, false
		}
		m.Role, m.PayloadType = RoleASF, asfF.PayloadType
		p.asfFmtp(asfF.Params)
	case rtxF != nil:
		if rtxF.ClockRate != ClockRate {
			p.ignoreMedia(i, "x-wms-rtx clock rate %d, MS-RTSP 2.2.5.5 requires %d", rtxF.ClockRate, ClockRate)
			return m, false
		}
		m.Role, m.PayloadType = RoleRetransmission, rtxF.PayloadType
	default:
		m.Role = RoleOther
	}
	if m.Role == RoleOther {
		return m, true
	}

	if stream != nil {
		s, ok := decimal(*stream, 10)
		switch {
		case !ok:
			p.ignoreMedia(i, "a=stream:%q is not 1 to 10 digits (MS-RTSP 2.2.5.2.5)", clip([]byte(*stream)))
			return m, false
		case m.Role == RoleASF && (s < MinASFStream || s > MaxASFStream):
			p.ignoreMedia(i, "a=stream:%d outside %d–%d for an ASF stream (MS-RTSP 2.2.5.2.5)", s, MinASFStream, MaxASFStream)
			return m, false
		case m.Role == RoleRetransmission && (s < MinRTXStream || s > MaxRTXStream):
			p.ignoreMedia(i, "a=stream:%d outside %d–%d for a retransmission stream (MS-RTSP 2.2.5.2.5)", s, MinRTXStream, MaxRTXStream)
			return m, false
		}
		m.Stream = uint32(s)
	}

	switch {
	case control != nil:
		u, err := resolveControl(p.d.Control, *control)
		if err != nil {
			p.ignoreMedia(i, "%w", err)
			return m, false
		}
		m.Control = u
	case n == 1:
		// MS-RTSP 2.2.5.2.1: a single media description may omit a=control;
		// the aggregate URL then controls it (RFC 2326 C.1.1).
		m.Control = cloneURL(p.d.Control)
	default:
		p.ignoreMedia(i, "no a=control among %d media descriptions (MS-RTSP 2.2.5.2.1)", n)
		return m, false
	}

	if m.Role == RoleASF && fecF != nil {
		m.FEC = p.fec(i, fecF)
	}
	return m, true
}

// rtpmap reads "a=rtpmap:<pt> <encoding>/<clock>[/<params>]" (RFC 4566 6).
func (p *parser) rtpmap(i int, m *Media, v string) {
	pt, rest, ok := ptPrefix(v)
	f := m.format(pt)
	if !ok || f == nil {
		p.ignoreAttr("m= line %d: a=rtpmap %q for no payload type of the m= line", i, clip([]byte(v)))
		return
	}
	if f.Encoding != "" {
		p.ignoreAttr("m= line %d: second a=rtpmap for payload type %d", i, pt)
		return
	}
	enc, clock, _ := strings.Cut(rest, "/")
	clock, _, _ = strings.Cut(clock, "/")
	c, ok := decimal(clock, 10)
	if !ok || c > 1<<32-1 || enc == "" {
		p.ignoreAttr("m= line %d: a=rtpmap %q is not <encoding>/<clock rate>", i, clip([]byte(v)))
		return
	}
	f.Encoding, f.ClockRate = strings.ToLower(enc), uint32(c)
}

// asfFmtp reads the parameters GStreamer's rtpasfpay puts in the a=fmtp of
// its x-asf-pf payload type: "maxps=3200;config=<ASF header>". WMS writes a
// MIME type there instead ("audio/vnd.wave;codec=123", MS-RTSP 2.2.5.4
// example), which has neither parameter.
func (p *parser) asfFmtp(params string) {
	for kv := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(kv, "=")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "config":
			if p.config == "" {
				p.config = strings.TrimSpace(v)
			}
		case "maxps":
			if p.fmtpMaxps == "" {
				p.fmtpMaxps = strings.TrimSpace(v)
			}
		}
	}
}

// fec reads the x-wms-fec payload type of an ASF media description: its
// a=fmtp is "<URI-reference> SP <fecspan> SP <fecperspan>" (MS-RTSP 2.2.5.4).
// The URL is resolved here; the rest is left to package wmfec. A defect drops
// the FEC alone: the stream plays without it.
func (p *parser) fec(i int, f *Format) *FEC {
	if f.ClockRate != ClockRate {
		p.ignoreAttr("m= line %d: x-wms-fec clock rate %d, MS-RTSP 2.2.5.4 requires %d; FEC not used", i, f.ClockRate, ClockRate)
		return nil
	}
	ref, rest, _ := strings.Cut(strings.TrimSpace(f.Params), " ")
	if ref == "" {
		p.ignoreAttr("m= line %d: x-wms-fec has no a=fmtp URL (MS-RTSP 2.2.5.4); FEC not used", i)
		return nil
	}
	u, err := resolveControl(p.d.Control, ref)
	if err != nil {
		p.ignoreAttr("m= line %d: x-wms-fec a=fmtp: %w; FEC not used", i, err)
		return nil
	}
	return &FEC{PayloadType: f.PayloadType, Control: u, Params: strings.TrimSpace(rest)}
}

// header decodes and parses the ASF file header: from a=pgmpu (MS-RTSP
// 2.2.5.2.3.1), else from config= of an ASF a=fmtp (GStreamer).
func (p *parser) header() error {
	d := p.d
	switch {
	case p.pgmpu != nil:
		if !p.pgmpu.base64 {
			return fmt.Errorf("%w: the %s data URL is not base64 (MS-RTSP 2.2.5.2.3.1)", ErrBadHeader, mediaTypeHeader)
		}
		b, err := decodeBase64(p.pgmpu.data, MaxHeaderSize)
		if err != nil {
			return fmt.Errorf("%w: a=pgmpu: %w", ErrBadHeader, err)
		}
		d.Header = b
		if p.config != "" {
			p.ignoreAttr("a=fmtp config= (the a=pgmpu header is used)")
		}
	case p.config != "":
		b, err := decodeConfig(p.config)
		if err != nil {
			return fmt.Errorf("%w: a=fmtp config=: %w", ErrBadHeader, err)
		}
		d.Header, d.HeaderFromFmtp = b, true
	default:
		return fmt.Errorf("%w: no a=pgmpu:data:%s (MS-RTSP 2.2.5.2.3.1) and no a=fmtp config=", ErrNoHeader, mediaTypeHeader)
	}
	h, err := asf.ParseHeader(d.Header)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadHeader, err)
	}
	d.ASF = h
	return nil
}

// checkStreams drops the ASF media descriptions whose a=stream names no
// stream of the ASF header (MS-RTSP 2.2.5.2.5: it MUST be the Stream
// Properties number) or repeats an earlier one ("each MUST specify a
// different stream number"), and the ones without a=stream when there are
// several (only GStreamer's single all-streams description omits it).
func (p *parser) checkStreams() {
	d := p.d
	nASF := len(d.ASFMedia())
	seen := make(map[uint32]bool)
	kept := d.Media[:0]
	for _, m := range d.Media {
		drop := ""
		switch {
		case m.Role == RoleOther:
		case m.Role == RoleASF && m.Stream == 0 && nASF > 1:
			drop = fmt.Sprintf("no a=stream among %d ASF media descriptions (MS-RTSP 2.2.5.2.5)", nASF)
		case m.Stream != 0 && seen[m.Stream]:
			drop = fmt.Sprintf("a=stream:%d repeats an earlier media description (MS-RTSP 2.2.5.2.5)", m.Stream)
		case m.Role == RoleASF && m.Stream != 0 && (m.Stream > 127 || d.ASF.Stream(uint8(m.Stream)) == nil):
			drop = fmt.Sprintf("a=stream:%d names no stream of the ASF header (MS-RTSP 2.2.5.2.5)", m.Stream)
		}
		if drop != "" {
			p.ignoreMedia(m.Index, "%s", drop)
			continue
		}
		if m.Stream != 0 {
			seen[m.Stream] = true
		}
		kept = append(kept, m)
	}
	clear(d.Media[len(kept):])
	d.Media = kept
}

func (m *Media) format(pt uint8) *Format {
	for i := range m.Formats {
		if m.Formats[i].PayloadType == pt {
			return &m.Formats[i]
		}
	}
	return nil
}

func (m *Media) byEncoding(enc string) *Format {
	for i := range m.Formats {
		if m.Formats[i].Encoding == enc {
			return &m.Formats[i]
		}
	}
	return nil
}

// ptPrefix splits "<pt> <rest>" of a=rtpmap and a=fmtp (RFC 4566 6).
func ptPrefix(v string) (uint8, string, bool) {
	f, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	pt, ok := decimal(f, 3)
	if !ok || pt > 127 {
		return 0, "", false
	}
	return uint8(pt), strings.TrimSpace(rest), true
}

// decimal parses 1 to maxDigits ASCII digits (the 1*NDIGIT of MS-RTSP's
// ABNF); maxDigits ≤ 19 keeps the value inside uint64.
func decimal(s string, maxDigits int) (uint64, bool) {
	if len(s) == 0 || len(s) > maxDigits {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}
