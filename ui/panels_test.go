package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// TestStatsView: the Statistics tab shows what MS-WMSP streaming reports:
// received and lost packets, bandwidth, buffer level, rebuffers, play logs
// sent and whether fast start was used; and the video counters.
func TestStatsView(t *testing.T) {
	f := newFixture(t)
	m := clipMedia(true)
	s := status(player.Playing, m, 4*time.Second)
	s.Stats.PacketsReceived = 1200
	s.Stats.BytesReceived = 5 * 1024 * 1024
	s.Stats.PacketsLost = 7
	s.Stats.CorruptPackets = 1
	s.Stats.PacketsDuplicate = 5
	s.Stats.BandwidthBps = 2_400_000
	s.Stats.ReceiveBps = 310_000
	s.Stats.BitrateBps = 244_000
	s.Stats.BufferLevel = 4200 * time.Millisecond
	s.Stats.FastStart = true
	s.Stats.Rebuffers = 2
	s.Stats.Reconnects = 1
	s.Stats.LogPosts = 3
	s.Stats.TimeToFirstAudio = 420 * time.Millisecond
	s.Stats.FramesDecoded = 100
	s.Stats.FramesDropped = 4
	s.Stats.AVSyncMax = 23 * time.Millisecond
	s.Stats.Elapsed = 65 * time.Second
	f.emit(player.StatsChanged, s)
	p := f.v.stats
	// Set while the tab is not shown: the counters appear when it is.
	f.v.showTab(statsTab)
	for name, tc := range map[string]struct{ got, want string }{
		"received":    {p.received.Text, "1200 packets · 5.0 MiB"},
		"lost":        {p.lost.Text, "7 · 1 corrupt · 5 repeated"},
		"bit rate":    {p.bitrate.Text, "244 kb/s (arriving at 310 kb/s)"},
		"bandwidth":   {p.bandwidth.Text, "2.4 Mb/s"},
		"buffer":      {p.buffer.Text, "4.2 s"},
		"fast start":  {p.fastStart.Text, "On"},
		"rebuffers":   {p.rebuffers.Text, "2"},
		"reconnects":  {p.reconnects.Text, "1"},
		"logs sent":   {p.logs.Text, "3"},
		"first audio": {p.firstAudio.Text, "420 ms"},
		"frames":      {p.frames.Text, "100 decoded, 4 dropped"},
		"a/v sync":    {p.avSync.Text, "within 23 ms"},
		"session":     {p.elapsed.Text, "1:05"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", name, tc.got, tc.want)
		}
	}
	s.Stats = player.Stats{}
	f.emit(player.StatsChanged, s)
	if p.fastStart.Text != "Off" || p.avSync.Text != "—" || p.logs.Text != "0" {
		t.Errorf("zero stats: fast start %q, sync %q, logs %q", p.fastStart.Text, p.avSync.Text, p.logs.Text)
	}
}

// TestStatsRecoveryRows: the Statistics tab shows the packets rebuilt by
// FEC, resent after NACKs, late, and the jitter for an RTSP session even
// at zero, and for any session that reports them; an MMSH session that
// reports none does not get the rows.
func TestStatsRecoveryRows(t *testing.T) {
	f := newFixture(t)
	f.v.showTab(statsTab)
	p := f.v.stats
	emit := func(proto string, st player.Stats) {
		m := demoMedia()
		m.Protocol = proto
		s := status(player.Playing, m, time.Second)
		s.Stats = st
		f.emit(player.StatsChanged, s)
	}
	shown := func() bool {
		return p.recovered.Visible() && p.recoveredName.Visible() && p.jitter.Visible() && p.jitterName.Visible()
	}
	emit("mmsh", player.Stats{})
	if p.recovered.Visible() || p.recoveredName.Visible() || p.jitter.Visible() || p.jitterName.Visible() {
		t.Fatal("recovery rows shown for an MMSH session that reports no recovery")
	}
	emit("rtsp", player.Stats{})
	if !shown() || p.recovered.Text != "0 by FEC · 0 resent" || p.jitter.Text != "0.0 ms" {
		t.Fatalf("RTSP at zero: shown %v, %q, %q", shown(), p.recovered.Text, p.jitter.Text)
	}
	var st player.Stats
	st.PacketsRecoveredFEC, st.PacketsRecoveredResent, st.NACKsSent, st.PacketsLate = 12, 3, 40, 2
	st.Jitter = 4200 * time.Microsecond
	emit("rtspu", st)
	if !shown() || p.recovered.Text != "12 by FEC · 3 resent · 40 NACKs sent" || p.jitter.Text != "4.2 ms · 2 packets late" {
		t.Fatalf("RTSP counters: shown %v, %q, %q", shown(), p.recovered.Text, p.jitter.Text)
	}
	emit("mmsh", player.Stats{})
	if p.recovered.Visible() {
		t.Fatal("recovery rows left shown after an RTSP session")
	}
	emit("mmsh", player.Stats{Stats: transport.Stats{PacketsRecoveredResent: 1}})
	if !shown() || p.recovered.Text != "0 by FEC · 1 resent" {
		t.Fatalf("a session reporting a resend: shown %v, %q", shown(), p.recovered.Text)
	}
}

// TestBufferingDuringFastStart: while the player fills its buffer (fast
// start bursts included) the status bar says Buffering with the fill
// level, and the gauge goes when playback starts.
func TestBufferingDuringFastStart(t *testing.T) {
	f := newFixture(t)
	f.v.showTab(statsTab)
	m := demoMedia()
	for _, level := range []float64{0, 0.3, 0.75} {
		s := status(player.Buffering, m, 0)
		s.Buffering = level
		s.Stats.FastStart = true
		f.emit(player.BufferingChanged, s)
		if want := fmt.Sprintf("Buffering %d%%", percent(level)); f.v.status.state.Text != want {
			t.Errorf("state %q, want %q", f.v.status.state.Text, want)
		}
		if !f.v.status.buffer.Visible() || f.v.status.buffer.Value != level {
			t.Errorf("gauge visible %v at %v, want %v", f.v.status.buffer.Visible(), f.v.status.buffer.Value, level)
		}
	}
	if f.v.stats.fastStart.Text != "On" {
		t.Errorf("fast start %q", f.v.stats.fastStart.Text)
	}
	f.emit(player.StateChanged, status(player.Playing, m, 0))
	if f.v.status.buffer.Visible() {
		t.Error("the gauge stays while playing")
	}
}

// TestStreamsMenu: the Streams menu lists the streams with codec, bit
// rate and language, checks the playing ones, and choosing one switches
// to it during playback.
func TestStreamsMenu(t *testing.T) {
	f := newFixture(t)
	m := demoMedia()
	en, fr := mp3Track(1, true), mp3Track(2, false)
	en.Language, fr.Language = "en-us", "fr"
	fr.Bitrate = 64000
	m.Tracks = []player.TrackInfo{en, fr, wmvTrack(3, 480, 270, true), wmvTrack(4, 320, 180, false)}
	f.emit(player.MediaChanged, status(player.Playing, m, 5*time.Second))
	menu := f.v.streamsMenu
	labels := func() []string {
		var out []string
		for _, it := range menu.Items {
			mark := " "
			if it.Checked {
				mark = "✓"
			}
			out = append(out, mark+it.Label)
		}
		return out
	}
	want := []string{
		"✓Audio 1 — MP3 · 96 kb/s · 44.1 kHz stereo · en-us",
		" Audio 2 — MP3 · 64 kb/s · 44.1 kHz stereo · fr",
		"✓Video 3 — WMV8 · 180 kb/s · 480×270",
		" Video 4 — WMV8 · 180 kb/s · 320×180",
		" ",
		"✓Automatic Selection",
		" Show Streams",
	}
	if got := labels(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("Streams menu:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if menu != f.v.mainMenu.Items[2] {
		t.Error("the Streams menu is not in the menu bar")
	}

	// Choosing the French audio switches to it, keeping the video.
	menu.Items[1].Action()
	f.expectCalls("SelectStreams([2 3])")
	if got := labels(); got[0][0] != ' ' || !strings.HasPrefix(got[1], "✓") || !strings.HasPrefix(got[5], " ") {
		t.Errorf("menu after choosing: %q", got)
	}
	// The other video stream replaces the playing one.
	menu.Items[3].Action()
	f.expectCalls("SelectStreams([2 4])")
	// The player confirms; the menu follows without sending anything.
	m2 := demoMedia()
	m2.Tracks = append([]player.TrackInfo(nil), m.Tracks...)
	m2.Tracks[0].Selected, m2.Tracks[1].Selected, m2.Tracks[2].Selected, m2.Tracks[3].Selected = false, true, false, true
	f.emit(player.MediaChanged, status(player.Playing, m2, 6*time.Second))
	f.expectCalls()
	if got := labels(); !strings.HasPrefix(got[1], "✓") || !strings.HasPrefix(got[3], "✓") || strings.HasPrefix(got[2], "✓") {
		t.Errorf("menu after the switch: %q", got)
	}
	// Automatic Selection hands the choice back.
	menu.Items[5].Action()
	f.expectCalls("SelectStreams(auto)")
	if !menu.Items[5].Checked {
		t.Error("Automatic Selection not checked after choosing it")
	}

	// Nothing open: one disabled line.
	f.emit(player.MediaChanged, status(player.Idle, nil, 0))
	if it := menu.Items[0]; it.Label != "No streams" || !it.Disabled {
		t.Errorf("first item %+v with nothing open", it)
	}
}

// TestNoCodecSupportError: the demo in a build without cgo fails because
// neither WMA nor WMV can be decoded; the dialog says why, naming the
// codecs and the reason, on readable lines.
func TestNoCodecSupportError(t *testing.T) {
	f := newFixture(t)
	f.v.OpenTransient(demoURL)
	reason := "this build has no libavcodec (built without cgo)"
	err := fmt.Errorf("%w: %w", player.ErrNothingToPlay, errors.Join(
		fmt.Errorf("audio stream 1: %w", &decoder.UnsupportedError{Codec: transport.WaveFormat(0x0161), Reason: reason}),
		fmt.Errorf("video stream 2: %w", &decoder.UnsupportedError{Codec: transport.FourCC("WMV2"), Reason: reason}),
	))
	f.ctl.emit(player.Event{Kind: player.ErrorOccurred, Status: status(player.Failed, nil, 0), Err: err})
	texts := strings.Join(overlayTexts(f.win.Canvas()), "\n")
	for _, want := range []string{
		"Eddy could not play its built-in demo.",
		"codec WMA v2 (0x0161) is not supported yet (" + reason + ")",
		"codec WMV8 (WMV2) is not supported yet",
		"Cause: codec WMA v2 (0x0161) is not supported yet (" + reason + ")",
	} {
		if !strings.Contains(texts, want) {
			t.Errorf("dialog does not say %q; it says:\n%s", want, texts)
		}
	}
	if got := f.v.status.Message(); strings.Contains(got, "\n") || !strings.Contains(got, "built without cgo") {
		t.Errorf("status bar message %q: want one line naming the reason", got)
	}
	if f.v.video.title.Text != "Could not play" || !strings.Contains(dimText(f.v.video.detail), "built without cgo") {
		t.Errorf("video area: %q / %q", f.v.video.title.Text, dimText(f.v.video.detail))
	}
}

func TestRootCauseStopsAtTypedErrors(t *testing.T) {
	unsupported := &decoder.UnsupportedError{Codec: transport.FourCC("WMV3"), Reason: "built without cgo"}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"typed error wrapping a sentinel", fmt.Errorf("video stream 2: %w", unsupported), unsupported.Error()},
		{"sentinel first, details joined", fmt.Errorf("%w: %w", player.ErrNothingToPlay, errors.Join(errors.New("short"), fmt.Errorf("audio: %w", unsupported))), unsupported.Error()},
		{"plain chain", fmt.Errorf("a: %w", fmt.Errorf("b: %w", transport.ErrAuthRequired)), transport.ErrAuthRequired.Error()},
	} {
		if got := rootCause(tc.err); got.Error() != tc.want {
			t.Errorf("%s: rootCause = %q, want %q", tc.name, got, tc.want)
		}
	}
}
