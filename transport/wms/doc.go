// Package wms holds the pieces of the Windows Media streaming protocols
// that MS-WMSP (MMS over HTTP, transport/mmsh) and MS-RTSP (RTSP with the
// Windows Media extensions) share, so that neither client copies the
// other's:
//
//   - PacketPairBandwidth, the bottleneck-bandwidth arithmetic of a packet
//     pair ([MS-WMSP] 3.1.5.6 over $P packets; [MS-RTSP] 3.1.5.5 for the
//     $P packets of TcpPacketPair and 3.1.5.8 for packet-pair RTP).
//   - StartupProfile, the X-StartupProfile header of Advanced Fast Start
//     ([MS-WMSP] 2.2.1.12; [MS-RTSP] 2.2.6.28).
//   - CookieHeader, StoreCookies and CookieURL: one cookie jar for HTTP,
//     MS-WMSP and RTSP, the schemes treated as the same origin ([MS-WMSP]
//     2.2.1.3, 3.1.5.3; [MS-RTSP] 2.2.6.4, 2.2.6.9).
//
// Authentication lives in transport/auth, play logs in transport/wmlog.
// The package does no I/O and keeps no state.
package wms

import "errors"

// ErrMalformed reports a header value that breaks its syntax.
var ErrMalformed = errors.New("wms: malformed header value")
