package transport

import "time"

// Stats is a snapshot of a session's counters. Fields a protocol does not
// measure stay zero. A counter is added here only with a protocol that
// feeds it (MS-RTSP's FEC and retransmission recovery will add theirs).
type Stats struct {
	// BytesReceived counts payload bytes read from the network or file.
	BytesReceived int64
	// PacketsReceived counts transport packets (ASF data packets).
	PacketsReceived int64
	// PacketsLost counts packets known to be missing (sequence gaps).
	PacketsLost int64
	// CorruptPackets counts packets that failed to parse and were skipped.
	CorruptPackets int64
	// PacketsDuplicate counts packets dropped because they repeated ones
	// already received (a server that resumes a dropped stream from an
	// earlier packet than the one asked for). Their bytes are in
	// BytesReceived; they are not in PacketsReceived.
	PacketsDuplicate int64
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
