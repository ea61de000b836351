package wmsdp

import (
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
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
	// About 5.5 bodies: the normalised body, pion's two copies, the base64
	// without blanks, the header and asf's copy of it (6.5 under -race).
	if limit := uint64(8 * len(body)); alloc > limit {
		t.Errorf("parsing a %d-byte body allocated %d bytes, more than %d", len(body), alloc, limit)
	}

	big := []byte(wrap(paddedHeader(t, MaxHeaderSize+1), "", media))
	if _, err := Parse(big, base); !errors.Is(err, ErrBadHeader) || !errors.Is(err, ErrTooLarge) {
		t.Errorf("header of MaxHeaderSize+1 bytes: %v", err)
	}
}

// TestDecodeBase64Allocations: base64 that would decode to more than the
// limit is refused before anything is copied, and base64 within it costs the
// text once and the result once.
func TestDecodeBase64Allocations(t *testing.T) {
	over := strings.Repeat("QUFB", MaxHeaderSize/3+1) + " \r\n=="
	var err error
	if alloc := allocated(func() { _, err = decodeBase64(over, MaxHeaderSize) }); alloc > 4096 {
		t.Errorf("refusing %d bytes of base64 allocated %d bytes", len(over), alloc)
	}
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("error %v", err)
	}
	within := strings.Repeat("QUFB", MaxHeaderSize/3) + "QQ=="
	var out []byte
	alloc := allocated(func() { out, err = decodeBase64(within, MaxHeaderSize) })
	if err != nil || len(out) != MaxHeaderSize/3*3+1 {
		t.Fatalf("%d bytes, %v", len(out), err)
	}
	// Large allocations are rounded up to whole pages: 64 KiB of slack.
	if limit := uint64(len(within)+len(out)) + 64<<10; alloc > limit {
		t.Errorf("decoding %d bytes of base64 allocated %d bytes, more than %d", len(within), alloc, limit)
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
