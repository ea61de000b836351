package transport

// Tap receives the raw ASF of the presentation a session plays, as it
// arrives: what a recording (File → Save stream as…, eddyplay --record)
// writes to disk. Every ASF-carrying session honours Config.Tap —
// progressive files and HTTP, MMS over HTTP (MS-WMSP), RTSP (MS-RTSP) and
// multicast stations (MS-MSB) — calling it from the one place its packets
// enter its demuxer (asftrack.NewDemuxer and asftrack.Push), so the tap
// sees exactly what is played, in the same order. A session of another
// format (Smooth Streaming) never calls it.
//
// The methods are called from the session's goroutines, one call at a
// time, never concurrently for one session; they run on the receive path,
// so they must return promptly, and must not retain the slices they get.
type Tap interface {
	// Header is called with the ASF Header Object (ASF spec §3.1,
	// asf.Header.Raw: possibly followed by the Data Object's 50-byte
	// fixed part) each time the session starts a presentation with it:
	// when it opens, and again when a new header arrives mid-stream (the
	// next entry of a server-side playlist, a format change of a
	// station) or the session restarts the stream (a seek may bring the
	// same header again).
	Header(raw []byte)
	// Packet is called with each ASF data packet (ASF spec §5.2) of the
	// current header, in the order the demuxer gets it, before demuxing.
	// It may be shorter than the header's packet size: MS-WMSP and
	// MS-RTSP servers strip the padding (asf.RestorePadding gives it
	// back). Packets lost on the way are not given; a resent or
	// FEC-rebuilt one is, in its place.
	Packet(p []byte)
}
