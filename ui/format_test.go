package ui

import (
	"math"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
)

func TestFormatClock(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0:00"},
		{0, "0:00"},
		{999 * time.Millisecond, "0:00"},
		{61 * time.Second, "1:01"},
		{59*time.Minute + 59*time.Second, "59:59"},
		{time.Hour + 2*time.Minute + 3*time.Second, "1:02:03"},
	} {
		if got := formatClock(tc.d); got != tc.want {
			t.Errorf("formatClock(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestFormatBitrateAndBytes(t *testing.T) {
	for bps, want := range map[int64]string{
		0: "—", -5: "—", 850: "850 b/s", 96000: "96 kb/s", 127_600: "128 kb/s", 1_500_000: "1.5 Mb/s",
	} {
		if got := formatBitrate(bps); got != want {
			t.Errorf("formatBitrate(%d) = %q, want %q", bps, got, want)
		}
	}
	for n, want := range map[int64]string{
		0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536 * 1024: "1.5 MiB", 3 << 30: "3.0 GiB",
	} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPercent(t *testing.T) {
	for f, want := range map[float64]int{-1: 0, 0: 0, 0.424: 42, 0.425: 43, 1: 100, 7: 100, math.NaN(): 0} {
		if got := percent(f); got != want {
			t.Errorf("percent(%v) = %d, want %d", f, got, want)
		}
	}
}

func TestTrackDetails(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    player.TrackInfo
		want string
	}{
		{"mp3", mp3Track(1, true), "MP3 · 96 kb/s · 44.1 kHz stereo"},
		{"wma no decoder", player.TrackInfo{Track: transport.Track{ID: 2, Type: transport.Audio,
			Codec: transport.WaveFormat(transport.TagWMAPro), Bitrate: 192000, Language: "en-us",
			Audio: transport.AudioParams{SampleRate: 48000, Channels: 6}}},
			"WMA Pro · 192 kb/s · 48 kHz 6 ch · en-us · no decoder"},
		{"video", player.TrackInfo{Track: transport.Track{ID: 3, Type: transport.Video,
			Codec: transport.FourCC("WMV3"), Bitrate: 1_200_000, Name: "Main",
			Video: transport.VideoParams{Width: 640, Height: 480}}, Decoder: "wmv3"},
			"WMV9 · 1.2 Mb/s · 640×480 · “Main”"},
		{"drm", player.TrackInfo{Track: transport.Track{ID: 4, Type: transport.Audio,
			Codec: transport.WaveFormat(transport.TagWMA2), Encrypted: true}}, "WMA v2 · DRM-protected"},
		{"command", player.TrackInfo{Track: transport.Track{ID: 5, Type: transport.Command}}, ""},
	} {
		if got := trackDetails(tc.t); got != tc.want {
			t.Errorf("%s: trackDetails = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := trackTitle(player.TrackInfo{Track: transport.Track{ID: 5, Type: transport.Command}}); got != "Command 5" {
		t.Errorf("trackTitle = %q", got)
	}
}

func TestDisplayName(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "",
		"/music/My%20Song.wma":               "My%20Song.wma",
		"http://example.com/a/My%20Song.wma": "My Song.wma",
		"mms://example.com/live":             "live",
		"demo:demo.asf":                      "demo:demo.asf",
		"http://example.com/":                "http://example.com/",
		"file:///music/x.asf":                "x.asf",
		// Smooth Streaming: the presentation's name, not "Manifest".
		"http://example.com/vod/Big%20Buck.ism/Manifest":   "Big Buck",
		"http://example.com/live/Channel1.isml/manifest":   "Channel1",
		"http://example.com/ss/Manifest(format=m3u8-aapl)": "ss",
		"http://example.com/Manifest":                      "Manifest",
		"http://example.com/docs/manifesto.wma":            "manifesto.wma",
	} {
		if got := displayName(in); got != want {
			t.Errorf("displayName(%q) = %q, want %q", in, got, want)
		}
	}
}
