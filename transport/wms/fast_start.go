package wms

import "time"

// MaxAccelDuration bounds the media a fast start asks for at once.
const MaxAccelDuration = 120 * time.Second

// AccelAsFastAsPossible is the rate Windows Media Player asks for when it
// knows no link speed (MS-WMSP AccelBW, MS-MMSP dwAccelBandwidth): 2^31-1.
const AccelAsFastAsPossible = 2147483647

// FastStart is the fast start a client asks for ([MS-WMSP] 2.2.1.4.1–2
// AccelBW/AccelDuration; [MS-MMSP] 2.2.4.25 dwAccelBandwidth,
// dwAccelDuration): a rate in bits per second and how much media to send
// at it, from the link's bandwidth link (0: unknown), the content's bit
// rate rate and the buffer to fill.
//
// With the link rate L known and above the content rate r, sending at L
// fills a buffer B while playing once B·L/(L−r) of media has been sent at
// that rate; the duration asked is that (at least B, at most
// MaxAccelDuration). With L unknown the client asks as Windows Media
// Player does: as fast as possible for twice the buffer. A link no
// faster than 1.05 r leaves nothing to accelerate: bps 0, no fast start.
// The duration is whole milliseconds (the unit on the wire).
func FastStart(link, rate int64, buffer time.Duration) (bps int64, dur time.Duration) {
	switch {
	case link <= 0:
		bps, dur = AccelAsFastAsPossible, 2*buffer
	case rate > 0 && float64(link) > 1.05*float64(rate):
		k := float64(link) / float64(rate)
		bps = link
		dur = time.Duration(min(float64(buffer)*k/(k-1), float64(MaxAccelDuration)))
	default:
		return 0, 0
	}
	return bps, min(max(dur, buffer), MaxAccelDuration).Round(time.Millisecond)
}
