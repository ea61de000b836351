package rtsptest

import (
	"time"

	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
)

// Style is how the DESCRIBE answer is written.
type Style int

const (
	// StyleWMS writes the SDP as Windows Media Services does (MS-RTSP
	// 2.2.5, digest §5 and §8): a=maxps before t=, the ASF header in
	// a=pgmpu, one m= line per ASF stream with a=stream:N, the FEC payload
	// type on the stream's m= line, an rtx m= line. Each RTP session
	// carries the ASF packets of its own ASF stream, the payloads of the
	// other streams removed (MS-RTSP 3.2.4.3).
	StyleWMS Style = iota
	// StyleGStreamer writes it as GStreamer's rtpasfpay does (peers
	// README §6): one m=application for the whole file, no a=stream, the
	// ASF header (with the Data Object's 50 bytes) in config= of a=fmtp,
	// maxps= there too, no MS-RTSP headers. The single RTP session carries
	// every ASF packet whole (padding stripped), fragments in offset mode.
	StyleGStreamer
)

// Config configures a Server. The zero value (with Entries set) serves
// one file as Windows Media Services 9 would, over TCP or UDP, without
// FEC or retransmission, as fast as the connection takes it.
type Config struct {
	// Entries are the ASF files served; more than one makes a
	// server-side playlist (EndOfStream with End-Of-Playlist-Entry, then
	// ANNOUNCE of the next entry, MS-RTSP 3.2.4.1, 3.2.4.2).
	Entries [][]byte
	// Path is the content's path; default "/content.wmv".
	Path string
	// Style of the SDP; default StyleWMS.
	Style Style

	// FEC, when set, offers FEC for every ASF stream (an x-wms-fec payload
	// type and a=fmtp:<pt> <stream>/fec <span> <perspan>, MS-RTSP 2.2.5.4)
	// and is what a FEC SETUP that asks nothing is given. A SETUP that
	// gives fec-parameters gets them if they are valid (2.2.6.11).
	FEC *wmfec.Params
	// RTX offers the retransmission stream (x-wms-rtx, a=stream:65536,
	// a=control:rtx, MS-RTSP 2.2.5.5): once it is set up over UDP, RTCP
	// generic NACKs on its RTCP port get the packets named resent to its
	// client port (2.2.3.1, 3.2.5.10).
	RTX bool

	// Speed paces the packets by their ASF send times: 1 is real time, 2
	// twice as fast. 0 sends as fast as the connection takes them. Fast
	// start (X-Accelerate-Streaming) and Scale apply on top of it.
	Speed float64
	// Sleep waits d before the next packet, or returns false when stop
	// is closed first; default a real timer. Tests replace it to see the
	// pacing without waiting.
	Sleep func(d time.Duration, stop <-chan struct{}) bool
	// Now stamps the recorded requests; default time.Now.
	Now func() time.Time

	// MaxPayloadSize is the largest RTP payload (payload format headers
	// and ASF bytes); default 1400 (GStreamer's MTU; MS-RTSP 4.1 counts
	// 1460 for a 1500-byte IP packet).
	MaxPayloadSize int
	// KeepPadding sends the ASF packets with their padding (a server
	// SHOULD strip it, MS-RTSP 2.2.1.4).
	KeepPadding bool
	// TimestampBase is added to every RTP timestamp (ASF send time in ms,
	// 2.2.1.2) modulo 2^32: a value near 2^32 makes them wrap.
	TimestampBase uint32
	// FirstSeq is the sequence number of the first RTP packet of every
	// stream; default 1000 (a value near 65535 makes them wrap).
	FirstSeq uint16
	// SessionID is the Session header's id; default
	// "13856065358275910855", larger than int64 (MS-RTSP 2.2.7.1's
	// example).
	SessionID string
	// SessionTimeout is the timeout= of the Session header in seconds;
	// default 60.
	SessionTimeout int
	// IdleTimeout closes a control connection that sends nothing for that
	// long (MS-RTSP 3.2.2 Idle-Timeout) unless media go over it; default
	// SessionTimeout + 5 s.
	IdleTimeout time.Duration
	// Server is the Server header; default "WMServer/9.1.1.5000" (WMS
	// style), "GStreamer RTSP server" (GStreamer style).
	Server string
	// Supported is the Supported header's tokens; default the features
	// this server implements (eosmsg, sswitch, srvppair, fastcache,
	// packetpairssrc). GStreamer style sends none.
	Supported []string
	// BroadcastID is the X-Broadcast-Id of DESCRIBE and ANNOUNCE (0 for
	// on-demand content, MS-RTSP 3.2.7.8).
	BroadcastID uint32
	// PlaylistGenID is the X-Playlist-Gen-Id of the first entry of a
	// playlist (the next entries count on from it); default 5351. A
	// single file has none (Playlist-gen-id 0).
	PlaylistGenID uint32
	// RenamedStreams names the audio and video streams of every entry
	// after the first "<media>=<number>" (audio=2, video=1), as MS-RTSP
	// 4.4.4.2 and 4.4.4.3's examples do, instead of "audio" and "video".
	// The streams the server predicts for such an entry (2.2.6.27) then
	// have other URLs than the SETUPs of the RTP sessions they travel in:
	// each set-up slot carries the entry's first stream of its media
	// type, listed in X-RTP-Info, RTP-Info and EndOfStream under its own
	// URL. Deselecting one takes a TEARDOWN on the slot's SETUP URL with
	// the SSEntry body naming it (2.2.7.10.2).
	RenamedStreams bool
	// Types is added to a=type (e.g. "notseekable"); a playlist adds
	// "playlist" and the last entry "lastentry" (MS-RTSP 2.2.5.2.6).
	Types []string
	// RemoteLog subscribes the client to remote-log events: the
	// Cache-Control of the DESCRIBE and ANNOUNCE answers holds
	// x-wms-event-subscription="remote-log" (MS-RTSP 2.2.6.2.10), so a
	// client whose PLAY asked for Speed sends a SendEvent (3.1.4.9).
	RemoteLog bool
	// MaxAccelBandwidth caps the AccelBandwidth granted in bits per
	// second; default 2,000,000 (Windows Media Services' cap, MS-RTSP
	// §6 note <32>).
	MaxAccelBandwidth uint32
	// MaxAccelDuration caps the AccelDuration granted in ms; 0 grants
	// what is asked.
	MaxAccelDuration uint32

	// Auth demands credentials on DESCRIBE.
	Auth *Auth
	// Redirects answer a DESCRIBE of a path with a redirect: path →
	// (status, Location); the connection is then closed (3.2.5.4).
	Redirects map[string]Redirect

	// Faults inject failures.
	Faults Faults
}

// Auth is the Basic challenge of a server that checks credentials on
// DESCRIBE only (MS-RTSP 3.2.7.12). The connection stays open after a
// 401 (3.2.5.4).
type Auth struct {
	User, Password string
	// Realm of the challenge; default "eddy".
	Realm string
}

// Redirect is the answer to a DESCRIBE of a path: 302 (another server)
// or 305 (a proxy) with Location (MS-RTSP 3.2.5.4).
type Redirect struct {
	Status   int
	Location string
}

// Faults are failures the server injects. Loss, duplication and
// reordering act on the wire, after FEC encoding, as a lossy path does;
// resent packets are not lost unless LoseResent is set.
type Faults struct {
	// DropSeqs are sequence numbers of media (x-asf-pf) RTP packets not
	// sent, in every media stream; DropFECSeqs the same for FEC packets.
	DropSeqs, DropFECSeqs []uint16
	// LossRate loses each media and FEC packet with this probability,
	// from a generator seeded with LossSeed (the same seed loses the same
	// packets).
	LossRate float64
	LossSeed int64
	// LoseResent applies LossRate to resent packets too.
	LoseResent bool
	// ReorderEvery, when > 0, holds back every Nth RTP packet and sends
	// it after the next one.
	ReorderEvery int
	// DuplicateEvery, when > 0, sends every Nth RTP packet twice.
	DuplicateEvery int
	// StallAfter, when > 0, stops sending after that many media RTP
	// packets of a PLAY (the connection stays open, requests are still
	// answered).
	StallAfter int
	// CloseAfter, when > 0, closes the control connection after that many
	// media RTP packets.
	CloseAfter int
	// GarbageAfter, when > 0, sends after that many media RTP packets
	// what is not a packet: over TCP 64 bytes of junk between frames and
	// an interleaved frame on a channel nobody set up; over UDP a
	// datagram of junk to the media port.
	GarbageAfter int
	// WrongSourceAfter, when > 0, sends over UDP after that many media RTP
	// packets, from another socket (another source port), a well-formed
	// RTP packet with the stream's SSRC, the next sequence number and a
	// payload of junk: a client must drop it for its source.
	WrongSourceAfter int
	// DescribeLengthDelta is added to the Content-Length of the DESCRIBE
	// answer: > 0 promises bytes that never come (the connection stays
	// open), < 0 leaves the end of the SDP as junk after the message.
	DescribeLengthDelta int
	// RefuseUDP answers a SETUP that offers only UDP with 461 Unsupported
	// Transport (a TCP alternative is taken).
	RefuseUDP bool
	// DescribeStatus, SetupStatus and PlayStatus answer those requests
	// with this status instead.
	DescribeStatus, SetupStatus, PlayStatus int
	// NoEndOfStream ends the stream without the EndOfStream request.
	NoEndOfStream bool
	// TailAfterAnnounce, when > 0, holds back the last that many RTP
	// packets an entry sends over UDP and sends them once the client has
	// answered the next entry's ANNOUNCE (or the EndOfStream, when no
	// entry follows): a path that delays them past the requests on the
	// control connection (MS-RTSP 3.1.5.13).
	TailAfterAnnounce int
}
