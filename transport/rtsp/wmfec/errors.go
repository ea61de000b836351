package wmfec

import "errors"

var (
	// ErrShortBuffer reports a buffer too short for a FEC header
	// ([MS-RTSP] 2.2.2.4: 16 bytes).
	ErrShortBuffer = errors.New("wmfec: buffer too short")
	// ErrFieldRange reports a header field beyond its width (PT Recovery is
	// 7 bits, Mask 24 bits, FecIndex, FecPktSpan and ExFlags 5 bits), or a
	// span that cannot be coded: no packet, more than 24, sequence numbers
	// not within 24 of the first, a payload over 65535 bytes.
	ErrFieldRange = errors.New("wmfec: value out of range")
	// ErrSyntax reports x-wms-fec parameters that break the syntax of
	// [MS-RTSP] 2.2.5.4 (a=fmtp) or 2.2.6.11 (Transport).
	ErrSyntax = errors.New("wmfec: bad FEC parameter syntax")
	// ErrParamRange reports FEC parameters outside the ranges of
	// [MS-RTSP] 2.2.5.4 and 2.2.6.11.
	ErrParamRange = errors.New("wmfec: FEC parameter out of range")
	// ErrNoFECParams reports a Transport header without fec-parameters.
	ErrNoFECParams = errors.New("wmfec: no fec-parameters in Transport")
	// ErrMixedPayloadTypes reports a span whose source packets have payload
	// types the 7-bit PT Recovery field cannot carry a combination of
	// ([MS-RTSP] 2.2.2.4).
	ErrMixedPayloadTypes = errors.New("wmfec: the span's payload types cannot be coded in 7 bits")
)
