// Package wmfec implements the forward error correction of the Windows Media
// RTSP extensions ([MS-RTSP] 2.2.2): a systematic Reed–Solomon code built from
// a Vandermonde matrix over GF(2^8), the 16-byte FEC header that follows the
// RTP header of a FEC packet, the x-wms-fec parameters of the SDP and of the
// Transport header, an Encoder (for servers and tests) and a Decoder (for the
// client) that rebuilds lost source RTP packets, header fields included.
//
// A client learns the parameters from the SDP (ParseFmtp, [MS-RTSP] 2.2.5.4)
// and from the Transport header of the SETUP response for the FEC URL
// (ParseTransportParams, [MS-RTSP] 2.2.6.11), then feeds a Decoder every
// packet of the RTP session, separated by payload type:
//
//	dec, err := wmfec.NewDecoder(wmfec.DecoderConfig{Params: params})
//	...
//	for each RTP packet p of the session:
//		if p.PayloadType == fecPT {
//			rebuilt = dec.PushFEC(p) // the FEC packet itself is then dropped ([MS-RTSP] 3.1.5.12.2)
//		} else {
//			rebuilt = dec.PushMedia(p) // p goes on to the reorder list as usual
//		}
//		for each r in rebuilt: hand r to the reorder list like a received packet
//	at the end of the stream: rebuilt = dec.Flush()
//
// The Decoder is synchronous and owns no goroutine or clock: packets are the
// only events. Its memory is bounded by DecoderConfig.Window, counted in Total
// Spans (FecSpan × FecBurstMargin source packets, [MS-RTSP] 3.2.4.3).
//
// Specification errata this package follows (the worked values are in the
// tests): Figure 8 of [MS-RTSP] 4.2 prints exp[0x4A] as 0x99 (it is 0x89),
// log[0x12] as 227 (224) and log[0xDE] as 65 (62); the FEC rows of Figure 12
// are not the product of the generator and the source packets; and the
// 0x18 bound of (FecSpan−1)×FecBurstMargin in 2.2.6.11 would allow a Mask
// index of 24, which the 24-bit Mask cannot hold, so 23 is the limit here.
package wmfec
