// Package msb receives Media Stream Broadcast multicast ([MS-MSB]): a
// Windows Media station announced by an .nsc file (transport/nsc) is
// joined, its MSB packets (one ASF data packet each, 2.2.4) are put back
// in order, lost ones rebuilt from the XOR parity packets (2.2.2,
// 3.2.5.3), and the ASF payloads delivered as transport.Samples through
// the shared ASF demuxer (asf.Demuxer, transport/asftrack).
//
// The Dialer opens .nsc files from disk or HTTP, joins the group (IPv4 or
// IPv6) and waits for a Beacon or a packet of a known format up to the
// Open timer (3.2.3); when nothing comes it falls over to the station's
// Unicast URL through its Fallback dialer (3.2.6.1). The session ends at
// the End of Stream timer (3.2.6.2) and sends a play log to the station's
// Log URL (3.2.5.4, MS-WMLOG 2.3).
package msb
