package fmp4

import (
	"fmt"
	"math"
)

// TrackDefaults are a track's sample defaults from an init segment's
// Track Extends box (trex, ISO/IEC 14496-12 8.8.3), used where neither
// the trun nor the tfhd gives a value.
type TrackDefaults struct {
	TrackID                       uint32
	DefaultSampleDescriptionIndex uint32
	DefaultSampleDuration         uint32
	DefaultSampleSize             uint32
	DefaultSampleFlags            SampleFlags
}

// Options tune ParseFragment. The zero value is ready to use.
type Options struct {
	// MaxSize caps the fragment (the buffer given); default
	// DefaultMaxSize (64 MiB).
	MaxSize int
	// MaxSamples caps the samples of the fragment, all tracks together;
	// default DefaultMaxSamples.
	MaxSamples int
	// StartTime is the decode time of a traf's first sample when the
	// fragment carries none (no tfdt, no tfxd, or IgnoreTfxd): for Smooth
	// on-demand, the fragment's start time t from the manifest.
	StartTime uint64
	// IgnoreTfxd makes decode times come from StartTime instead of the
	// tfxd (MS-SSTR 2.2.4.4: on-demand clients SHOULD ignore it). The
	// tfxd is reported in TrackFragment.Tfxd either way.
	IgnoreTfxd bool
	// FileOffset is the position of the buffer's first byte in the file,
	// for a tfhd base_data_offset (an absolute file position, ISO/IEC
	// 14496-12 8.8.7.1) when the buffer is a slice of a whole file.
	FileOffset uint64
	// Defaults are the trex defaults of the init segment's tracks (nil
	// for Smooth Streaming, which has no moov).
	Defaults []TrackDefaults
}

// TimeSource says where a traf's base decode time came from.
type TimeSource uint8

// The sources of a traf's base decode time, in the order ParseFragment
// tries them.
const (
	TimeFromTfdt    TimeSource = iota // ISO/IEC 14496-12 8.8.12
	TimeFromTfxd                      // MS-SSTR 2.2.4.4
	TimeFromOptions                   // Options.StartTime
)

// String names the source.
func (s TimeSource) String() string {
	switch s {
	case TimeFromTfdt:
		return "tfdt"
	case TimeFromTfxd:
		return "tfxd"
	case TimeFromOptions:
		return "caller"
	}
	return fmt.Sprintf("TimeSource(%d)", uint8(s))
}

// Sample is one sample of a fragment, its defaults resolved (trun, then
// the first-sample flags, then tfhd, then trex).
type Sample struct {
	// DecodeTime is in the track's timescale: the traf's base decode
	// time plus the durations of the samples before it.
	DecodeTime uint64
	Duration   uint32
	// CompositionOffset is the presentation time minus the decode time.
	CompositionOffset int64
	Size              uint32
	Flags             SampleFlags
	// Sync is true for a random-access point: sample_is_non_sync_sample
	// is clear.
	Sync bool
	// Offset is the sample's position in the buffer given to
	// ParseFragment; Data the Size bytes there (aliasing that buffer), or
	// nil for a fragment without an mdat (a FragmentInfo response,
	// MS-SSTR 2.2.4).
	Offset int
	Data   []byte
}

// TrackFragment is one traf of a fragment.
type TrackFragment struct {
	TrackID uint32
	Tfhd    Tfhd
	// Tfdt, Tfxd and Tfrf are nil when absent. Tfrf lists the fragments
	// that follow this one in a live track (MS-SSTR 2.2.4.5).
	Tfdt *Tfdt
	Tfxd *Tfxd
	Tfrf *Tfrf
	// Sdtp is the sdtp's per-sample bytes (aliasing the buffer), nil
	// when absent.
	Sdtp []byte
	// BaseDecodeTime is the first sample's decode time, from TimeSource.
	BaseDecodeTime uint64
	TimeSource     TimeSource
	// Duration is the sum of the samples' durations.
	Duration uint64
	Samples  []Sample
}

// Fragment is a parsed movie fragment: a moof and its mdat.
type Fragment struct {
	SequenceNumber uint32
	Tracks         []TrackFragment
	// MoofOffset is the moof's position in the buffer.
	MoofOffset int
	// Mdat is the mdat's payload (aliasing the buffer), nil when no mdat
	// follows the moof.
	Mdat []byte
	// Size is how many bytes of the buffer the fragment took, through
	// the end of its mdat (or of its moof without an mdat); boxes before
	// the moof (styp, sidx, free) included.
	Size int
}

// Track returns the traf of a track, or nil.
func (f *Fragment) Track(id uint32) *TrackFragment {
	for i := range f.Tracks {
		if f.Tracks[i].TrackID == id {
			return &f.Tracks[i]
		}
	}
	return nil
}

// ParseFragment parses a movie fragment at the start of b: boxes before
// the moof are skipped, then the moof (MS-SSTR 2.2.4.1) and the mdat that
// follows it (2.2.4.8; absent in a FragmentInfo response). Every sample's
// data is located and bounds-checked against that mdat's payload:
//
//   - a trun's data_offset counts from the base data offset, which is the
//     tfhd's base_data_offset when present (an absolute file position:
//     see Options.FileOffset), else the moof's first byte when
//     default-base-is-moof is set or for the first traf (ISO/IEC 14496-12
//     8.8.7.1; MS-SSTR 2.2.4.7: "the offset from the beginning of the
//     MoofBox"), else the end of the previous traf's data;
//   - a trun without data_offset continues after the previous run's data;
//     the first run of a traf whose base is implicit starts at the mdat's
//     payload (as the digest reads MS-SSTR 2.2.4.6; ISO would point into
//     the moof itself).
//
// The result aliases b. Nothing in b is trusted: sizes, counts and offsets
// are checked before use, and allocation is bounded by len(b).
func ParseFragment(b []byte, opts Options) (*Fragment, error) {
	maxSize := opts.MaxSize
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	if len(b) > maxSize {
		return nil, fmt.Errorf("%w: fragment of %d bytes (limit %d)", ErrTooLarge, len(b), maxSize)
	}
	maxSamples := opts.MaxSamples
	if maxSamples <= 0 {
		maxSamples = DefaultMaxSamples
	}
	// Each sample takes at least one byte of the fragment in a sane
	// file (its trun fields or its data); this bounds allocation by the
	// input's size even for a trun without per-sample fields.
	maxSamples = min(maxSamples, len(b))

	var moof, mdat []byte
	moofOff, mdatOff, end := -1, -1, 0
	err := forEachBox(b, func(c childBox) error {
		switch {
		case moof == nil && c.Type == TypeMoof:
			moof, moofOff = c.box, c.offset
		case moof != nil && c.Type == TypeMdat:
			mdat, mdatOff = c.payload, c.offset+c.HeaderSize
		case moof != nil && c.Type == TypeMoof:
			return errStop // the next fragment: this one has no mdat
		}
		end = c.offset + len(c.box)
		if mdat != nil {
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		return nil, fmt.Errorf("fragment: %w", err)
	}
	if moof == nil {
		return nil, fmt.Errorf("%w: no moof in %d bytes", ErrMissingBox, len(b))
	}
	f := &Fragment{MoofOffset: moofOff, Mdat: mdat, Size: end}

	// First pass: find the trafs and count the samples.
	hdr, _ := ReadBoxHeader(moof)
	type trafRef struct {
		boxes trafBoxes
		runs  []trunView
	}
	var trafs []trafRef
	total := 0
	mfhd, err := scanMoof(moof[hdr.HeaderSize:], func(c childBox) error {
		bx, err := scanTraf(c.payload)
		if err != nil {
			return err
		}
		tr := trafRef{boxes: bx, runs: make([]trunView, len(bx.truns))}
		for i, tb := range bx.truns {
			h, _ := ReadBoxHeader(tb)
			v, err := parseTrun(tb[h.HeaderSize:], maxSamples)
			if err != nil {
				return fmt.Errorf("traf %d: trun %d: %w", len(trafs), i, err)
			}
			total += v.count
			if total > maxSamples {
				return fmt.Errorf("%w: more than %d samples in a %d-byte fragment", ErrTooLarge, maxSamples, len(b))
			}
			tr.runs[i] = v
		}
		trafs = append(trafs, tr)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var mf Mfhd
	if _, err := mf.Unmarshal(mfhd); err != nil {
		return nil, fmt.Errorf("moof: %w", err)
	}
	f.SequenceNumber = mf.SequenceNumber

	samples := make([]Sample, total)
	f.Tracks = make([]TrackFragment, len(trafs))
	var prevEnd int64 = -1 // end of the previous traf's data
	for ti := range trafs {
		t := &f.Tracks[ti]
		tr := &trafs[ti]
		n := 0
		for _, r := range tr.runs {
			n += r.count
		}
		t.Samples, samples = samples[:n:n], samples[n:]
		end, err := resolveTraf(t, tr.boxes, tr.runs, b, moofOff, mdatOff, mdatOff+len(mdat), prevEnd, &opts)
		if err != nil {
			return nil, fmt.Errorf("traf %d: %w", ti, err)
		}
		prevEnd = end
	}
	return f, nil
}

// errStop ends a forEachBox walk early.
var errStop = fmt.Errorf("stop")

// maxBase bounds data offsets so their sums cannot overflow an int64.
const maxBase = 1 << 62

// resolveTraf fills t from a traf's boxes and runs: headers, base decode
// time, and each sample with its defaults, time and data (mdatOff..mdatEnd
// is the mdat payload's place in b; mdatOff is -1 without an mdat). It
// returns the
// end of the traf's data (the base of the next traf when that one's is
// implicit).
func resolveTraf(t *TrackFragment, bx trafBoxes, runs []trunView, b []byte, moofOff, mdatOff, mdatEnd int, prevEnd int64, opts *Options) (int64, error) {
	if _, err := t.Tfhd.Unmarshal(bx.tfhd); err != nil {
		return 0, err
	}
	t.TrackID = t.Tfhd.TrackID
	if bx.tfdt != nil {
		t.Tfdt = new(Tfdt)
		if _, err := t.Tfdt.Unmarshal(bx.tfdt); err != nil {
			return 0, err
		}
	}
	if bx.tfxd != nil {
		t.Tfxd = new(Tfxd)
		if _, err := t.Tfxd.Unmarshal(bx.tfxd); err != nil {
			return 0, err
		}
	}
	if bx.tfrf != nil {
		t.Tfrf = new(Tfrf)
		if _, err := t.Tfrf.Unmarshal(bx.tfrf); err != nil {
			return 0, err
		}
	}
	if bx.sdtp != nil {
		var s Sdtp
		if _, err := s.Unmarshal(bx.sdtp); err != nil {
			return 0, err
		}
		t.Sdtp = s.Entries
	}
	if len(runs) == 0 && !t.Tfhd.Has(TfhdDurationIsEmpty) {
		return 0, fmt.Errorf("%w: traf without trun (MS-SSTR 2.2.4.3)", ErrMissingBox)
	}
	switch {
	case t.Tfdt != nil:
		t.BaseDecodeTime, t.TimeSource = t.Tfdt.BaseMediaDecodeTime, TimeFromTfdt
	case t.Tfxd != nil && !opts.IgnoreTfxd:
		t.BaseDecodeTime, t.TimeSource = t.Tfxd.FragmentAbsoluteTime, TimeFromTfxd
	default:
		t.BaseDecodeTime, t.TimeSource = opts.StartTime, TimeFromOptions
	}

	var trex TrackDefaults
	for _, d := range opts.Defaults {
		if d.TrackID == t.TrackID {
			trex = d
			break
		}
	}
	hd := &t.Tfhd
	defDur, defSize, defFlags := trex.DefaultSampleDuration, trex.DefaultSampleSize, trex.DefaultSampleFlags
	if hd.Has(TfhdDefaultSampleDuration) {
		defDur = hd.DefaultSampleDuration
	}
	if hd.Has(TfhdDefaultSampleSize) {
		defSize = hd.DefaultSampleSize
	}
	if hd.Has(TfhdDefaultSampleFlags) {
		defFlags = hd.DefaultSampleFlags
	}

	// The base data offset (ISO/IEC 14496-12 8.8.7.1). firstImplicit: the
	// first traf's base is the moof only by default, and its first run,
	// without a data offset, starts at the mdat's payload instead.
	var base int64
	firstImplicit := false
	switch {
	case hd.Has(TfhdBaseDataOffset):
		if hd.BaseDataOffset < opts.FileOffset || hd.BaseDataOffset-opts.FileOffset > maxBase {
			return 0, fmt.Errorf("%w: base_data_offset %d outside the buffer at file offset %d", ErrCorrupt, hd.BaseDataOffset, opts.FileOffset)
		}
		base = int64(hd.BaseDataOffset - opts.FileOffset)
	case hd.Has(TfhdDefaultBaseIsMoof):
		base = int64(moofOff)
	case prevEnd < 0:
		base = int64(moofOff)
		firstImplicit = true
	default:
		base = prevEnd
	}

	pos := base
	when := t.BaseDecodeTime
	k := 0
	for ri := range runs {
		r := &runs[ri]
		switch {
		case r.flags&TrunDataOffset != 0:
			pos = base + int64(r.dataOffset)
		case ri == 0 && firstImplicit && mdatOff >= 0:
			pos = int64(mdatOff)
		case ri == 0:
			pos = base
		}
		for i := 0; i < r.count; i++ {
			e := r.entry(i)
			s := &t.Samples[k]
			k++
			s.Duration, s.Size, s.Flags = defDur, defSize, defFlags
			if r.flags&TrunSampleDuration != 0 {
				s.Duration = e.Duration
			}
			if r.flags&TrunSampleSize != 0 {
				s.Size = e.Size
			}
			switch {
			case r.flags&TrunSampleFlags != 0:
				s.Flags = e.Flags
			case i == 0 && r.flags&TrunFirstSampleFlags != 0:
				s.Flags = r.firstFlags
			}
			s.CompositionOffset = e.CompositionOffset
			s.Sync = !s.Flags.IsNonSync()
			s.DecodeTime = when
			if when > math.MaxUint64-uint64(s.Duration) {
				return 0, fmt.Errorf("%w: decode time %d + %d overflows", ErrCorrupt, when, s.Duration)
			}
			when += uint64(s.Duration)
			if pos < 0 || pos > maxBase {
				return 0, fmt.Errorf("%w: sample %d of track %d at offset %d, outside the buffer", ErrCorrupt, k-1, t.TrackID, pos)
			}
			s.Offset = int(pos)
			stop := pos + int64(s.Size)
			if mdatOff >= 0 {
				if pos < int64(mdatOff) || stop > int64(mdatEnd) {
					return 0, fmt.Errorf("%w: sample %d of track %d: bytes %d..%d outside the mdat payload %d..%d",
						ErrCorrupt, k-1, t.TrackID, pos, stop, mdatOff, mdatEnd)
				}
				s.Data = b[pos:stop:stop]
			}
			pos = stop
		}
	}
	t.Duration = when - t.BaseDecodeTime
	return pos, nil
}
