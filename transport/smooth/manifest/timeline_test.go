package manifest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// doc wraps StreamIndex bodies into a manifest of the given root
// attributes.
func doc(root string, streams ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n<SmoothStreamingMedia " + root + ">\n")
	for _, s := range streams {
		b.WriteString(s + "\n")
	}
	b.WriteString("</SmoothStreamingMedia>\n")
	return []byte(b.String())
}

// video is a StreamIndex of one quality level with the given c elements.
func video(cs string) string {
	return `<StreamIndex Type="video" Url="QualityLevels({bitrate})/Fragments(video={start time})">` +
		`<QualityLevel Index="0" Bitrate="1000" FourCC="H264" MaxWidth="2" MaxHeight="2" CodecPrivateData=""/>` + cs + `</StreamIndex>`
}

const v22 = `MajorVersion="2" MinorVersion="2" Duration="0"`

// timelineCases are manifests whose timelines the rules of [MS-SSTR]
// 2.2.2.6 and 3.1.5.1 determine; they seed FuzzParse too.
var timelineCases = []struct {
	name string
	in   []byte
	want []frag
}{
	{
		// Digest vector: r is one-based, then duration coding goes on.
		name: "repeat then duration coding",
		in:   doc(v22, video(`<c t="0" d="20000000" r="3"/><c d="10000000"/>`)),
		want: []frag{{0, 2e7}, {2e7, 2e7}, {4e7, 2e7}, {6e7, 1e7}},
	},
	{
		// Start-time coding: d is the next t minus this t, the last d
		// explicit (3.1.5.1; erratum to 2.2.2.6's "preceding").
		name: "start-time coding",
		in:   doc(v22, video(`<c t="100"/><c t="120"/><c t="145" d="15"/>`)),
		want: []frag{{100, 20}, {120, 25}, {145, 15}},
	},
	{
		// Duration coding from an explicit first t.
		name: "duration coding from t",
		in:   doc(v22, video(`<c t="1000" d="7"/><c d="7"/><c d="9"/>`)),
		want: []frag{{1000, 7}, {1007, 7}, {1014, 9}},
	},
	{
		// A live window: absolute times near 2^63, a gap, repeats.
		name: "live absolute times with a gap",
		in: doc(`MajorVersion="2" MinorVersion="2" Duration="0" IsLive="TRUE" LookaheadCount="2" DVRWindowLength="600000000"`,
			video(`<c t="9223372036854775000" d="20000000" r="2"/><c t="9223372036904775000" d="20000000"/>`)),
		want: []frag{{9223372036854775000, 2e7}, {9223372036854775000 + 2e7, 2e7}, {9223372036904775000, 2e7}},
	},
	{
		// n and t together; n is not needed for timing.
		name: "n t d",
		in:   doc(`MajorVersion="2" MinorVersion="0" Duration="30"`, video(`<c n="0" t="0" d="10"/><c n="1" d="10"/><c n="2" t="25" d="5"/>`)),
		want: []frag{{0, 10}, {10, 10}, {25, 5}},
	},
}

func TestTimelineRules(t *testing.T) {
	for _, c := range timelineCases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(c.in)
			if err != nil {
				t.Fatal(err)
			}
			s := m.Streams[0]
			if got := frags(s); !slices.Equal(got, c.want) {
				t.Errorf("timeline %v, want %v", got, c.want)
			}
			if s.Len() != len(c.want) {
				t.Errorf("Len %d", s.Len())
			}
			// Fragment(i), All and Fragments agree.
			all := s.Fragments()
			for i, w := range c.want {
				f, ok := s.Fragment(i)
				if !ok || f.Index != i || f.Start != w.start || f.Duration != w.dur || f != all[i] {
					t.Errorf("Fragment(%d) = %+v, %v; Fragments()[%d] = %+v", i, f, ok, i, all[i])
				}
			}
			if _, ok := s.Fragment(len(c.want)); ok {
				t.Error("Fragment past the end is ok")
			}
			if _, ok := s.Fragment(-1); ok {
				t.Error("Fragment(-1) is ok")
			}
		})
	}
}

// A live manifest ([MS-SSTR] 2.2.2.1): IsLive in any case, LookaheadCount,
// DVRWindowLength in the presentation's TimeScale, Duration 0 replaced by
// the longest stream's summed durations (3.1.5.1) — here in a stream of
// another time scale, converted.
func TestLiveManifest(t *testing.T) {
	in := doc(`MajorVersion="2" MinorVersion="2" TimeScale="1000" Duration="0" IsLive="true" LookaheadCount="2" DVRWindowLength="60000" CanSeek="TRUE" CanPause="false"`,
		`<StreamIndex Type="video" TimeScale="10000000" Url="QualityLevels({bitrate})/Fragments(video={start time})">`+
			`<QualityLevel Index="0" Bitrate="1000" FourCC="H264" MaxWidth="2" MaxHeight="2" CodecPrivateData=""/>`+
			`<c t="63000000000" d="20000000" r="3"/></StreamIndex>`,
		`<StreamIndex Type="audio" Url="QualityLevels({bitrate})/Fragments(audio={start time})">`+
			`<QualityLevel Index="0" Bitrate="64000" FourCC="AACL" SamplingRate="48000" Channels="2" BitsPerSample="16" PacketSize="4" AudioTag="255" CodecPrivateData="1190"/>`+
			`<c t="6300000" d="2000"/><c d="2000"/></StreamIndex>`)
	m, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	if !m.IsLive || m.LookaheadCount != 2 || m.DVRWindowLength != 60000 || m.DVRWindow() != time.Minute ||
		m.CanSeek != True || m.CanPause != False || !m.CanSeek.Or(false) || m.CanPause.Or(true) {
		t.Errorf("live attributes %+v", m)
	}
	// Video: 3 × 2 s = 6 s = 6000 presentation units; audio (TimeScale
	// inherited: 1000) 4000.
	if m.Duration != 6000 || m.Length() != 6*time.Second {
		t.Errorf("Duration %d (%v), want 6000", m.Duration, m.Length())
	}
	a := m.Stream("audio")
	if a.TimeScale != 1000 {
		t.Errorf("audio TimeScale %d, want the presentation's 1000", a.TimeScale)
	}
	f, _ := a.Fragment(1)
	if f.Start != 6302000 || f.StartTime != 6302*time.Second || f.EndTime != 6304*time.Second {
		t.Errorf("audio fragment 2 %+v", f)
	}
	for _, live := range []string{"TRUE", "True", "true"} {
		m, err := Parse(doc(`MajorVersion="2" MinorVersion="0" Duration="0" IsLive="`+live+`"`, video(`<c d="1"/>`)))
		if err != nil || !m.IsLive {
			t.Errorf("IsLive=%q: live %v, %v", live, m != nil && m.IsLive, err)
		}
	}
	m, _ = Parse(doc(`MajorVersion="2" MinorVersion="0" Duration="5" IsLive="yes"`, video(`<c d="5"/>`)))
	if m.IsLive {
		t.Error(`IsLive="yes" is live`)
	}
}

// Extend adds the fragments a live fragment's tfrf box announces
// ([MS-SSTR] 2.2.4.5) after the known ones; TrimBefore drops those that
// left the DVR window.
func TestExtendAndTrim(t *testing.T) {
	m, err := Parse(doc(v22, video(`<c t="100" d="10" r="2"/>`)))
	if err != nil {
		t.Fatal(err)
	}
	s := m.Streams[0]
	steps := []struct {
		start, dur uint64
		added      bool
	}{
		{110, 10, false}, // already known
		{120, 10, true},  // continues the run
		{120, 10, false}, // announced again by the next fragment
		{135, 5, true},   // after a gap, another duration
		{125, 10, false}, // inside the known timeline
	}
	for _, st := range steps {
		added, err := s.Extend(st.start, st.dur)
		if err != nil || added != st.added {
			t.Errorf("Extend(%d, %d) = %v, %v; want %v", st.start, st.dur, added, err, st.added)
		}
	}
	if got, want := frags(s), []frag{{100, 10}, {110, 10}, {120, 10}, {135, 5}}; !slices.Equal(got, want) {
		t.Errorf("timeline %v, want %v", got, want)
	}
	if _, err := s.Extend(200, 0); !errors.Is(err, ErrInvalid) {
		t.Errorf("Extend with duration 0: %v", err)
	}
	if _, err := s.Extend(math.MaxUint64-5, 10); !errors.Is(err, ErrInvalid) {
		t.Errorf("Extend past 2^64: %v", err)
	}
	if n := s.TrimBefore(115); n != 1 {
		t.Errorf("TrimBefore(115) dropped %d, want 1 (the fragment ending at 110)", n)
	}
	if n := s.TrimBefore(129); n != 1 {
		t.Errorf("TrimBefore(129) dropped %d, want 1", n)
	}
	if got, want := frags(s), []frag{{120, 10}, {135, 5}}; !slices.Equal(got, want) {
		t.Errorf("after trimming %v, want %v", got, want)
	}
	if f, ok := s.Fragment(1); !ok || f.Index != 1 || f.Start != 135 {
		t.Errorf("renumbered Fragment(1) = %+v", f)
	}
	if f, _ := s.FragmentAt(137); f.Start != 135 {
		t.Errorf("FragmentAt(137) = %+v", f)
	}
	if f, _ := s.FragmentAt(132); f.Start != 120 {
		t.Errorf("FragmentAt(132) in the gap = %+v, want the fragment at 120", f)
	}
	if f, _ := s.FragmentAt(3); f.Start != 120 {
		t.Errorf("FragmentAt before the window = %+v, want the first", f)
	}
}

// Extend stops at MaxFragments.
func TestExtendCap(t *testing.T) {
	m, err := Parse(doc(v22, video(fmt.Sprintf(`<c t="0" d="1" r="%d"/>`, MaxFragments))))
	if err != nil {
		t.Fatal(err)
	}
	s := m.Streams[0]
	if s.Len() != MaxFragments {
		t.Fatalf("Len %d", s.Len())
	}
	if _, err := s.Extend(MaxFragments, 1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Extend beyond MaxFragments: %v", err)
	}
}

// Times convert on 128 bits: no product overflows, results round down
// and saturate.
func TestTimeConversions(t *testing.T) {
	// 2^64-1 ticks of 100 ns are 1844674407370955161500 ns and
	// 9223372036854775000 ticks of 100 ns 922337203685477500000 ns: both
	// beyond time.Duration, so saturated.
	cases := []struct {
		ticks, scale uint64
		want         time.Duration
	}{
		{2300000000, 10000000, 230 * time.Second},
		{1, 3, 333333333},
		{math.MaxUint64, 10000000, math.MaxInt64},
		{math.MaxUint64, 1, math.MaxInt64},
		{9223372036854775000, 10000000, math.MaxInt64},
		{92233720368547758, 10000000, 9223372036854775800},
		{5, 0, 0},
	}
	for _, c := range cases {
		if got := ticksToDuration(c.ticks, c.scale); got != c.want {
			t.Errorf("ticksToDuration(%d, %d) = %d, want %d", c.ticks, c.scale, got, c.want)
		}
	}
	// 2^62 ticks at 2^40 per second: 2^22 s exactly.
	if got := ticksToDuration(1<<62, 1<<40); got != (1<<22)*time.Second {
		t.Errorf("ticksToDuration(2^62, 2^40) = %v", got)
	}
	for _, c := range []struct {
		d     time.Duration
		scale uint64
		want  uint64
	}{
		{230 * time.Second, 10000000, 2300000000},
		{-time.Second, 10000000, 0},
		{math.MaxInt64, math.MaxUint64, math.MaxUint64},
		{time.Second - 1, 1000, 999},
	} {
		if got := durationToTicks(c.d, c.scale); got != c.want {
			t.Errorf("durationToTicks(%v, %d) = %d, want %d", c.d, c.scale, got, c.want)
		}
	}
}
