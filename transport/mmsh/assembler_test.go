package mmsh

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"testing"

	"github.com/eddyplayer/eddy/asf"
)

// headerObjectStart is the start of an ASF Header Object as [ASF] 3.1
// lays it out: the Object ID 75B22630-668E-11CF-A6D9-00AA0062CE6C in its
// little-endian wire form, then the 64-bit Object Size.
func headerObjectStart(t testing.TB, size uint64) []byte {
	b := unhex(t, "3026B275 8E66 CF11 A6D9 00AA0062CE6C")
	return binary.LittleEndian.AppendUint64(b, size)
}

// allocated returns the bytes the process allocated while f ran.
func allocated(f func()) uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	f()
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc - before
}

// endless feeds a first fragment and then middle fragments (AFFlags
// 0x00, never the last) of max payload bytes, all sharing one payload,
// until the assembler refuses one or n fragments went in. It returns the
// index of the fragment refused (n when none was) and the error.
func endless(a *assembler, typ PacketType, first []byte, n int) (int, error) {
	payload := make([]byte, MaxPayloadSize)
	copy(payload, first)
	for i := 0; i < n; i++ {
		p := Packet{Type: typ, LocationID: uint32(i), AFFlags: AFMiddle, Payload: payload}
		if i == 0 {
			p.AFFlags = AFFirst
		}
		if _, done, err := a.add(p); err != nil || done {
			return i, err
		}
	}
	return n, nil
}

// TestAssemblerEndlessMemory: an object whose fragments never end is
// refused at the limit having allocated next to nothing of its own: the
// assembler keeps the fragments it is given, it neither copies nor grows a
// buffer (the harness measured 100–110 MB for the 16 MB $H limit when it
// appended to one). Both assemblers, $H and $M, each at its real limit.
func TestAssemblerEndlessMemory(t *testing.T) {
	for _, tc := range []struct {
		name  string
		a     *assembler
		first []byte
	}{
		// A header that declares the largest size allowed and never ends.
		{"$H", newHeaderAssembler(MaxHeaderSize), headerObjectStart(t, MaxHeaderSize-asf.DataObjectFixedSize)},
		{"$M", newAssembler(TypeMetadata, MaxMetadataSize), []byte("playlist-gen-id=1")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			var n int
			alloc := allocated(func() { n, err = endless(tc.a, tc.a.typ, tc.first, 1000) })
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("after %d fragments: %v, want ErrTooLarge", n, err)
			}
			if want := tc.a.limit / MaxPayloadSize; n != want+1 && n != want {
				t.Errorf("refused at fragment %d, the limit is reached at %d", n, want)
			}
			// One 64 KB payload is the test's own; the fragment list is
			// a few KB of slice headers.
			if alloc > 256<<10 {
				t.Errorf("the assembler allocated %d KB for an object it refused", alloc>>10)
			}
			if tc.a.active || len(tc.a.frags) != 0 || tc.a.size != 0 {
				t.Errorf("the refused object is kept: %d fragments, %d bytes", len(tc.a.frags), tc.a.size)
			}
		})
	}
}

// TestAssemblerOneCopy: a complete object costs one allocation of its own
// size (the join of its fragments), and one fragment none at all.
func TestAssemblerOneCopy(t *testing.T) {
	obj := append(headerObjectStart(t, 3<<20-asf.DataObjectFixedSize), bytes.Repeat([]byte{0xAB}, 3<<20-24)...)
	frags := Fragment(TypeHeader, obj, 0, 0)
	a := newHeaderAssembler(MaxHeaderSize)
	var got []byte
	alloc := allocated(func() {
		for _, p := range frags {
			o, done, err := a.add(p)
			if err != nil {
				t.Fatal(err)
			}
			if done {
				got = o
			}
		}
	})
	if !bytes.Equal(got, obj) {
		t.Fatalf("reassembled %d bytes, want %d", len(got), len(obj))
	}
	if alloc > uint64(len(obj))+256<<10 {
		t.Errorf("%d KB allocated to reassemble a %d KB object", alloc>>10, len(obj)>>10)
	}
	one := Fragment(TypeHeader, headerObjectStart(t, 100-asf.DataObjectFixedSize), 0, 0)[0]
	one.Payload = append(one.Payload, make([]byte, 100-24)...)
	o, done, err := a.add(one)
	if err != nil || !done || &o[0] != &one.Payload[0] {
		t.Errorf("a one-fragment object is copied (done %v, err %v)", done, err)
	}
}

// TestHeaderAssemblerDeclaredSize: a $H object is an ASF Header Object
// plus the Data Object's 50-byte fixed part ([MS-WMSP] 2.2.3.5), so its
// first 24 bytes say how long it is: a header declared beyond the limit is
// refused at its first fragment, one that runs past what it declares at
// the fragment that does, one that is not an ASF header at once. The
// prefix may itself be split over fragments.
func TestHeaderAssemblerDeclaredSize(t *testing.T) {
	for _, tc := range []struct {
		name     string
		declared uint64
		first    []byte // the first fragment; later ones are 1000 bytes
		frags    int    // fragments taken before the refusal
		want     error
	}{
		{"declared 4 GB", 4 << 30, nil, 0, ErrTooLarge},
		{"declared 2^64-1", ^uint64(0), nil, 0, ErrTooLarge},
		{"declared just over the limit", MaxHeaderSize - asf.DataObjectFixedSize + 1, nil, 0, ErrTooLarge},
		{"declared 20 bytes", 20, nil, 0, ErrMalformedPacket},
		{"runs past its 5000 bytes", 5000 - asf.DataObjectFixedSize, nil, 5, ErrTooLarge},
		{"prefix split, runs past its 5000 bytes", 5000 - asf.DataObjectFixedSize, []byte{}, 5, ErrTooLarge},
		{"not an ASF header", 5000, unhex(t, "00000000000000000000000000000000 8813000000000000"), 0, ErrMalformedPacket},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newHeaderAssembler(MaxHeaderSize)
			start := headerObjectStart(t, tc.declared)
			first := append(start, make([]byte, 1000-24)...)
			var later [][]byte
			switch {
			case tc.first == nil:
			case len(tc.first) == 0:
				// 10 bytes, then the rest of the prefix in the second.
				first, later = start[:10], [][]byte{append(start[10:], make([]byte, 1000-14)...)}
			default:
				first = append(tc.first, make([]byte, 1000-len(tc.first))...)
			}
			for i := 0; i < 20; i++ {
				p := Packet{Type: TypeHeader, LocationID: uint32(i), AFFlags: AFMiddle, Payload: make([]byte, 1000)}
				switch {
				case i == 0:
					p.AFFlags, p.Payload = AFFirst, first
				case i-1 < len(later):
					p.Payload = later[i-1]
				}
				_, _, err := a.add(p)
				if err == nil {
					continue
				}
				if !errors.Is(err, tc.want) || i != tc.frags {
					t.Fatalf("fragment %d: %v; want %v at fragment %d", i, err, tc.want, tc.frags)
				}
				return
			}
			t.Fatalf("20 fragments taken, want %v at fragment %d", tc.want, tc.frags)
		})
	}
	// A header that ends where it says, in fragments of any size, is whole.
	obj := append(headerObjectStart(t, 5000-asf.DataObjectFixedSize), bytes.Repeat([]byte{7}, 5000-24)...)
	for _, size := range []int{1, 23, 24, 1000, 5000} {
		a := newHeaderAssembler(MaxHeaderSize)
		var got []byte
		for _, p := range Fragment(TypeHeader, obj, size, 0) {
			o, done, err := a.add(p)
			if err != nil {
				t.Fatalf("fragments of %d: %v", size, err)
			}
			if done {
				got = o
			}
		}
		if !bytes.Equal(got, obj) {
			t.Errorf("fragments of %d: %d bytes reassembled", size, len(got))
		}
	}
}
