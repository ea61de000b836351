package ui

import (
	"fmt"
	"image"
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/header"
)

// TestGraphs: the Statistics tab's graphs take one reading a second
// (status updates in between are not readings), plot the arriving rate,
// the buffer with each rebuffering marked, and the packets lost and
// recovered per second; a new presentation (counters going down) starts
// them again; at most three minutes are kept.
func TestGraphs(t *testing.T) {
	g := newGraphs()
	g.setShown(true)
	t0 := time.Unix(1000, 0)
	st := func(bps int64, buf time.Duration, lost, fec int64, rebufs int) player.Stats {
		return player.Stats{Stats: transport.Stats{PacketsLost: lost, PacketsRecoveredFEC: fec}, ReceiveBps: bps, BufferLevel: buf, Rebuffers: rebufs}
	}
	g.add(t0, st(1_000_000, 4*time.Second, 0, 0, 0))
	g.add(t0.Add(300*time.Millisecond), st(9_000_000, 0, 50, 0, 0)) // not a reading
	g.add(t0.Add(time.Second), st(2_000_000, 3*time.Second, 3, 2, 0))
	g.add(t0.Add(2*time.Second), st(2_000_000, 0, 3, 2, 1))
	if got := g.arriving.s.v; len(got) != 3 || got[0] != 1e6 || got[1] != 2e6 {
		t.Errorf("arriving %v", got)
	}
	if got := g.loss.s.v; len(got) != 3 || got[0] != 0 || got[1] != 5 || got[2] != 0 {
		t.Errorf("lost and recovered per second %v, want [0 5 0]", got)
	}
	if m := g.buffer.s.marks; len(m) != 3 || m[0] || m[1] || !m[2] {
		t.Errorf("rebuffer marks %v, want the third", m)
	}
	if got := g.arriving.label.Text; got != "Arriving: 2.0 Mb/s (highest 2.0 Mb/s)" && got != "Arriving: "+formatBitrate(2e6)+" (highest "+formatBitrate(2e6)+")" {
		t.Errorf("label %q", got)
	}
	// A new presentation: its counters start from 0.
	g.add(t0.Add(3*time.Second), st(500_000, time.Second, 0, 0, 0))
	if n := len(g.arriving.s.v); n != 1 {
		t.Errorf("%d readings after the counters went down, want a fresh start", n)
	}
	for i := range graphPoints + 20 {
		g.add(t0.Add(time.Duration(4+i)*time.Second), st(int64(i), 0, 0, 0, 0))
	}
	if n := len(g.arriving.s.v); n != graphPoints {
		t.Errorf("%d readings kept, want %d", n, graphPoints)
	}
}

// TestGraphDraws: a steady reading is a level line at 1/1.1 of the
// height, newest at the right edge, and a mark is a red bar.
func TestGraphDraws(t *testing.T) {
	g := newGraph("x", func(float64) string { return "" })
	for i := range 10 {
		g.s.add(5, i == 4)
	}
	img := g.draw(200, 50).(*image.RGBA)
	v, top := 5.0, 5.5
	wantY := 49 - int(v/top*49)
	if c := img.At(199, wantY); !sameColour(c, g.line) {
		t.Errorf("the newest point at (199,%d) is %v, want the line", wantY, c)
	}
	if c := img.At(199, wantY+3); sameColour(c, g.line) {
		t.Error("the line is not level at its height")
	}
	markX := 199 - 5*199/(graphPoints-1)
	if c := img.At(markX, 2); !sameColour(c, color.NRGBA{R: 220, G: 40, B: 40, A: 255}) {
		t.Errorf("no red bar at x=%d: %v", markX, c)
	}
	if c := img.At(20, wantY); sameColour(c, g.line) {
		t.Error("a line where there are no readings yet (left part)")
	}
}

func sameColour(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// TestTraceLog: View ▸ Protocol Trace shows the trace the transports
// wrote, as eddyplay --trace writes it; Copy All puts it on the
// clipboard; it keeps the newest maxTraceEntries.
func TestTraceLog(t *testing.T) {
	f := newFixture(t)
	l := NewTraceLog()
	f.v.trace = l
	t0 := time.Unix(100, 0)
	l.Trace(transport.TraceEntry{At: t0, Protocol: "rtsp", Kind: transport.TraceRequest, Method: "DESCRIBE", URL: "rtsp://h/x",
		Header: header.Header{{Name: "CSeq", Value: "1"}}})
	l.Trace(transport.TraceEntry{At: t0.Add(40 * time.Millisecond), Protocol: "rtsp", Kind: transport.TraceResponse, Method: "DESCRIBE",
		URL: "rtsp://h/x", Status: 200, Reason: "OK", Took: 40 * time.Millisecond, BodyLen: 900})
	want := "+0.000s rtsp   → DESCRIBE rtsp://h/x\n    CSeq: 1\n+0.040s rtsp   ← 200 OK to DESCRIBE rtsp://h/x (40 ms, 900 bytes)\n"
	if got := l.Text(); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
	f.v.ShowTrace()
	shown := ""
	for _, o := range test.LaidOutObjects(f.win.Canvas().Overlays().Top()) {
		if e, ok := o.(*widget.Entry); ok {
			shown = e.Text
		}
	}
	if shown != want {
		t.Errorf("the dialog shows:\n%s", shown)
	}
	var copyAll *widget.Button
	for _, o := range test.LaidOutObjects(f.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Copy All" {
			copyAll = b
		}
	}
	if copyAll == nil {
		t.Fatal("no Copy All")
	}
	test.Tap(copyAll)
	if got := f.app.Clipboard().Content(); got != want {
		t.Errorf("clipboard %q", got)
	}
	f.v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if n := len(f.win.Canvas().Overlays().List()); n != 0 {
		t.Errorf("Escape left %d overlays", n)
	}
	for i := range maxTraceEntries + 10 {
		l.Trace(transport.TraceEntry{At: t0.Add(time.Duration(i) * time.Second), Protocol: "http", Kind: transport.TraceRequest, Method: "GET", URL: fmt.Sprintf("http://h/%d", i)})
	}
	got := l.Text()
	if !strings.HasPrefix(got, "(older messages dropped)\n") || strings.Contains(got, "http://h/9\n") || !strings.Contains(got, fmt.Sprintf("http://h/%d\n", maxTraceEntries+9)) {
		t.Errorf("bounded log:\n%.300s", got)
	}
}
