package lavc

import (
	"bytes"
	"testing"
)

// A real x264 avcC (176x144 High profile) with its SPS and PPS.
var (
	testSPS  = []byte{0x67, 0x64, 0x00, 0x0b, 0xac, 0xd9, 0x42, 0xc4, 0xec, 0x04, 0x40, 0x00, 0x00, 0x03, 0x00, 0x40, 0x00, 0x00, 0x0c, 0x83, 0xc5, 0x0a, 0x65, 0x80}
	testPPS  = []byte{0x68, 0xef, 0x8f, 0xcb}
	testAVCC = append(append(append([]byte{0x01, 0x64, 0x00, 0x0b, 0xff, 0xe1, 0x00, 0x18}, testSPS...), 0x01, 0x00, 0x04), testPPS...)
)

func annexB(nals ...[]byte) []byte {
	var b []byte
	for _, n := range nals {
		b = append(append(b, 0, 0, 0, 1), n...)
	}
	return b
}

var h264ConfigCases = []struct {
	name   string
	cfg    []byte
	extra  []byte
	nalLen int
	err    bool
}{
	{"empty", nil, nil, 0, false},
	{"annexb", annexB(testSPS, testPPS), annexB(testSPS, testPPS), 0, false},
	{"avcC", testAVCC, annexB(testSPS, testPPS), 4, false},
	{"avcC 2-byte lengths", append([]byte{1, 0x64, 0, 0x0b, 0xfd}, testAVCC[5:]...), annexB(testSPS, testPPS), 2, false},
	{"avcC no sets", []byte{1, 0x64, 0, 0x0b, 0xff, 0xe0, 0x00}, nil, 4, false},
	{"avcC short", []byte{1, 0x64, 0, 0x0b}, nil, 0, true},
	{"avcC 3-byte lengths", append([]byte{1, 0x64, 0, 0x0b, 0xfe}, testAVCC[5:]...), nil, 0, true},
	{"avcC truncated sps", testAVCC[:20], nil, 0, true},
	{"avcC no pps count", testAVCC[:8+len(testSPS)], nil, 0, true},
	{"avcC zero-length sps", []byte{1, 0x64, 0, 0x0b, 0xff, 0xe1, 0, 0, 0}, nil, 0, true},
}

func TestH264Config(t *testing.T) {
	for _, c := range h264ConfigCases {
		t.Run(c.name, func(t *testing.T) {
			extra, nalLen, err := h264Config(c.cfg)
			if (err != nil) != c.err {
				t.Fatalf("err = %v, want error %v", err, c.err)
			}
			if err != nil {
				return
			}
			if !bytes.Equal(extra, c.extra) || nalLen != c.nalLen {
				t.Errorf("got % x, %d; want % x, %d", extra, nalLen, c.extra, c.nalLen)
			}
		})
	}
}

var framerCases = []struct {
	name   string
	nalLen int
	in     []byte
	want   []byte
}{
	{"annexb passes", 0, annexB([]byte{0x65, 1, 2}), annexB([]byte{0x65, 1, 2})},
	{"3-byte start code passes", 0, []byte{0, 0, 1, 0x65, 1, 2}, []byte{0, 0, 1, 0x65, 1, 2}},
	{"length-prefixed probed", 0, []byte{0, 0, 0, 3, 0x65, 1, 2, 0, 0, 0, 1, 0x06}, annexB([]byte{0x65, 1, 2}, []byte{0x06})},
	{"length 256 looks like a start code", 0, append([]byte{0, 0, 1, 0}, append([]byte{0x65}, make([]byte, 255)...)...),
		annexB(append([]byte{0x65}, make([]byte, 255)...))},
	{"2-byte lengths from avcC", 2, []byte{0, 2, 0x41, 9, 0, 1, 0x0c}, annexB([]byte{0x41, 9}, []byte{0x0c})},
	{"avcC config but annexb sample", 4, annexB([]byte{0x65, 1, 2}), annexB([]byte{0x65, 1, 2})},
	{"bad length passes unchanged", 4, []byte{0, 0, 0, 9, 0x65}, []byte{0, 0, 0, 9, 0x65}},
	{"forbidden bit set passes unchanged", 4, []byte{0, 0, 0, 1, 0x85}, []byte{0, 0, 0, 1, 0x85}},
	{"zero length passes unchanged", 4, []byte{0, 0, 0, 0}, []byte{0, 0, 0, 0}},
	{"empty", 4, nil, nil},
}

func TestAVCFramer(t *testing.T) {
	for _, c := range framerCases {
		t.Run(c.name, func(t *testing.T) {
			a := &avcFramer{nalLen: c.nalLen}
			if got := a.packet(c.in); !bytes.Equal(got, c.want) {
				t.Errorf("got % x, want % x", got, c.want)
			}
		})
	}
}

// FuzzH264 checks that config and sample rewriting never panic, and that
// a rewritten sample is Annex-B holding the same NAL bytes.
func FuzzH264(f *testing.F) {
	for _, c := range h264ConfigCases {
		f.Add(c.cfg, []byte(nil))
	}
	for _, c := range framerCases {
		f.Add(testAVCC, c.in)
	}
	f.Fuzz(func(t *testing.T, cfg, sample []byte) {
		_, nalLen, err := h264Config(cfg)
		if err != nil {
			return
		}
		a := &avcFramer{nalLen: nalLen}
		out := a.packet(sample)
		if len(out) < len(sample) {
			t.Fatalf("rewritten sample shrank: %d -> %d bytes", len(sample), len(out))
		}
	})
}
