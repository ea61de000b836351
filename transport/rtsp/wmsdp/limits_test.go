package wmsdp

import (
	"encoding/binary"
	"errors"
	"runtime"
	"testing"

	"github.com/eddyplayer/eddy/asf"
)

// paddedHeader returns headerC grown to exactly size bytes (Header Object
// plus the 50-byte Data Object header) by a Padding Object appended to the
// Header Object (ASF spec 3.1: GUID, QWORD size, DWORD object count, two
// reserved bytes; 3.18 Padding Object: GUID, QWORD size, padding).
func paddedHeader(t testing.TB, size int) []byte {
	t.Helper()
	hdrSize := int(binary.LittleEndian.Uint64(headerC[16:24]))
	data := headerC[hdrSize:] // the Data Object header
	grow := size - len(headerC)
	if grow < 24 {
		t.Fatalf("cannot grow to %d", size)
	}
	out := make([]byte, 0, size)
	out = append(out, headerC[:hdrSize]...)
	binary.LittleEndian.PutUint64(out[16:24], uint64(hdrSize+grow))
	binary.LittleEndian.PutUint32(out[24:28], binary.LittleEndian.Uint32(out[24:28])+1)
	out = append(out, asf.GUIDPadding[:]...)
	out = binary.LittleEndian.AppendUint64(out, uint64(grow))
	out = append(out, make([]byte, grow-24)...)
	out = append(out, data...)
	if len(out) != size {
		t.Fatalf("built %d bytes, want %d", len(out), size)
	}
	return out
}

// TestHeaderSizeLimit: a header of MaxHeaderSize bytes parses, one byte more
// is refused with ErrTooLarge before it is decoded, and parsing either costs
// a bounded multiple of the body.
func TestHeaderSizeLimit(t *testing.T) {
	base := mustURL("rtsp://h/c.wma")
	media := specASF + "a=control:audio\na=stream:1\n"

	ok := paddedHeader(t, MaxHeaderSize)
	body := []byte(wrap(ok, "", media))
	if len(body) > MaxBodySize {
		t.Fatalf("a body with a MaxHeaderSize header is %d bytes, above MaxBodySize", len(body))
	}
	alloc := allocated(func() {
		d, err := Parse(body, base)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Header) != MaxHeaderSize || d.ASF == nil {
			t.Errorf("header %d bytes", len(d.Header))
		}
	})
	// The body once normalised, twice inside pion, once more without
	// whitespace, the header decoded and asf's copy of it: about 5.5 bodies.
	if limit := uint64(6 * len(body)); alloc > limit {
		t.Errorf("parsing a %d-byte body allocated %d bytes, more than %d", len(body), alloc, limit)
	}

	big := []byte(wrap(paddedHeader(t, MaxHeaderSize+1), "", media))
	var err error
	alloc = allocated(func() { _, err = Parse(big, base) })
	if !errors.Is(err, ErrBadHeader) || !errors.Is(err, ErrTooLarge) {
		t.Errorf("header of MaxHeaderSize+1 bytes: %v", err)
	}
	// Refused before the base64 is copied or decoded: only the normalised
	// body and pion's two copies.
	if limit := uint64(3*len(big)) + 1<<20; alloc > limit {
		t.Errorf("refusing a %d-byte body allocated %d bytes, more than %d", len(big), alloc, limit)
	}
}

// allocated returns the bytes f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
