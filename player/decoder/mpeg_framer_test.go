package decoder

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/eddyplayer/eddy/transport"
)

// l3Frame builds an MPEG-1 layer III frame by hand (ISO/IEC 11172-3
// § 2.4.1.3, § 2.4.1.7): header FF FB 90 44 (MPEG-1, layer III, no CRC,
// 128 kbit/s, 44.1 kHz, no padding, joint stereo: 417 bytes, 32 bytes of
// side information, 381 of main data), main_data_begin in the first 9
// bits of the side information, the rest of the frame filled with fill.
func l3Frame(mdb int, fill byte) []byte {
	f := make([]byte, 417)
	copy(f, []byte{0xFF, 0xFB, 0x90, 0x44})
	f[4] = byte(mdb >> 1)
	f[5] = byte(mdb&1) << 7
	for i := 4 + 32; i < len(f); i++ {
		f[i] = fill
	}
	return f
}

// TestMPEGFramerReservoir: for each frame the framer says how many bytes
// of the data its main_data_begin points back to were never received:
// main_data_begin minus the main data of the frames since the start or
// the last Reset (381 bytes per frame here).
func TestMPEGFramerReservoir(t *testing.T) {
	in := [][]byte{l3Frame(300, 1), l3Frame(0, 2), l3Frame(500, 3), l3Frame(511, 4), l3Frame(511, 5)}
	var f MPEGFramer
	var missing []int
	var out [][]byte
	collect := func(fr MPEGFrame) error {
		missing = append(missing, fr.Missing)
		out = append(out, bytes.Clone(fr.Data))
		if fr.Layer != 3 || fr.SampleRate != 44100 || fr.Channels != 2 || fr.Samples != 1152 {
			t.Errorf("frame %+v", fr)
		}
		return nil
	}
	for i, b := range in[:4] {
		if err := f.Push(b, collect); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
	// 300 > 0 received; 0; 500 > 762? no; 511 > 1143? no.
	if want := []int{300, 0, 0, 0}; !slices.Equal(missing, want) {
		t.Fatalf("missing %v, want %v", missing, want)
	}
	// After a Reset (a seek) the reservoir is empty again: frame 3
	// (511) lacks all of it, frame 4 (511, 381 received) lacks 130,
	// frame 0 (300, 762 received) nothing.
	f.Reset()
	missing = missing[:0]
	for _, b := range [][]byte{in[3], in[4], in[0]} {
		if err := f.Push(b, collect); err != nil {
			t.Fatal(err)
		}
	}
	if want := []int{511, 130, 0}; !slices.Equal(missing, want) {
		t.Fatalf("after Reset: missing %v, want %v", missing, want)
	}
	if st := f.Stats(); st.Frames != 7 || st.FrameBytes != 7*417 || st.MissingFrames != 3 || st.JunkBytes != 0 {
		t.Fatalf("stats %+v", st)
	}
	for i, o := range out {
		if len(o) != 417 {
			t.Fatalf("frame %d: %d bytes", i, len(o))
		}
	}
}

// TestMPEGFramerFalseSync joins a stream in the middle of a frame whose
// remaining bytes hold a false sync word: a valid MPEG-2 layer III header
// (22.05 kHz) that no second header follows. The framer must not take it
// for a frame (which would lock the stream to the wrong rate and drop
// every real frame after it): it waits for the header after the real
// frame's end, reports the cut frame as junk, and hands out the real
// frames whole.
func TestMPEGFramerFalseSync(t *testing.T) {
	cut := make([]byte, 200)
	copy(cut[20:], []byte{0xFF, 0xF3, 0x80, 0xC4}) // MPEG-2 layer III, 64 kbit/s, 22.05 kHz, mono: 208 bytes
	for i := 24; i < len(cut); i++ {
		cut[i] = 0x55
	}
	frames := [][]byte{l3Frame(0, 1), l3Frame(0, 2), l3Frame(0, 3)}
	var f MPEGFramer
	f.Codec = transport.WaveFormat(transport.TagMP3)
	var got [][]byte
	collect := func(fr MPEGFrame) error {
		if fr.SampleRate != 44100 {
			t.Fatalf("frame at %d Hz", fr.SampleRate)
		}
		got = append(got, bytes.Clone(fr.Data))
		return nil
	}
	err := f.Push(cut, collect)
	if err != nil && !errors.Is(err, ErrCorrupt) {
		t.Fatal(err)
	}
	// One object per frame, as VLC sends them: the first real frame can
	// only be confirmed when the next one's header arrives.
	junkErr := err
	for i, b := range frames {
		err := f.Push(b, collect)
		if err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("frame %d: %v", i, err)
		}
		junkErr = errors.Join(junkErr, err)
	}
	if len(got) != len(frames) {
		t.Fatalf("%d frames out, %d in", len(got), len(frames))
	}
	for i := range got {
		if !bytes.Equal(got[i], frames[i]) {
			t.Fatalf("frame %d differs", i)
		}
	}
	if !errors.Is(junkErr, ErrCorrupt) || f.Stats().JunkBytes != int64(len(cut)) {
		t.Fatalf("junk: %v, stats %+v", junkErr, f.Stats())
	}
}

// TestMPEGFramerLostSync: junk between frames in the middle of a stream
// is dropped and reported; the frames on both sides come out whole, and
// the frame after the junk is only trusted once the next header
// confirms it.
func TestMPEGFramerLostSync(t *testing.T) {
	a, b, c := l3Frame(0, 1), l3Frame(0, 2), l3Frame(0, 3)
	junk := []byte{0x00, 0x12, 0xFF, 0xFB, 0x90, 0x44} // then a header with no frame behind it
	var f MPEGFramer
	n := 0
	count := func(MPEGFrame) error { n++; return nil }
	if err := f.Push(a, count); err != nil || n != 0 {
		t.Fatalf("first frame before its confirmation: %d frames, %v", n, err)
	}
	if err := f.Push(b, count); err != nil || n != 2 {
		t.Fatalf("%d frames, %v", n, err)
	}
	if err := f.Push(append(junk, c...), count); !errors.Is(err, ErrCorrupt) || n != 2 {
		t.Fatalf("after junk: %d frames, %v", n, err)
	}
	if err := f.Push(a, count); err != nil || n != 4 {
		t.Fatalf("%d frames, %v", n, err)
	}
	if st := f.Stats(); st.JunkBytes != int64(len(junk)) || st.Frames != 4 {
		t.Fatalf("stats %+v", st)
	}
}

// TestMPEGFramerUnsupported: an *UnsupportedError from the callback
// stops framing at once and drops what is pending; other errors are
// collected and framing goes on.
func TestMPEGFramerUnsupported(t *testing.T) {
	in := append(append(l3Frame(0, 1), l3Frame(0, 2)...), l3Frame(0, 3)...)
	var f MPEGFramer
	n := 0
	errOther := errors.New("other")
	err := f.Push(in, func(MPEGFrame) error { n++; return errOther })
	if !errors.Is(err, errOther) || n != 3 {
		t.Fatalf("%d frames, %v", n, err)
	}
	var g MPEGFramer
	n = 0
	err = g.Push(in, func(MPEGFrame) error { n++; return &UnsupportedError{} })
	var ue *UnsupportedError
	if !errors.As(err, &ue) || n != 1 || len(g.pend) != 0 {
		t.Fatalf("%d frames, %d pending, %v", n, len(g.pend), err)
	}
}

// FuzzMPEGFramer: any input in any pieces: no panic, every frame handed
// out starts with a header of its own length, the pending bytes stay
// bounded, and every byte is accounted for: in a frame, dropped as junk,
// or pending.
func FuzzMPEGFramer(f *testing.F) {
	f.Add(append(l3Frame(0, 1), l3Frame(100, 2)...), uint16(417))
	f.Add(append([]byte{0, 0xFF, 0xF3, 0x80, 0xC4, 0xFF}, l3Frame(0, 1)...), uint16(3))
	f.Add([]byte{0xFF, 0xFD, 0x80, 0x00, 0xFF}, uint16(1))
	f.Fuzz(func(t *testing.T, data []byte, piece uint16) {
		if len(data) > 1<<16 {
			return
		}
		var fr MPEGFramer
		step := int(piece%2048) + 1
		for p := 0; p < len(data); p += step {
			err := fr.Push(data[p:min(p+step, len(data))], func(m MPEGFrame) error {
				h, ok := parseMPEGHeader(m.Data)
				if !ok || h.length != len(m.Data) || m.Layer != h.layer || m.SampleRate != h.rate || m.Missing < 0 || m.Missing > 511 {
					t.Fatalf("frame %+v", m)
				}
				return nil
			})
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("untyped error %v", err)
			}
			if len(fr.pend) > maxMPEGPending {
				t.Fatalf("%d bytes pending", len(fr.pend))
			}
		}
		st := fr.Stats()
		if st.FrameBytes+st.JunkBytes+int64(len(fr.pend)) != int64(len(data)) {
			t.Fatalf("%d bytes in, %+v and %d pending", len(data), st, len(fr.pend))
		}
	})
}

// TestMPEGFramerSplice: a stream that goes on at another sampling
// frequency (an encoder restarted with other settings) is followed once
// two headers of the new kind confirm it; nothing is dropped.
func TestMPEGFramerSplice(t *testing.T) {
	lsf := make([]byte, 208)
	copy(lsf, []byte{0xFF, 0xF3, 0x80, 0xC4}) // MPEG-2 layer III, 64 kbit/s, 22.05 kHz, mono
	var in []byte
	for range 3 {
		in = append(in, l3Frame(0, 1)...)
	}
	for range 3 {
		in = append(in, lsf...)
	}
	var f MPEGFramer
	var rates []int
	err := f.Push(in, func(fr MPEGFrame) error { rates = append(rates, fr.SampleRate); return nil })
	if err != nil || !slices.Equal(rates, []int{44100, 44100, 44100, 22050, 22050, 22050}) {
		t.Fatalf("rates %v, %v", rates, err)
	}
	if len(f.pend) != 0 || f.Stats().JunkBytes != 0 {
		t.Fatalf("%d pending, stats %+v", len(f.pend), f.Stats())
	}
}

// TestMPEGFramerLargestFrame: the longest frame the headers allow (layer
// II, MPEG-2.5 at 8 kHz and 160 kbit/s: 2880 bytes) fits the framer's
// bound, also while it waits for the header that confirms it, arriving
// in small pieces.
func TestMPEGFramerLargestFrame(t *testing.T) {
	fr := make([]byte, 2880)
	copy(fr, []byte{0xFF, 0xE5, 0xE8, 0xC0})
	in := bytes.Repeat(fr, 3)
	var f MPEGFramer
	n := 0
	for p := 0; p < len(in); p += 100 {
		err := f.Push(in[p:min(p+100, len(in))], func(m MPEGFrame) error {
			if len(m.Data) != 2880 || m.SampleRate != 8000 || m.Layer != 2 {
				t.Fatalf("frame %+v", m)
			}
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n != 3 || f.Stats().JunkBytes != 0 {
		t.Fatalf("%d frames, stats %+v", n, f.Stats())
	}
}
