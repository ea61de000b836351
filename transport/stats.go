package transport

import "time"

// Stats is a snapshot of a session's counters. Fields a protocol does not
// measure stay zero. The packet counters follow the play-log fields of
// MS-WMLOG 2.1 (named at each): a packet is counted in exactly one of
// PacketsReceived, PacketsRecoveredFEC, PacketsRecoveredResent and
// PacketsLost, except that a packet given up as lost and arriving after
// all stays in PacketsLost and is counted in PacketsLate too.
type Stats struct {
	// BytesReceived counts payload bytes read from the network or file.
	BytesReceived int64
	// PacketsReceived counts transport packets (ASF data packets) that
	// arrived intact on the first attempt, in time (c-pkts-received,
	// MS-WMLOG 2.1.15). Fed by every transport.
	PacketsReceived int64
	// PacketsLost counts packets known to be missing (sequence gaps) and
	// not recovered (c-pkts-lost-client, MS-WMLOG 2.1.12). MS-WMSP counts
	// LocationId gaps; MS-RTSP counts the RTP sequence numbers its jitter
	// buffer gave up on at their playout deadline.
	PacketsLost int64
	// CorruptPackets counts packets that failed to parse and were skipped.
	CorruptPackets int64
	// PacketsDuplicate counts packets dropped because they repeated ones
	// already received (a server that resumes a dropped stream from an
	// earlier packet than the one asked for; an RTP packet that arrives
	// twice, or a retransmission of one that came after all). Their bytes
	// are in BytesReceived; they are not in PacketsReceived.
	PacketsDuplicate int64
	// PacketsRecoveredFEC counts packets lost on the network and rebuilt
	// from forward-error-correction packets before their playout deadline
	// (c-pkts-recovered-ECC, MS-WMLOG 2.1.16). Fed by MS-RTSP (x-wms-fec,
	// MS-RTSP 2.2.2, 3.1.5.12.1).
	PacketsRecoveredFEC int64
	// PacketsRecoveredResent counts packets that were missing and arrived
	// as retransmissions before their playout deadline
	// (c-pkts-recovered-resent, MS-WMLOG 2.1.17). Fed by MS-RTSP
	// (x-wms-rtx packets answering its NACKs, MS-RTSP 2.2.3.1).
	PacketsRecoveredResent int64
	// NACKsSent counts the retransmission requests sent: each lost RTP
	// sequence number asked for, once per time it is asked for (one RTCP
	// generic NACK packet carries many; c-resendreqs, MS-WMLOG 2.1.23).
	// Fed by MS-RTSP (MS-RTSP 2.2.4, 3.1.4.6).
	NACKsSent int64
	// PacketsLate counts packets that arrived after their playout
	// deadline, once the jitter buffer had given them up (they stay in
	// PacketsLost) or had already played past them; they are dropped.
	// Fed by MS-RTSP.
	PacketsLate int64
	// Jitter is the current interarrival jitter of the media RTP stream,
	// RFC 3550 6.4.1 (the running estimate J, converted from RTP
	// timestamp units to time). Fed by MS-RTSP; zero where nothing
	// measures it.
	Jitter time.Duration
	// BandwidthBps is the measured or estimated link bandwidth.
	BandwidthBps int64
	// Reconnects counts transparent reconnections.
	Reconnects int
	// LogPosts counts play-log submissions that the server accepted.
	LogPosts int
	// FastStart reports that the server accelerated the start of the stream.
	FastStart bool
	// Elapsed is the time since the session was opened.
	Elapsed time.Duration
}
