package wmsdp

import (
	"net/url"

	"github.com/eddyplayer/eddy/asf"
	"github.com/pion/sdp/v3"
)

// Payload encodings of Windows Media RTP (MS-RTSP 2.2.5.3 to 2.2.5.5), as
// Format.Encoding holds them (lower case; servers vary: GStreamer writes
// X-ASF-PF).
const (
	EncodingASF = "x-asf-pf"  // ASF data packets (MS-RTSP 2.2.1, 2.2.5.3)
	EncodingFEC = "x-wms-fec" // FEC packets (MS-RTSP 2.2.2, 2.2.5.4)
	EncodingRTX = "x-wms-rtx" // retransmission and packet-pair (MS-RTSP 2.2.3, 2.2.5.5)
)

// ClockRate is the only RTP clock rate of the three encodings (MS-RTSP
// 2.2.5.3 to 2.2.5.5): RTP timestamps are milliseconds.
const ClockRate = 1000

// Stream number ranges of a=stream (MS-RTSP 2.2.5.2.5); anything else is
// invalid.
const (
	MinASFStream = 1
	MaxASFStream = 65534
	MinRTXStream = 65536
	MaxRTXStream = 131070
)

// MaxMedia bounds the media descriptions of one body: an ASF file has at
// most 127 streams (ASF Stream Properties, 7-bit stream number), plus the
// retransmission stream.
const MaxMedia = 128

// MaxKbps bounds a b= value: ASF bit rates are 32-bit bits per second (ASF
// Stream Bitrate Properties and Extended Stream Properties), so no ASF
// stream or sum of them described in kbit/s needs more than 2^32/1000.
const MaxKbps = 4294968

// maxIgnored bounds Description.Ignored; later problems are only counted.
const maxIgnored = 32

// Description is what a client needs from the SDP of a DESCRIBE response or
// an ANNOUNCE (MS-RTSP 2.2.5).
type Description struct {
	// Control is the aggregate control URL (MS-RTSP 2.2.5.2.1): the
	// session-level a=control resolved against the base given to Parse, or
	// the base itself when a=control is absent or "*" (RFC 2326 C.1.1).
	Control *url.URL
	// MaxPacketSize is a=maxps, the largest ASF packet in bytes (MS-RTSP
	// 2.2.5.2.2), or maxps= of an ASF a=fmtp (GStreamer); 0 when absent or
	// invalid (0 itself is invalid).
	MaxPacketSize uint32
	// Type holds the a=type features (MS-RTSP 2.2.5.2.6).
	Type Features
	// Header is the ASF file header: the Header Object, and with GStreamer
	// the 50-byte Data Object header after it. It does not alias the body.
	Header []byte
	// HeaderFromFmtp tells that Header came from config= in an a=fmtp line
	// (GStreamer's rtpasfpay) rather than from a=pgmpu (MS-RTSP 2.2.5.2.3.1).
	HeaderFromFmtp bool
	// ASF is Header parsed; it names the streams a=stream refers to.
	ASF *asf.Header
	// ContentDescription is the content description list of
	// a=pgmpu:data:application/x-wms-contentdesc, percent-decoded to its
	// UTF-8 text ([MS-WMSP] 2.2.4 syntax; MS-RTSP 2.2.5.2.3.2), or nil.
	ContentDescription []byte
	// Bandwidth holds the session-level b= lines (MS-RTSP 2.2.5.1).
	Bandwidth Bandwidth
	// Range is the raw session-level a=range value ("npt=3.000-6.185"), or "".
	Range string
	// Media lists the usable media descriptions in SDP order. Those that
	// could not be used are left out and listed in Ignored.
	Media []Media
	// Ignored lists, up to 32 entries, what was dropped: each error wraps
	// ErrInvalidMedia or ErrInvalidAttribute. IgnoredCount counts them all.
	Ignored      []error
	IgnoredCount int
	// SDP is the description as pion/sdp/v3 parsed it after Normalise, for
	// attributes this package does not interpret.
	SDP *sdp.SessionDescription
}

// Features are the a=type tokens (MS-RTSP 2.2.5.2.6.1 to 2.2.5.2.6.7).
// Unknown tokens are ignored (MS-RTSP 2.2.6: unknown tokens are ignored).
type Features struct {
	Broadcast    bool // the content is live
	LastEntry    bool // the last entry of a server-side playlist
	NotSeekable  bool // no seeking with Range
	NotStridable bool // no fast forward or rewind with Scale
	Playlist     bool // an entry of a server-side playlist
	SkipBackward bool // X-Playlist pl-offset=-1 is supported
	SkipForward  bool // X-Playlist pl-offset=1 is supported
}

// Bandwidth holds the b= modifiers of one level in kbit/s (RFC 4566 5.8,
// RFC 3556 2, MS-RTSP 2.2.5.1); -1 marks a modifier that is absent.
type Bandwidth struct {
	AS  int64 // peak bit rate (or average when they are equal)
	RS  int64 // RTCP sender report bandwidth; WMS sends 0
	RR  int64 // RTCP receiver report bandwidth; WMS sends 0
	XAV int64 // b=X-AV: average bit rate when it differs from AS
}

func noBandwidth() Bandwidth { return Bandwidth{AS: -1, RS: -1, RR: -1, XAV: -1} }

// Role is what a media description carries.
type Role int

const (
	// RoleASF: ASF data packets (x-asf-pf), maybe with FEC.
	RoleASF Role = iota + 1
	// RoleRetransmission: the retransmission and packet-pair stream
	// (x-wms-rtx, MS-RTSP 2.2.5.5).
	RoleRetransmission
	// RoleOther: none of the Windows Media encodings; the client has no
	// use for it.
	RoleOther
)

func (r Role) String() string {
	switch r {
	case RoleASF:
		return "asf"
	case RoleRetransmission:
		return "retransmission"
	case RoleOther:
		return "other"
	}
	return "invalid"
}

// Media is one media description (one m= line, MS-RTSP 2.2.5.3).
type Media struct {
	// Index is the position of the m= line among all of them, from 0.
	Index int
	// Kind is the m= media: "audio", "video" or "application" (or another
	// RFC 4566 media for RoleOther).
	Kind string
	// Role says what the description carries.
	Role Role
	// Control is the media control URL resolved against the aggregate
	// control URL (MS-RTSP 2.2.5.2.1); with a single media description and
	// no a=control it is the aggregate control URL.
	Control *url.URL
	// Stream is a=stream (MS-RTSP 2.2.5.2.5): the ASF stream number
	// (1–65534) of RoleASF, 65536–131070 for the retransmission stream.
	// 0 means a=stream was absent, which only a single ASF media
	// description may do: it then carries every stream of the ASF header in
	// one RTP session (GStreamer's rtpasfpay).
	Stream uint32
	// PayloadType is the RTP payload type of the x-asf-pf (RoleASF) or
	// x-wms-rtx (RoleRetransmission) format.
	PayloadType uint8
	// Formats are the payload types of the m= line, in its order.
	Formats []Format
	// Bandwidth holds the media-level b= lines (MS-RTSP 2.2.5.1).
	Bandwidth Bandwidth
	// Reliable is a=reliable: the stream prefers TCP (MS-RTSP 2.2.5.2.4).
	Reliable bool
	// FEC is the FEC payload type of this ASF stream, or nil (MS-RTSP
	// 2.2.5.4).
	FEC *FEC
}

// Format is one payload type of an m= line with its a=rtpmap and a=fmtp.
type Format struct {
	PayloadType uint8
	// Encoding is the a=rtpmap encoding name in lower case, "" without
	// a=rtpmap.
	Encoding string
	// ClockRate is the a=rtpmap clock rate, 0 without a=rtpmap.
	ClockRate uint32
	// Params is the raw a=fmtp text after the payload type, "" without one.
	Params string
}

// FEC is the x-wms-fec payload type of an ASF media description (MS-RTSP
// 2.2.5.4).
type FEC struct {
	PayloadType uint8
	// Control is the FEC URL of the a=fmtp line, resolved like a media
	// control URL (MS-RTSP 2.2.5.4, 2.2.5.2.1): a client SETUPs it to
	// receive the FEC packets.
	Control *url.URL
	// Params is the rest of the a=fmtp text after the URL, e.g. "24 1"
	// (fecspan and fecperspan in decimal), for package wmfec to parse.
	Params string
}

// ASFMedia returns the media descriptions that carry ASF data.
func (d *Description) ASFMedia() []*Media {
	var out []*Media
	for i := range d.Media {
		if d.Media[i].Role == RoleASF {
			out = append(out, &d.Media[i])
		}
	}
	return out
}

// Retransmission returns the first retransmission media description, or nil
// when the server offers none.
func (d *Description) Retransmission() *Media {
	for i := range d.Media {
		if d.Media[i].Role == RoleRetransmission {
			return &d.Media[i]
		}
	}
	return nil
}

// Stream returns the ASF media description of ASF stream n, or nil.
func (d *Description) Stream(n uint32) *Media {
	for i := range d.Media {
		if d.Media[i].Role == RoleASF && d.Media[i].Stream == n {
			return &d.Media[i]
		}
	}
	return nil
}

func (d *Description) ignore(err error) {
	d.IgnoredCount++
	if len(d.Ignored) < maxIgnored {
		d.Ignored = append(d.Ignored, err)
	}
}
