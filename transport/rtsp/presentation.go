package rtsp

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
	"github.com/eddyplayer/eddy/transport/rtsp/wmsdp"
)

// presentation is what the client takes from a DESCRIBE or ANNOUNCE SDP
// (MS-RTSP 2.2.5).
type presentation struct {
	// aggregate is the URL of PLAY, PAUSE, TEARDOWN and the logs.
	aggregate string
	// header is the ASF header (a=pgmpu, or config= in a=fmtp), hdr
	// its parse.
	header []byte
	hdr    *asf.Header
	// maxps is a=maxps (0: absent).
	maxps uint32
	// broadcast, notSeekable, notStridable: a=type flags (2.2.5.2.6).
	broadcast, notSeekable, notStridable bool
	// skipForward, skipBackward: a=type skipforward / skipbackward, the
	// server takes X-Playlist pl-offset=1 / -1 (2.2.5.2.6.6/7).
	skipForward, skipBackward bool
	media                     []mediaDesc
	// rtx is the retransmission stream (2.2.5.5), nil when absent.
	rtx *mediaDesc
}

// mediaDesc is one SDP media: an ASF stream, or every stream when the
// server sends the whole file in one RTP session (GStreamer).
type mediaDesc struct {
	control string // resolved control URL
	// kind is the m= media: "audio", "video" or "application".
	kind string
	pt   uint8
	// streams are the ASF stream numbers (a=stream); empty: all.
	streams []uint16
	fec     *fecDesc
}

// fecDesc is a media's FEC payload type (2.2.5.4).
type fecDesc struct {
	pt      uint8
	control string
	params  wmfec.Params
}

// parsePresentation takes what the session needs from an SDP: base is the
// URL relative control URLs resolve against (Content-Base, else
// Content-Location, else the request URL: RFC 2326 C.1.1).
func parsePresentation(body []byte, base *url.URL) (presentation, error) {
	d, err := wmsdp.Parse(body, base)
	if err != nil {
		return presentation{}, err
	}
	p := presentation{
		header:       d.Header,
		hdr:          d.ASF,
		maxps:        d.MaxPacketSize,
		broadcast:    d.Type.Broadcast,
		notSeekable:  d.Type.NotSeekable,
		notStridable: d.Type.NotStridable,
		skipForward:  d.Type.SkipForward,
		skipBackward: d.Type.SkipBackward,
	}
	if d.Control != nil {
		p.aggregate = strings.TrimSuffix(d.Control.String(), "/")
	}
	for _, m := range d.ASFMedia() {
		md := mediaDesc{control: m.Control.String(), kind: m.Kind, pt: m.PayloadType}
		if m.Stream != 0 {
			md.streams = []uint16{uint16(m.Stream)}
		}
		if f := m.FEC; f != nil && f.Control != nil {
			if fm, err := wmfec.ParseFmtp(f.Control.String() + " " + f.Params); err == nil {
				md.fec = &fecDesc{pt: f.PayloadType, control: f.Control.String(), params: fm.Params}
			}
		}
		p.media = append(p.media, md)
	}
	if len(p.media) == 0 {
		return presentation{}, fmt.Errorf("%w: the SDP has no ASF media", ErrProtocol)
	}
	if r := d.Retransmission(); r != nil && r.Control != nil {
		p.rtx = &mediaDesc{control: r.Control.String(), pt: r.PayloadType}
	}
	return p, nil
}
