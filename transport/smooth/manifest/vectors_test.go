package manifest

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// frag is a fragment's start and duration in ticks.
type frag struct{ start, dur uint64 }

func frags(s *StreamIndex) []frag {
	var out []frag
	for f := range s.All() {
		out = append(out, frag{f.Start, f.Duration})
	}
	return out
}

// The manifest example of [MS-SSTR] 4.1, as the specification prints it
// (testdata/mssstr-4.1.xml, blank lines between its lines) and as the
// other copies print it (testdata/mssstr-4.1-indented.xml, each line indented, the XML
// declaration too): protected by PlayReady, so Parse refuses it with the
// error the issue names, and returns the manifest, whose fragments and
// URLs are those of 4.1 and 4.2 (the 4.2 request with the time the
// manifest gives, 19680000: the example drops a zero).
func TestSpecManifest41(t *testing.T) {
	for _, file := range []string{"testdata/mssstr-4.1.xml", "testdata/mssstr-4.1-indented.xml"} {
		t.Run(file, func(t *testing.T) {
			m, err := Parse(readFile(t, file))
			var pe *ProtectedError
			if !errors.As(err, &pe) || !errors.Is(err, ErrProtected) || !errors.Is(err, transport.ErrEncrypted) {
				t.Fatalf("Parse error = %v, want a *ProtectedError wrapping ErrProtected and transport.ErrEncrypted", err)
			}
			if err.Error() != "PlayReady-protected content is not supported" {
				t.Errorf("error text %q", err.Error())
			}
			if len(pe.Headers) != 1 || !pe.Headers[0].PlayReady() || pe.Headers[0].SystemID != "{9A04F079-9840-4286-AB92E65BE0885F95}" {
				t.Errorf("headers %+v", pe.Headers)
			}
			if m == nil {
				t.Fatal("no manifest returned with the protection error")
			}
			if m.MajorVersion != 2 || m.MinorVersion != 0 || m.Duration != 2300000000 || m.TimeScale != 10000000 || m.IsLive {
				t.Errorf("presentation %+v", m)
			}
			if m.Length() != 230*time.Second {
				t.Errorf("Length %v, want 230s", m.Length())
			}
			if len(m.Streams) != 1 {
				t.Fatalf("%d streams", len(m.Streams))
			}
			s := m.Streams[0]
			if s.Type != "video" || s.Name != "video" || s.Chunks != 115 || s.NumQualityLevels != 2 ||
				s.MaxWidth != 720 || s.MaxHeight != 480 || s.TimeScale != 10000000 ||
				s.URL != "QualityLevels({bitrate},{CustomAttributes})/Fragments(video={start_time})" {
				t.Errorf("stream %+v", s)
			}
			cpd := unhex(t, "270000010FCBEE1670EF8A16783BF180C9089CC4AFA11C0000010E1207F840")
			if len(s.QualityLevels) != 2 {
				t.Fatalf("%d quality levels", len(s.QualityLevels))
			}
			q0, q5 := s.QualityLevel(0), s.QualityLevel(5)
			if q0 == nil || q5 == nil {
				t.Fatalf("quality levels %+v", s.QualityLevels)
			}
			if q0.Bitrate != 1536000 || q5.Bitrate != 307200 || q0.FourCC != "WVC1" || q5.MaxWidth != 720 || q5.MaxHeight != 480 ||
				!bytes.Equal(q0.CodecPrivateData, cpd) || !bytes.Equal(q5.CodecPrivateData, cpd) {
				t.Errorf("levels %+v %+v", q0, q5)
			}
			if !slices.Equal(q0.CustomAttributes, []Attribute{{"Compatibility", "Desktop"}}) ||
				!slices.Equal(q5.CustomAttributes, []Attribute{{"Compatibility", "Handheld"}}) {
				t.Errorf("custom attributes %v %v", q0.CustomAttributes, q5.CustomAttributes)
			}
			if got, want := frags(s), []frag{{0, 19680000}, {19680000, 8980000}}; !slices.Equal(got, want) {
				t.Errorf("timeline %v, want %v", got, want)
			}
			f1, _ := s.Fragment(1)
			if f1.StartTime != 1968*time.Millisecond || f1.EndTime-f1.StartTime != 898*time.Millisecond {
				t.Errorf("fragment 2 %+v", f1)
			}
			base := mustURL(t, "http://host/PubPoint.ism/Manifest")
			for _, c := range []struct {
				q     *QualityLevel
				start uint64
				want  string
			}{
				{q5, f1.Start, "http://host/PubPoint.ism/QualityLevels(307200,Compatibility=Handheld)/Fragments(video=19680000)"},
				{q0, 0, "http://host/PubPoint.ism/QualityLevels(1536000,Compatibility=Desktop)/Fragments(video=0)"},
			} {
				u, err := s.FragmentURL(base, c.q, c.start)
				if err != nil || u.String() != c.want {
					t.Errorf("FragmentURL = %v, %v; want %s", u, err, c.want)
				}
			}
			tr := q5.Track(7, s)
			if tr.ID != 7 || tr.Type != transport.Video || tr.Codec != transport.FourCC("WVC1") || !bytes.Equal(tr.Config, cpd) ||
				tr.Video.Width != 720 || tr.Video.Height != 480 || tr.Bitrate != 307200 || tr.Name != "video" {
				t.Errorf("Track %+v", tr)
			}
		})
	}
}

// The manifest FFmpeg 5.1's smoothstreaming muxer writes for 10 s of
// 640x360 and 320x180 H.264 (no B-frames, 2 s GOPs) and AAC copied from a
// Matroska file, with -min_frag_duration 2000000 (testdata/ffmpeg-ss.xml
// verbatim, 1187 bytes): fragments carry
// only n and d, so start times are the running sums of d (0, 20197120,
// 40166281, 60135442, 80104603 for the audio, whose durations differ),
// which are the files' names; no TimeScale (10 MHz); H.264
// CodecPrivateData is Annex-B SPS and PPS, AACL an AudioSpecificConfig.
func TestFFmpegManifest(t *testing.T) {
	m, err := Parse(readFile(t, "testdata/ffmpeg-ss.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if m.TimeScale != DefaultTimeScale || m.Duration != 100305964 || m.IsLive || len(m.Streams) != 2 {
		t.Fatalf("manifest %+v", m)
	}
	if m.Length() != 10030596400*time.Nanosecond {
		t.Errorf("Length %v", m.Length())
	}
	video, audio := m.Stream("video"), m.Stream("audio")
	if video == nil || audio == nil || video.TimeScale != DefaultTimeScale || audio.TimeScale != DefaultTimeScale {
		t.Fatalf("streams %+v", m.Streams)
	}
	if video.MaxWidth != 640 || video.MaxHeight != 360 {
		t.Errorf("video stream size %dx%d, want the largest level's 640x360 ([MS-SSTR] 3.1.5.1)", video.MaxWidth, video.MaxHeight)
	}
	wantAudio := []frag{{0, 20197120}, {20197120, 19969161}, {40166281, 19969161}, {60135442, 19969161}, {80104603, 20201361}}
	if got := frags(audio); !slices.Equal(got, wantAudio) {
		t.Errorf("audio timeline %v, want %v", got, wantAudio)
	}
	wantVideo := []frag{{0, 2e7}, {2e7, 2e7}, {4e7, 2e7}, {6e7, 2e7}, {8e7, 2e7}}
	if got := frags(video); !slices.Equal(got, wantVideo) {
		t.Errorf("video timeline %v, want %v", got, wantVideo)
	}
	base := mustURL(t, "http://127.0.0.1:18080/Manifest")
	aq := audio.QualityLevels[0]
	var urls []string
	for f := range audio.All() {
		u, err := audio.FragmentURL(base, aq, f.Start)
		if err != nil {
			t.Fatal(err)
		}
		urls = append(urls, u.String())
	}
	wantURLs := []string{
		"http://127.0.0.1:18080/QualityLevels(99634)/Fragments(audio=0)",
		"http://127.0.0.1:18080/QualityLevels(99634)/Fragments(audio=20197120)",
		"http://127.0.0.1:18080/QualityLevels(99634)/Fragments(audio=40166281)",
		"http://127.0.0.1:18080/QualityLevels(99634)/Fragments(audio=60135442)",
		"http://127.0.0.1:18080/QualityLevels(99634)/Fragments(audio=80104603)",
	}
	if !slices.Equal(urls, wantURLs) {
		t.Errorf("audio URLs %q", urls)
	}
	u, err := video.FragmentURL(base, video.QualityLevels[1], 40000000)
	if err != nil || u.String() != "http://127.0.0.1:18080/QualityLevels(300000)/Fragments(video=40000000)" {
		t.Errorf("video URL %v, %v", u, err)
	}

	vt := video.QualityLevels[0].Track(1, video)
	spsPPS := unhex(t, "00000001674d401eda0280bfe5c044000003000400000300c83c58ba800000000168ef3c80")
	if vt.Type != transport.Video || vt.Codec != transport.FourCC("H264") || !bytes.Equal(vt.Config, spsPPS) ||
		vt.Video.Width != 640 || vt.Video.Height != 360 || vt.Bitrate != 800000 || vt.Video.AspectX != 0 {
		t.Errorf("video track %+v", vt)
	}
	at := aq.Track(2, audio)
	if at.Type != transport.Audio || at.Codec != transport.FourCC("AACL") || !bytes.Equal(at.Config, unhex(t, "121056e500")) ||
		at.Audio.SampleRate != 44100 || at.Audio.Channels != 2 || at.Audio.BitsPerSample != 16 || at.Audio.BlockAlign != 4 ||
		at.Bitrate != 99634 {
		t.Errorf("audio track %+v", at)
	}

	// Seeking: the fragment holding a time, at and around boundaries.
	for _, c := range []struct {
		ticks uint64
		want  int
	}{{0, 0}, {20197119, 0}, {20197120, 1}, {80104603, 4}, {1 << 62, 4}} {
		if f, ok := audio.FragmentAt(c.ticks); !ok || f.Index != c.want {
			t.Errorf("FragmentAt(%d) = %+v, want index %d", c.ticks, f, c.want)
		}
	}
	if audio.End() != 100305964 {
		t.Errorf("audio End %d", audio.End())
	}
}
