package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

func wavCases() [][]byte {
	le := binary.LittleEndian
	mk := func(tag, ch, rate, block, bits int, ext []byte, data []byte) []byte {
		fmtc := le.AppendUint16(nil, uint16(tag))
		fmtc = le.AppendUint16(fmtc, uint16(ch))
		fmtc = le.AppendUint32(fmtc, uint32(rate))
		fmtc = le.AppendUint32(fmtc, uint32(rate*block))
		fmtc = le.AppendUint16(fmtc, uint16(block))
		fmtc = le.AppendUint16(fmtc, uint16(bits))
		fmtc = append(fmtc, ext...)
		b := append([]byte("RIFF\x00\x00\x00\x00WAVE"), "LIST"...)
		b = append(le.AppendUint32(b, 3), "abc\x00"...) // odd chunk with pad byte
		b = append(le.AppendUint32(append(b, "fmt "...), uint32(len(fmtc))), fmtc...)
		b = append(le.AppendUint32(append(b, "data"...), uint32(len(data))), data...)
		return b
	}
	ext := func(sub uint16) []byte {
		e := le.AppendUint16(nil, 22)
		e = le.AppendUint16(e, 24)
		e = le.AppendUint32(e, 0x3F)
		e = le.AppendUint16(e, sub)
		return append(e, subtypeTail[:]...)
	}
	return [][]byte{
		mk(1, 2, 44100, 4, 16, nil, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9}),
		mk(1, 1, 8000, 1, 8, nil, []byte{128, 129}),
		mk(3, 1, 48000, 8, 64, nil, make([]byte, 16)),
		mk(0xFFFE, 6, 48000, 18, 24, ext(1), make([]byte, 36)),
		mk(0xFFFE, 2, 48000, 8, 32, ext(3), make([]byte, 8)),
		mk(2, 2, 44100, 4, 16, nil, nil),   // ADPCM: rejected
		mk(1, 2, 44100, 3, 16, nil, nil),   // bad block align
		mk(1, 0, 44100, 0, 16, nil, nil),   // no channels
		[]byte("RIFF\x04\x00\x00\x00WAVE"), // no chunks
		wavHeader(44100, 2, 0xFFFFFFFF),
	}
}

func TestParseWAV(t *testing.T) {
	c := wavCases()
	for i, want := range []struct {
		f    Format
		data int
		err  bool
	}{
		{Format{44100, 2, S16}, 8, false},
		{Format{8000, 1, U8}, 2, false},
		{Format{48000, 1, F64}, 16, false},
		{Format{48000, 6, S24}, 36, false},
		{Format{48000, 2, F32}, 8, false},
		{err: true}, {err: true}, {err: true}, {err: true},
		{Format{44100, 2, S16}, 0, false},
	} {
		f, data, err := ParseWAV(c[i])
		if want.err {
			if !errors.Is(err, ErrWAV) {
				t.Errorf("case %d: err %v, want ErrWAV", i, err)
			}
			continue
		}
		if err != nil || f != want.f || len(data) != want.data {
			t.Errorf("case %d: %v, %d bytes, %v; want %v, %d", i, f, len(data), err, want.f, want.data)
		}
	}
	if _, _, err := ParseWAV([]byte("RIFX")); !errors.Is(err, ErrWAV) {
		t.Errorf("short input: %v", err)
	}
}

func TestWAVHeaderRoundTrip(t *testing.T) {
	for _, ch := range []int{1, 2, 3, 6, 8, 12} {
		h := wavHeader(22050, ch, int64(2*ch*10))
		b := append(h, bytes.Repeat([]byte{7}, 2*ch*10)...)
		f, data, err := ParseWAV(b)
		if err != nil || f != (Format{22050, ch, S16}) || len(data) != 2*ch*10 {
			t.Errorf("%d channels: %v %d %v", ch, f, len(data), err)
		}
	}
}

// FuzzParseWAV checks that ParseWAV never panics and that what it
// accepts is consistent.
func FuzzParseWAV(f *testing.F) {
	for _, c := range wavCases() {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fm, data, err := ParseWAV(b)
		if err != nil {
			return
		}
		if !fm.Valid() || len(data)%fm.FrameSize() != 0 {
			t.Fatalf("accepted %v with %d data bytes", fm, len(data))
		}
	})
}
