package msb

import "sync/atomic"

// Counters are the MSB session's own counters, beyond transport.Stats.
type Counters struct {
	// Datagrams counts every datagram read from the socket.
	Datagrams int64
	// Beacons counts Beacon packets ([MS-MSB] 2.2.3).
	Beacons int64
	// Received counts data packets that arrived (first time, in time);
	// Parity the parity packets; Recovered the data packets rebuilt from
	// them ([MS-MSB] 3.2.5.3); Lost those missing and not rebuilt.
	Received, Parity, Recovered, Lost int64
	// Duplicate counts data or parity packets that came twice; Late those
	// that came after their place was given up.
	Duplicate, Late int64
	// WrongSource counts datagrams from another address than the
	// station's Multicast Adapter ([MS-MSB] 5.1); UnknownFormat MSB
	// packets whose wStreamID names no Format of the station (3.2.5.2);
	// Malformed datagrams that are neither a Beacon nor a valid MSB packet
	// with a readable ASF error correction header.
	WrongSource, UnknownFormat, Malformed int64
	// Resyncs counts jumps of dwPacketID too large to be losses (a server
	// restarted its sequence): delivery went on from the new ID.
	Resyncs int64
	// Bytes counts the bytes of MSB packets of known formats.
	Bytes int64
}

// counters is the atomic form the receiving goroutine updates.
type counters struct {
	datagrams, beacons, received, parity, recovered, lost  atomic.Int64
	duplicate, late, wrongSource, unknownFormat, malformed atomic.Int64
	resyncs, bytes                                         atomic.Int64
}

func (c *counters) snapshot() Counters {
	return Counters{
		Datagrams: c.datagrams.Load(), Beacons: c.beacons.Load(),
		Received: c.received.Load(), Parity: c.parity.Load(), Recovered: c.recovered.Load(), Lost: c.lost.Load(),
		Duplicate: c.duplicate.Load(), Late: c.late.Load(),
		WrongSource: c.wrongSource.Load(), UnknownFormat: c.unknownFormat.Load(), Malformed: c.malformed.Load(),
		Resyncs: c.resyncs.Load(), Bytes: c.bytes.Load(),
	}
}
