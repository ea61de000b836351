package asf

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// TestHeaderTimesBeyondTheASFRange: header times that no ASF presentation
// can have (payload times are 32-bit milliseconds) are corrupt input. Each
// is reported as a warning and replaced by 0, so that the demuxer and the
// player never compute with them: a preroll of 2^63−1 ms, a stream time
// offset whose top byte is 0x7F, durations at the top of their range.
func TestHeaderTimesBeyondTheASFRange(t *testing.T) {
	fp := func(play, send, prerollMS uint64) []byte {
		w := &wbuf{}
		w.guid(testFileID).u64(0).u64(0).u64(10).u64(play).u64(send).u64(prerollMS)
		w.u32(FlagSeekable).u32(3200).u32(3200).u32(500000)
		return obj(GUIDFileProperties, w.b)
	}
	audio := streamProps{typ: GUIDStreamTypeAudio, number: 1, typeSpecific: waveEx(WaveFormatPCM, 2, 44100, 4, 16, nil)}
	offsetTop := audio
	offsetTop.timeOffset = time.Duration(0x7F00_0000_0000_0000/100) * 100
	justIn := uint64(math.MaxUint32) // ms: the largest payload time
	cases := []struct {
		name   string
		hdr    []byte
		fields []string // the warnings expected, by field name
		check  func(*Header) bool
	}{
		{"preroll 2^63-1 ms", headerObj(fp(0, 0, math.MaxInt64), audio.bytes()), []string{"preroll"},
			func(h *Header) bool { return h.Preroll == 0 }},
		{"preroll 10^12 ms", headerObj(fp(uint64(time.Hour/100), 0, 1e12), audio.bytes()), []string{"preroll"},
			func(h *Header) bool { return h.Preroll == 0 && h.Duration() == time.Hour }},
		{"preroll at the limit is kept", headerObj(fp(0, 0, justIn), audio.bytes()), nil,
			func(h *Header) bool { return h.Preroll == MaxTime }},
		{"durations at the top", headerObj(fp(math.MaxUint64, math.MaxUint64, 3000), audio.bytes()), []string{"play duration", "send duration"},
			func(h *Header) bool { return h.PlayDuration == 0 && h.SendDuration == 0 && h.Preroll == 3*time.Second }},
		{"time offset 0x7F...", headerObj(fp(0, 0, 0), offsetTop.bytes()), []string{"stream 1 time offset"},
			func(h *Header) bool { return h.Stream(1).TimeOffset == 0 }},
		{"extended stream times", headerObj(fp(0, 0, 0), audio.bytes(), headerExt(
			extProps{number: 1, avgTimePerFrame: time.Duration(math.MaxInt64 / 100 * 100)}.bytes())),
			[]string{"stream 1 average time per frame"},
			func(h *Header) bool { return h.Stream(1).Extended.AvgTimePerFrame == 0 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := ParseHeader(c.hdr)
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(h) {
				t.Errorf("times kept: preroll %v play %v send %v", h.Preroll, h.PlayDuration, h.SendDuration)
			}
			var got []string
			for _, w := range h.Warnings {
				if errors.Is(w, ErrCorrupt) && strings.Contains(w.Error(), "beyond the ASF time range") {
					got = append(got, w.Error())
				}
			}
			if len(got) != len(c.fields) {
				t.Fatalf("warnings %q, want one for each of %q", got, c.fields)
			}
			for i, f := range c.fields {
				if !strings.Contains(got[i], f+" of ") {
					t.Errorf("warning %q does not name %q", got[i], f)
				}
			}
		})
	}
}
