package asf

import (
	"encoding/binary"
	"iter"
)

// Payload is one payload of a data packet (ASF spec §5.2.3). Data and
// Replicated alias the buffer given to Packet.Unmarshal.
type Payload struct {
	// Stream is the stream number (bits 0-6 of the Stream Number field).
	Stream uint8
	// Key is bit 7 of the Stream Number field: the payload belongs to a key
	// frame (clean point).
	Key bool
	// ObjectNumber is the Media Object Number (it wraps at the field width).
	ObjectNumber uint32
	// Offset is the Offset Into Media Object (0 for a compressed payload,
	// whose field holds the presentation time instead).
	Offset uint32
	// ObjectSize and PresentationTime (ms, preroll included) come from the
	// first 8 bytes of the replicated data; for a compressed payload
	// PresentationTime is that of the first sub-payload and ObjectSize is 0.
	// Both are 0 when there is no replicated data.
	ObjectSize       uint32
	PresentationTime uint32
	// Replicated is the raw replicated data (for ≥ 8 bytes: object size,
	// presentation time, then payload extension data).
	Replicated []byte
	// Data is the payload data; for a compressed payload, the run of
	// sub-payloads ({length BYTE, data}).
	Data []byte
	// Compressed marks a compressed payload (Replicated Data Length 1, ASF
	// spec §5.2.3.3): Data holds complete media objects, the k-th presented
	// at PresentationTime + k·TimeDelta ms.
	Compressed bool
	TimeDelta  uint8
}

// SubPayloads iterates over the sub-payloads of a compressed payload,
// yielding each one's presentation time (ms, preroll included) and data
// (aliasing Data). Packet.Unmarshal has checked that the run is well formed;
// on a hand-built malformed run the iteration stops at the first sub-payload
// that does not fit.
func (p *Payload) SubPayloads() iter.Seq2[uint32, []byte] {
	return func(yield func(uint32, []byte) bool) {
		if !p.Compressed {
			return
		}
		t := p.PresentationTime
		for i := 0; i < len(p.Data); {
			n := int(p.Data[i])
			if i+1+n > len(p.Data) {
				return
			}
			if !yield(t, p.Data[i+1:i+1+n]) {
				return
			}
			t += uint32(p.TimeDelta)
			i += 1 + n
		}
	}
}

// validSubPayloads checks that a compressed payload's data is a sequence of
// {length, data} that ends exactly at the end.
func validSubPayloads(b []byte) bool {
	i := 0
	for i < len(b) {
		i += 1 + int(b[i])
	}
	return i == len(b)
}

// replicatedForm returns the replicated data Marshal writes: the length and
// whether bytes 0-7 are object size + presentation time.
func (p *Payload) replicatedLen() (n int, sizeTime bool) {
	switch {
	case p.Compressed:
		return 1, false
	case len(p.Replicated) >= 8:
		return len(p.Replicated), true
	case len(p.Replicated) > 0:
		return len(p.Replicated), false
	case p.ObjectSize != 0 || p.PresentationTime != 0:
		return 8, true
	}
	return 0, false
}

func (p *Payload) putReplicated(b []byte) {
	n, sizeTime := p.replicatedLen()
	switch {
	case p.Compressed:
		b[0] = p.TimeDelta
	case sizeTime:
		binary.LittleEndian.PutUint32(b[0:], p.ObjectSize)
		binary.LittleEndian.PutUint32(b[4:], p.PresentationTime)
		if len(p.Replicated) > 8 {
			copy(b[8:n], p.Replicated[8:])
		}
	default:
		copy(b[:n], p.Replicated)
	}
}
