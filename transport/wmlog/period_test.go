package wmlog

import (
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// TestPeriodFill: the measured fields of a play log (MS-WMLOG 2.1) from
// one period, each computed as the field's section defines it.
func TestPeriodFill(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	atStart := transport.PlaybackFacts{Rendered: 10 * time.Second, Rebuffers: 2, RebufferTime: 3 * time.Second}
	var p Period
	p.Start(t0, 0, 5, atStart)
	if !p.Active || p.Started != t0 || p.Rate != 5 {
		t.Fatalf("started %+v", p)
	}
	for _, pts := range []time.Duration{2 * time.Second, 5 * time.Second, 4 * time.Second} {
		p.Sample(pts)
	}
	p.Bytes, p.Packets, p.LastData = 250_000, 10, t0.Add(2*time.Second)
	p.Lost(3)
	p.Lost(5)
	p.Lost(1)
	p.Reconnected = true

	atEnd := transport.PlaybackFacts{Rendered: 14 * time.Second, Rebuffers: 3, RebufferTime: 4500 * time.Millisecond}
	var rec Record
	p.Fill(&rec, atEnd, false)
	want := Record{
		StartTime:          2 * time.Second,         // c-starttime: from the start, the first sample (2.1.24)
		Duration:           4 * time.Second,         // x-duration: rendered in the period, 14 s − 10 s (2.1.52)
		ReceiveTime:        2 * time.Second,         // streaming x-duration: start to the last data packet
		Rate:               5,                       // c-rate (2.1.22)
		Reconnected:        true,                    // c-status 210 (2.1.25)
		AvgBandwidth:       1_000_000,               // 250,000 bytes in 2 s (2.1.2)
		Bytes:              250_000,                 // c-bytes (2.1.28)
		PacketsReceived:    10,                      // c-pkts-received (2.1.15)
		PacketsLostNet:     9,                       // c-pkts-lost-net (2.1.14)
		PacketsLostContNet: 5,                       // the longest run (2.1.13)
		BufferCount:        2,                       // one rebuffer and the buffering before playing (2.1.3)
		BufferTime:         1500 * time.Millisecond, // c-totalbuffertime of the period (2.1.26)
	}
	if !reflect.DeepEqual(rec, want) {
		t.Errorf("got  %+v\nwant %+v", rec, want)
	}

	// Without player facts: x-duration is the span of samples handed over.
	p.Fill(&rec, transport.PlaybackFacts{}, false)
	if rec.Duration != 3*time.Second {
		t.Errorf("duration without facts %v, want 3s", rec.Duration)
	}
	// A broadcast starts at 0 (2.1.24); a seek starts where it asked.
	p.Fill(&rec, atEnd, true)
	if rec.StartTime != 0 {
		t.Errorf("broadcast c-starttime %v", rec.StartTime)
	}
	p.From = 30 * time.Second
	p.Fill(&rec, atEnd, false)
	if rec.StartTime != 30*time.Second {
		t.Errorf("seek c-starttime %v", rec.StartTime)
	}

	// A period that received nothing: no bandwidth, no buffering.
	var empty Period
	empty.Start(t0, 0, 1, atStart)
	empty.Fill(&rec, atStart, false)
	if rec.AvgBandwidth != -1 || rec.BufferCount != 0 || rec.ReceiveTime != 0 || rec.Duration != 0 || rec.Bytes != 0 {
		t.Errorf("empty period %+v", rec)
	}
	// Facts that went backwards (a new player) never log negatives.
	p.Fill(&rec, transport.PlaybackFacts{Rendered: time.Second, RebufferTime: time.Second}, false)
	if rec.Duration != 0 || rec.BufferTime != 0 || rec.BufferCount != 1 {
		t.Errorf("facts backwards: duration %v, buffer time %v, count %d", rec.Duration, rec.BufferTime, rec.BufferCount)
	}
}

// TestAddCodecsAndServerIP: audiocodec and videocodec name the selected
// tracks' codecs (2.1.1, 2.1.51); s-ip is logged only for an address
// (2.1.43).
func TestAddCodecsAndServerIP(t *testing.T) {
	tracks := []transport.Track{
		{ID: 1, Type: transport.Audio, Codec: transport.WaveFormat(0x0161)},
		{ID: 2, Type: transport.Video, Codec: transport.FourCC("WMV2")},
		{ID: 3, Type: transport.Audio, Codec: transport.WaveFormat(0x0001)},
	}
	var rec Record
	rec.AddCodecs(tracks, map[int]bool{1: true, 2: true})
	if len(rec.AudioCodecs) != 1 || rec.AudioCodecs[0] != tracks[0].Codec.Name() ||
		len(rec.VideoCodecs) != 1 || rec.VideoCodecs[0] != tracks[1].Codec.Name() {
		t.Errorf("codecs %q %q", rec.AudioCodecs, rec.VideoCodecs)
	}
	for in, want := range map[string]string{
		"rtsp://192.0.2.7:554/a.wmv": "192.0.2.7",
		"mmsh://[2001:db8::1]/a":     "2001:db8::1",
		"mmsh://media.example.com/a": "",
	} {
		u, _ := url.Parse(in)
		if got := ServerIP(u); got != want {
			t.Errorf("ServerIP(%s) = %q, want %q", in, got, want)
		}
	}
}
