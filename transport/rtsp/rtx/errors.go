package rtx

import "errors"

var (
	// ErrMalformed reports bytes that break the syntax they were parsed as
	// (an RTCP compound packet, an RTP packet, packet-pair data).
	ErrMalformed = errors.New("rtx: malformed packet")
	// ErrTooMany reports a NACK over the limits of MS-RTSP 3.1.4.6 and
	// 3.2.5.10 (32 generic NACK entries, 128 sequence numbers).
	ErrTooMany = errors.New("rtx: too many sequence numbers for one NACK")
	// ErrUnknownPayloadType reports a packet on the retransmission port
	// whose payload type is neither the rtx one nor a media one.
	ErrUnknownPayloadType = errors.New("rtx: unknown payload type on the retransmission port")
	// ErrSSRC reports packet-pair data from another SSRC than the one the
	// server named (MS-RTSP 3.1.5.8: the client MUST ignore it).
	ErrSSRC = errors.New("rtx: packet-pair data from an unexpected SSRC")
	// ErrConfig reports a configuration that cannot be used.
	ErrConfig = errors.New("rtx: invalid configuration")
)
