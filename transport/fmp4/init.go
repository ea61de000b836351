package fmp4

import "fmt"

// Init is what a player needs from an init segment's moov (ISO/IEC
// 14496-12 8.2), as FFmpeg's ismv, dash and fragmented-mp4 muxers write
// it. Smooth Streaming has no init segment: its codec configuration comes
// from the manifest (MS-SSTR 2.2.2.5).
type Init struct {
	// Timescale and Duration are the mvhd's (8.2.2).
	Timescale uint32
	Duration  uint64
	Tracks    []InitTrack
}

// InitTrack is one trak (8.3) with its mvex/trex defaults (8.8.3).
type InitTrack struct {
	TrackID uint32
	// Width and Height are the tkhd's presentation size, integer part
	// (8.3.2).
	Width, Height uint32
	// Timescale, Duration and Language are the mdhd's (8.4.2); Language
	// is the ISO 639-2/T code.
	Timescale uint32
	Duration  uint64
	Language  string
	// Handler is the hdlr's handler_type (8.4.3): "vide", "soun",
	// "text", "subt"...
	Handler BoxType
	// Entry is the first sample entry of the stsd (8.5.2).
	Entry SampleEntry
	// Defaults are the track's trex values; HasDefaults is false when
	// the moov has no trex for it.
	Defaults    TrackDefaults
	HasDefaults bool
}

// SampleEntry is a sample description (ISO/IEC 14496-12 8.5.2): the
// fields of a VisualSampleEntry (12.1.3) or an AudioSampleEntry (12.2.3)
// and the codec configuration a decoder needs.
type SampleEntry struct {
	// Format is the entry's type: avc1, avc3, mp4a, or another code
	// (whose fields stay zero).
	Format BoxType
	// Width and Height for video.
	Width, Height uint16
	// AVCConfig is the avcC payload, an AVCDecoderConfigurationRecord
	// (ISO/IEC 14496-15 5.3.3.1), aliasing the input.
	AVCConfig []byte
	// ChannelCount, SampleSize and SampleRate (integer Hz) for audio.
	ChannelCount, SampleSize uint16
	SampleRate               uint32
	// ObjectType is the esds DecoderConfigDescriptor's
	// objectTypeIndication (0x40: MPEG-4 audio), and DecoderSpecificInfo
	// its DecoderSpecificInfo (for AAC the AudioSpecificConfig, ISO/IEC
	// 14496-3 1.6.2.1), aliasing the input.
	ObjectType          uint8
	DecoderSpecificInfo []byte
}

// TrackDefaults returns the trex defaults of every track that has them,
// for Options.Defaults.
func (in *Init) TrackDefaults() []TrackDefaults {
	var d []TrackDefaults
	for _, t := range in.Tracks {
		if t.HasDefaults {
			d = append(d, t.Defaults)
		}
	}
	return d
}

// ParseInit reads the moov of an init segment (other top-level boxes,
// ftyp among them, are skipped; the first moov is read). maxSize caps b
// (0: DefaultMaxSize). A moov without mvhd, or a trak without tkhd or
// mdia/mdhd, is ErrMissingBox. The result aliases b.
func ParseInit(b []byte, maxSize int) (*Init, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	if len(b) > maxSize {
		return nil, fmt.Errorf("%w: init segment of %d bytes (limit %d)", ErrTooLarge, len(b), maxSize)
	}
	var moov []byte
	err := forEachBox(b, func(c childBox) error {
		if c.Type == TypeMoov {
			moov = c.payload
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		return nil, fmt.Errorf("init: %w", err)
	}
	if moov == nil {
		return nil, fmt.Errorf("%w: no moov in %d bytes", ErrMissingBox, len(b))
	}
	in := &Init{}
	var mvhd []byte
	var trexes []TrackDefaults
	err = forEachBox(moov, func(c childBox) error {
		switch c.Type {
		case TypeMvhd:
			mvhd = c.payload
		case TypeTrak:
			t, err := parseTrak(c.payload)
			if err != nil {
				return fmt.Errorf("trak %d: %w", len(in.Tracks), err)
			}
			in.Tracks = append(in.Tracks, t)
		case TypeMvex:
			return forEachBox(c.payload, func(c childBox) error {
				if c.Type != TypeTrex {
					return nil
				}
				r := newReader("trex", c.payload)
				r.versionFlags()
				trexes = append(trexes, TrackDefaults{TrackID: r.u32(), DefaultSampleDescriptionIndex: r.u32(),
					DefaultSampleDuration: r.u32(), DefaultSampleSize: r.u32(), DefaultSampleFlags: SampleFlags(r.u32())})
				return r.err
			})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("moov: %w", err)
	}
	if mvhd == nil {
		return nil, fmt.Errorf("%w: moov without mvhd", ErrMissingBox)
	}
	r := newReader("mvhd", mvhd)
	v, _ := r.versionFlags()
	if v == 1 {
		r.skip(16)
		in.Timescale, in.Duration = r.u32(), r.u64()
	} else {
		r.skip(8)
		in.Timescale, in.Duration = r.u32(), uint64(r.u32())
	}
	if r.err != nil {
		return nil, fmt.Errorf("moov: %w", r.err)
	}
	for _, d := range trexes {
		for i := range in.Tracks {
			if in.Tracks[i].TrackID == d.TrackID {
				in.Tracks[i].Defaults, in.Tracks[i].HasDefaults = d, true
			}
		}
	}
	return in, nil
}

// parseTrak reads a trak's payload (ISO/IEC 14496-12 8.3.1).
func parseTrak(p []byte) (InitTrack, error) {
	var t InitTrack
	var tkhd, mdhd, hdlr, stsd []byte
	err := forEachBox(p, func(c childBox) error {
		switch c.Type {
		case TypeTkhd:
			tkhd = c.payload
		case TypeMdia:
			return forEachBox(c.payload, func(c childBox) error {
				switch c.Type {
				case TypeMdhd:
					mdhd = c.payload
				case TypeHdlr:
					hdlr = c.payload
				case TypeMinf:
					return forEachBox(c.payload, func(c childBox) error {
						if c.Type == TypeStbl {
							return forEachBox(c.payload, func(c childBox) error {
								if c.Type == TypeStsd && stsd == nil {
									stsd = c.payload
								}
								return nil
							})
						}
						return nil
					})
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return t, err
	}
	if tkhd == nil || mdhd == nil {
		return t, fmt.Errorf("%w: trak needs a tkhd and an mdia/mdhd", ErrMissingBox)
	}
	// tkhd (8.3.2)
	r := newReader("tkhd", tkhd)
	v, _ := r.versionFlags()
	if v == 1 {
		r.skip(16)
		t.TrackID = r.u32()
		r.skip(4 + 8)
	} else {
		r.skip(8)
		t.TrackID = r.u32()
		r.skip(4 + 4)
	}
	r.skip(8 + 2 + 2 + 2 + 2 + 36)
	t.Width, t.Height = r.u32()>>16, r.u32()>>16
	if r.err != nil {
		return t, r.err
	}
	// mdhd (8.4.2)
	r = newReader("mdhd", mdhd)
	v, _ = r.versionFlags()
	if v == 1 {
		r.skip(16)
		t.Timescale, t.Duration = r.u32(), r.u64()
	} else {
		r.skip(8)
		t.Timescale, t.Duration = r.u32(), uint64(r.u32())
	}
	lang := r.u16()
	if r.err != nil {
		return t, r.err
	}
	if lang != 0 {
		t.Language = string([]byte{byte(lang>>10&31) + 0x60, byte(lang>>5&31) + 0x60, byte(lang&31) + 0x60})
	}
	// hdlr (8.4.3)
	if hdlr != nil {
		r = newReader("hdlr", hdlr)
		r.skip(8)
		copy(t.Handler[:], r.bytes(4))
		if r.err != nil {
			return t, r.err
		}
	}
	// stsd (8.5.2): the first entry.
	if stsd != nil {
		r = newReader("stsd", stsd)
		r.skip(8)
		if r.err != nil {
			return t, r.err
		}
		if r.left() > 0 {
			e, err := parseSampleEntry(stsd[8:])
			if err != nil {
				return t, err
			}
			t.Entry = e
		}
	}
	return t, nil
}

// parseSampleEntry reads the sample entry box at the start of b.
func parseSampleEntry(b []byte) (SampleEntry, error) {
	var e SampleEntry
	h, err := ReadBoxHeader(b)
	if err != nil {
		return e, fmt.Errorf("stsd entry: %w", err)
	}
	e.Format = h.Type
	p := b[h.HeaderSize:h.Size]
	r := newReader(h.Type.String(), p)
	r.skip(8) // reserved(6), data_reference_index
	var children []byte
	switch h.Type {
	case TypeAvc1, TypeAvc3: // VisualSampleEntry (12.1.3)
		r.skip(16)
		e.Width, e.Height = r.u16(), r.u16()
		r.skip(50)
		if r.err != nil {
			return e, r.err
		}
		children = p[r.off:]
	case TypeMp4a: // AudioSampleEntry (12.2.3); QuickTime's versions 1 and 2 add fields
		version := r.u16()
		r.skip(6)
		e.ChannelCount, e.SampleSize = r.u16(), r.u16()
		r.skip(4)
		e.SampleRate = r.u32() >> 16
		switch version {
		case 1:
			r.skip(16)
		case 2:
			r.skip(36)
		}
		if r.err != nil {
			return e, r.err
		}
		children = p[r.off:]
	default:
		return e, nil
	}
	err = forEachBox(children, func(c childBox) error {
		switch c.Type {
		case TypeAvcC:
			e.AVCConfig = c.payload
		case TypeEsds:
			var d Esds
			if err := d.unmarshalPayload(c.payload); err != nil {
				return err
			}
			e.ObjectType, e.DecoderSpecificInfo = d.ObjectType, d.DecoderSpecificInfo
		}
		return nil
	})
	if err != nil {
		return e, fmt.Errorf("%s: %w", h.Type, err)
	}
	return e, nil
}
