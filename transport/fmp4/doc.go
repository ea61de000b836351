// Package fmp4 reads and writes the fragmented ISO base media file format
// (ISO/IEC 14496-12) as Smooth Streaming uses it: a fragment response is a
// moof (mfhd, traf{tfhd, trun, tfxd, tfrf}) and an mdat (MS-SSTR 2.2.4).
// It also reads what a player needs from an init segment's moov (the
// ismv, dash and fragmented-MP4 muxers' output), and tfdt and sdtp.
//
// The useful entry point is ParseFragment, which resolves every sample's
// defaults, decode time, sync flag and data (a slice of the input, bounds
// checked against the mdat):
//
//	f, err := fmp4.ParseFragment(body, fmp4.Options{StartTime: t})
//	if err != nil {
//		// errors.Is(err, fmp4.ErrTruncated), ErrCorrupt, ErrTooLarge...
//	}
//	for _, tr := range f.Tracks {
//		for _, s := range tr.Samples {
//			// s.DecodeTime, s.CompositionOffset, s.Duration (track
//			// timescale), s.Sync, s.Data
//		}
//		// tr.Tfrf: the next fragments of a live track (MS-SSTR 2.2.4.5)
//	}
//
// For a file with a moov, ParseInit gives the tracks' timescales, sample
// entries (avcC, the esds AudioSpecificConfig) and trex defaults, which go
// to ParseFragment as Options.Defaults.
//
// Every box the fragment path uses (Mfhd, Tfhd, Trun, Tfdt, Sdtp, Tfxd,
// Tfrf, Traf, Moof) has Unmarshal, MarshalSize, MarshalTo and Marshal, and
// BuildFragment writes a whole one-track fragment response, so a fake
// Smooth server can be written with this package. The moov side is read
// only.
//
// Nothing read is trusted: a box may not claim more than its container
// holds, counts are checked against the bytes that must hold them before
// anything is allocated, a fragment is capped (Options.MaxSize, 64 MiB by
// default) and so is its sample count, and Walk stops at MaxDepth. Errors
// wrap the package's sentinel errors; nothing panics on any input. The
// package does not log.
package fmp4
