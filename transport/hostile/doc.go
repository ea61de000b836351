// Package hostile is a harness of misbehaving servers for testing protocol
// clients, in the manner of net/http/httptest: a Server listens on a
// loopback port (127.0.0.1:0) and runs a script on every connection, with
// the primitives hostile servers are made of (close after the headers,
// stall, drip one byte at a time, lie about lengths, send garbage,
// endless headers, loops of redirects and authentication challenges, drop
// and replay). Run plays a URL through a transport.Registry the way the
// player does and measures what happened: the final error, the samples
// delivered (and any delivered twice), the time the fault took to end, the
// memory allocated and the bytes the server wrote.
//
// The servers write their bytes from the specifications' text, never with
// a client's own marshalling: HTTP/1.1 (RFC 9112) status lines, headers and
// bodies for progressive download, and for MS-WMSP the framing header and
// MMS data packet of [MS-WMSP] 2.2.3.1 ($H 2.2.3.5, $D 2.2.3.3, $E 2.2.3.4,
// $C 2.2.3.2) in Describe (2.2.2.1) and Play (2.2.2.6) responses, and
// for MS-MMSP the TcpMessageHeader (2.2.3), the server's messages of
// [MS-MMSP] 2.2.4 and the Data packets of 2.2.2 over TCP and UDP (MMSP),
// so a mistake shared by a client and its own fake server cannot hide.
//
// The scenarios and their expected outcomes are in this package's tests
// (hostile_test.go); a short table runs with go test, and
// scripts/hostile.sh runs the long randomized version (-hostile.long) and
// prints, per class of fault, the inputs tried, how many were handled
// cleanly and the time each fault took to end.
package hostile
