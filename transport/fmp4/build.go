package fmp4

import (
	"fmt"
	"math"
)

// FragmentSample is one sample for BuildFragment.
type FragmentSample struct {
	Duration          uint32
	CompositionOffset int32
	// Flags are the sample's flags: SyncSampleFlags for a key frame,
	// NonSyncSampleFlags otherwise.
	Flags SampleFlags
	Data  []byte
}

// FragmentSpec describes a one-track fragment for BuildFragment.
type FragmentSpec struct {
	SequenceNumber uint32
	TrackID        uint32
	Samples        []FragmentSample
	// Tfdt, Tfxd and Tfrf are written when not nil.
	Tfdt *Tfdt
	Tfxd *Tfxd
	Tfrf *Tfrf
}

// BuildFragment returns a Smooth Streaming fragment response (MS-SSTR
// 2.2.4): a moof with an mfhd and one traf (tfhd, [tfdt], a version 1
// trun with every per-sample field and the data offset from the moof's
// start that 2.2.4.7 requires, [tfxd], [tfrf]), then the mdat holding the
// samples back to back. It is what a fake server sends.
func BuildFragment(s FragmentSpec) ([]byte, error) {
	tr := Traf{
		Tfhd: Tfhd{TrackID: s.TrackID},
		Tfdt: s.Tfdt,
		Truns: []Trun{{Version: 1, Flags: TrunDataOffset | TrunSampleDuration | TrunSampleSize | TrunSampleFlags | TrunSampleCompositionTimeOffset,
			Entries: make([]TrunEntry, len(s.Samples))}},
		Tfxd: s.Tfxd,
		Tfrf: s.Tfrf,
	}
	data := 0
	for i, x := range s.Samples {
		if uint64(len(x.Data)) > math.MaxUint32 || data > DefaultMaxSize {
			return nil, fmt.Errorf("%w: fragment data beyond %d bytes", ErrTooLarge, DefaultMaxSize)
		}
		data += len(x.Data)
		tr.Truns[0].Entries[i] = TrunEntry{Duration: x.Duration, Size: uint32(len(x.Data)), Flags: x.Flags, CompositionOffset: int64(x.CompositionOffset)}
	}
	moof := Moof{Mfhd: Mfhd{SequenceNumber: s.SequenceNumber}, Trafs: []Traf{tr}}
	mdatHdr := headerLen(data, false)
	moofSize := moof.MarshalSize()
	if moofSize+mdatHdr > math.MaxInt32 {
		return nil, fmt.Errorf("%w: moof of %d bytes", ErrTooLarge, moofSize)
	}
	moof.Trafs[0].Truns[0].DataOffset = int32(moofSize + mdatHdr)
	out := make([]byte, moofSize+mdatHdr+data)
	if _, err := moof.MarshalTo(out); err != nil {
		return nil, err
	}
	o := moofSize + putHeader(out[moofSize:], TypeMdat, mdatHdr+data, nil)
	for _, x := range s.Samples {
		o += copy(out[o:], x.Data)
	}
	return out, nil
}
