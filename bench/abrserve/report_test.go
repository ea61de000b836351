package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport/smooth/manifest"
)

// ffmpegManifest is FFmpeg's Smooth Streaming manifest, verbatim (peers
// README §3): video at 800 and 300 kbit/s, AAC at 99634 bit/s, five 2 s
// fragments; the audio's durations are uneven.
const ffmpegManifest = `<?xml version="1.0" encoding="utf-8"?>
<SmoothStreamingMedia MajorVersion="2" MinorVersion="0" Duration="100305964">
<StreamIndex Type="video" QualityLevels="2" Chunks="5" Url="QualityLevels({bitrate})/Fragments(video={start time})">
<QualityLevel Index="0" Bitrate="800000" FourCC="H264" MaxWidth="640" MaxHeight="360" CodecPrivateData="00000001674d401eda0280bfe5c044000003000400000300c83c58ba800000000168ef3c80" />
<QualityLevel Index="1" Bitrate="300000" FourCC="H264" MaxWidth="320" MaxHeight="180" CodecPrivateData="00000001674d400cda05067e7c0440000003004000000c83c50aa80000000168ef3c80" />
<c n="0" d="20000000" />
<c n="1" d="20000000" />
<c n="2" d="20000000" />
<c n="3" d="20000000" />
<c n="4" d="20000000" />
</StreamIndex>
<StreamIndex Type="audio" QualityLevels="1" Chunks="5" Url="QualityLevels({bitrate})/Fragments(audio={start time})">
<QualityLevel Index="0" Bitrate="99634" FourCC="AACL" SamplingRate="44100" Channels="2" BitsPerSample="16" PacketSize="4" AudioTag="255" CodecPrivateData="121056e500" />
<c n="0" d="20197120" />
<c n="1" d="19969161" />
<c n="2" d="19969161" />
<c n="3" d="19969161" />
<c n="4" d="20201361" />
</StreamIndex>
</SmoothStreamingMedia>
`

// The link of the report tests: 2 Mbit/s, 500 kbit/s from 4 s to 8 s (300k
// video and the audio fit, 800k does not), 2 Mbit/s again.
var reportSchedule = Schedule{{2_000_000, 4 * time.Second}, {500_000, 4 * time.Second}, {2_000_000, 10 * time.Second}}

// reportLog is a player's requests, in the order the server logs them
// (at their end): 800k until the drop (a 300k fragment 0 started at 1 s
// ends after the 800k one started at 2 s: the quality at the drop is
// 800k), one more 800k fragment after the drop (started at 4.1 s), then
// 300k from 5 s on (a switch-down 1 s after the drop); fragment 0 is
// fetched twice and fragment 2 three times (two refetched fragments); an
// audio fragment and the last video fragment end early (aborted); one
// request fails.
var reportLog = []Entry{
	{StartMS: 0, EndMS: 5, Path: "/Manifest", Status: 200, Bytes: 1187, Size: 1187, Complete: true},
	{StartMS: 10, EndMS: 500, Path: "/QualityLevels(800000)/Fragments(video=0)", Status: 200, Bytes: 141085, Size: 141085, Complete: true},
	{StartMS: 12, EndMS: 200, Path: "/QualityLevels(99634)/Fragments(audio=0)", Status: 200, Bytes: 25154, Size: 25154, Complete: true},
	{StartMS: 2000, EndMS: 2600, Path: "/QualityLevels(800000)/Fragments(video=20000000)", Status: 200, Bytes: 157028, Size: 157028, Complete: true},
	{StartMS: 1000, EndMS: 3000, Path: "/QualityLevels(300000)/Fragments(video=0)", Status: 200, Bytes: 40000, Size: 40000, Complete: true},
	{StartMS: 3900, EndMS: 3990, Path: "/QualityLevels(99634)/Fragments(audio=20197120)", Status: 200, Bytes: 1000, Size: 25000, Complete: false},
	{StartMS: 4100, EndMS: 6500, Path: "/QualityLevels(800000)/Fragments(video=40000000)", Status: 200, Bytes: 161462, Size: 161462, Complete: true},
	{StartMS: 5000, EndMS: 5800, Path: "/QualityLevels(300000)/Fragments(video=40000000)", Status: 200, Bytes: 60000, Size: 60000, Complete: true},
	{StartMS: 6000, EndMS: 6001, Path: "/QualityLevels(300000)/Fragments(video=1)", Status: 404},
	{StartMS: 7000, EndMS: 7900, Path: "/QualityLevels(300000)/Fragments(video=60000000)", Status: 200, Bytes: 60000, Size: 60000, Complete: true},
	{StartMS: 9000, EndMS: 9500, Path: "/QualityLevels(800000)/Fragments(video=80000000)", Status: 200, Bytes: 164848, Size: 164848, Complete: true},
	{StartMS: 9600, EndMS: 9800, Path: "/QualityLevels(300000)/Fragments(video=40000000)", Status: 200, Bytes: 60000, Size: 60000, Complete: true},
	{StartMS: 9700, EndMS: 9900, Path: "/QualityLevels(800000)/Fragments(video=80000000)", Status: 200, Bytes: 1000, Size: 164848, Complete: false},
}

func reportTree(t *testing.T) *tree {
	m, err := manifest.Parse([]byte(ffmpegManifest))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := indexTree(m)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestSummarize: the figures of reportLog, counted by hand.
func TestSummarize(t *testing.T) {
	tr := reportTree(t)
	// The other streams count at their lowest quality.
	m, err := manifest.Parse([]byte(strings.Replace(ffmpegManifest, `CodecPrivateData="121056e500" />`,
		`CodecPrivateData="121056e500" />
<QualityLevel Index="1" Bitrate="128000" FourCC="AACL" SamplingRate="44100" Channels="2" BitsPerSample="16" PacketSize="4" AudioTag="255" CodecPrivateData="121056e500" />`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if tr2, err := indexTree(m); err != nil || tr2.others != 99634 || len(tr2.frags) != 20 {
		t.Fatalf("two audio qualities: %v, %+v", err, tr2)
	}
	if tr.adaptive != "video" || fmt.Sprint(tr.rates) != "[300000 800000]" || tr.others != 99634 || len(tr.frags) != 15 {
		t.Fatalf("tree: adaptive %q rates %v others %d, %d fragment URLs", tr.adaptive, tr.rates, tr.others, len(tr.frags))
	}
	s := summarize(tr, reportSchedule, reportLog)
	want := Summary{
		Requests: 13, Bytes: 1187 + 141085 + 25154 + 157028 + 40000 + 1000 + 161462 + 60000 + 60000 + 164848 + 60000 + 1000,
		Seconds:   map[uint32]float64{800000: 8, 300000: 8},
		MeanKbps:  550,
		Refetched: 2, Aborted: 2, Failed: 1,
		AtDrop: 800000, Above: 1, AboveS: 2, After: 3, SwitchDown: time.Second, HasDrop: true,
	}
	if fmt.Sprint(s) != fmt.Sprint(want) {
		t.Errorf("summary\n%+v\nwant\n%+v", s, want)
	}
	// A drop to 350k: 300k fits alone but not with the audio.
	s = summarize(tr, Schedule{{2_000_000, 4 * time.Second}, {350_000, 4 * time.Second}}, reportLog)
	if s.Above != 3 || s.AboveS != 6 || s.SwitchDown != -1 {
		t.Errorf("drop to 350k: above %d (%v s), switch-down %v; want 3 (6 s), none", s.Above, s.AboveS, s.SwitchDown)
	}
	// No drop in the schedule: nothing to count after it.
	s = summarize(tr, Schedule{{2_000_000, time.Minute}}, reportLog)
	if s.HasDrop || s.Above != 0 || s.SwitchDown != -1 || s.AtDrop != 0 {
		t.Errorf("without a drop: %+v", s)
	}
	// A player that never came down.
	var stuck []Entry
	for _, e := range reportLog {
		if !strings.Contains(e.Path, "300000") {
			stuck = append(stuck, e)
		}
	}
	if s := summarize(tr, reportSchedule, stuck); s.SwitchDown != -1 || s.Above != 1 || s.After != 1 {
		t.Errorf("never down: switch-down %v, above %d, after %d", s.SwitchDown, s.Above, s.After)
	}
}

// TestReport: the table and the ratio lines from facts files and logs;
// errGoal when the first player stalls, stays above the link, or starts
// later than the second.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, v any) string {
		p := filepath.Join(dir, name)
		var b []byte
		switch v := v.(type) {
		case []Entry:
			for _, e := range v {
				j, _ := json.Marshal(e)
				b = append(append(b, j...), '\n')
			}
		default:
			b, _ = json.Marshal(v)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	m := write("Manifest", nil)
	if err := os.WriteFile(m, []byte(ffmpegManifest), 0o644); err != nil {
		t.Fatal(err)
	}
	logA := write("a.jsonl", reportLog)
	var down []Entry // straight to 300k at the drop
	for _, e := range reportLog {
		if !strings.Contains(e.Path, "video=40000000") || strings.Contains(e.Path, "300000") {
			down = append(down, e)
		}
	}
	logB := write("b.jsonl", down)
	gst := write("gst.json", Facts{Name: "GStreamer", Log: logB, Stalls: 2, StallsHow: "buffering pauses", StallMS: 1500, TTFFMS: 800, TTFFHow: "to PLAYING"})
	for _, c := range []struct {
		eddy   Facts
		log    string
		missed string
	}{
		{Facts{Stalls: 0, TTFFMS: 400, StallMS: 0}, logB, ""},
		{Facts{Stalls: 1, TTFFMS: 400, StallMS: 900}, logB, "stalls"},
		{Facts{Stalls: 0, TTFFMS: 801, StallMS: 0}, logB, "time to first frame"},
		{Facts{Stalls: 0, TTFFMS: 400, StallMS: -1}, logA, ""}, // one fragment above the link: within the goal
	} {
		c.eddy.Name, c.eddy.Log, c.eddy.StallsHow, c.eddy.TTFFHow = "Eddy", c.log, "rebuffers", "from stats"
		eddy := write("eddy.json", c.eddy)
		var out bytes.Buffer
		err := Report(&out, m, reportSchedule, []string{eddy, gst})
		switch {
		case c.missed == "" && err != nil, c.missed != "" && !errors.Is(err, errGoal):
			t.Errorf("%+v: %v, want missed %q\n%s", c.eddy, err, c.missed, out.String())
		case c.missed != "" && !strings.Contains(err.Error(), c.missed):
			t.Errorf("%+v: %v, want %q", c.eddy, err, c.missed)
		}
		txt := out.String()
		for _, want := range []string{
			"s @300k", "s @800k", "GStreamer  2       1.5",
			fmt.Sprintf("ratio Eddy/GStreamer time to first frame %.2f (goal <= 1)", float64(c.eddy.TTFFMS)/800),
		} {
			if !strings.Contains(txt, want) {
				t.Errorf("output lacks %q:\n%s", want, txt)
			}
		}
		if c.log == logA && (!strings.Contains(txt, "above the link after the drop 1 (goal <= 2); GStreamer 0") ||
			!strings.Contains(txt, "1 (2 s)                1.0")) {
			t.Errorf("above-link figures:\n%s", txt)
		}
	}
	// One fragment above the link and nothing more fetched before the
	// rise (the buffer held the rest): within the goal, no delay to show.
	var full []Entry
	for _, e := range reportLog {
		if e.StartMS < 4000 || strings.Contains(e.Path, "800000)/Fragments(video=40000000)") {
			full = append(full, e)
		}
	}
	eddyFull := write("eddy.json", Facts{Name: "Eddy", Log: write("full.jsonl", full), TTFFMS: 1})
	var out bytes.Buffer
	if err := Report(&out, m, reportSchedule, []string{eddyFull, gst}); err != nil || !strings.Contains(out.String(), "1 (2 s)                - (no more fetched)") {
		t.Errorf("nothing more fetched: %v\n%s", err, out.String())
	}
	// Three fragments above the link: the switch-down goal is missed.
	var slow []Entry
	for _, e := range reportLog {
		if !strings.Contains(e.Path, "300000") {
			slow = append(slow, e)
		}
	}
	slow = append(slow,
		Entry{StartMS: 6000, EndMS: 7000, Path: "/QualityLevels(800000)/Fragments(video=60000000)", Status: 200, Bytes: 1, Size: 1, Complete: true},
		Entry{StartMS: 7000, EndMS: 7500, Path: "/QualityLevels(800000)/Fragments(video=60000000)", Status: 200, Bytes: 1, Size: 1, Complete: true})
	eddy := write("eddy.json", Facts{Name: "Eddy", Log: write("slow.jsonl", slow), TTFFMS: 1})
	out.Reset()
	if err := Report(&out, m, reportSchedule, []string{eddy, gst}); !errors.Is(err, errGoal) || !strings.Contains(err.Error(), "switch-down") {
		t.Errorf("three above: %v\n%s", err, out.String())
	}
	// Bad input: a clear error, no panic.
	if err := Report(&out, m, reportSchedule, []string{write("bad.json", "x")}); !errors.Is(err, errReport) {
		t.Errorf("bad facts: %v", err)
	}
	if err := os.WriteFile(logB, []byte("{not json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Report(&out, m, reportSchedule, []string{gst}); !errors.Is(err, errReport) {
		t.Errorf("bad log: %v", err)
	}
}
