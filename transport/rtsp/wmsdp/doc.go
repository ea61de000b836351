// Package wmsdp parses the Session Description Protocol bodies of Windows
// Media RTSP servers: the DESCRIBE response and every ANNOUNCE of a
// server-side playlist (MS-RTSP 2.2.5, RFC 4566 with the RTSP rules of
// RFC 2326 Appendix C).
//
// Parse runs a small normalising pass (Normalise) so that
// github.com/pion/sdp/v3 accepts the line order real servers send, lets pion
// parse the lines, and then reads the Windows Media extensions: the aggregate
// control URL and the per-media control URLs resolved against it
// (MS-RTSP 2.2.5.2.1), a=maxps (2.2.5.2.2), the ASF file header from
// a=pgmpu (2.2.5.2.3.1) or from config= in a=fmtp (GStreamer's rtpasfpay),
// the content description list (2.2.5.2.3.2), a=type (2.2.5.2.6), the
// bandwidth modifiers AS, RS, RR and X-AV (2.2.5.1), and per media
// description its kind, payload types (x-asf-pf 2.2.5.3, x-wms-fec 2.2.5.4,
// x-wms-rtx 2.2.5.5), ASF stream number (a=stream, 2.2.5.2.5) and
// a=reliable (2.2.5.2.4).
//
// What the client cannot do without (the SDP syntax, the ASF header, the
// aggregate control URL, at least one ASF media description) is a fatal
// error. A defect confined to one media description or one optional
// attribute drops that piece and is listed in Description.Ignored, so a
// server that gets one line wrong still plays. Nothing read from the body is
// trusted: sizes, counts and numbers are checked against the limits below
// before they are used.
//
// The FEC parameters of a=fmtp are kept as the raw text after the FEC URL;
// package transport/rtsp/wmfec interprets them.
package wmsdp
