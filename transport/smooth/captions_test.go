package smooth_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/fmp4"
	"github.com/eddyplayer/eddy/transport/smooth"
)

// TestSparseCaptions: a sparse text stream (MS-SSTR 2.2.2.3, 2.2.5) is a
// Text track; selected with the audio, its captions come as samples
// among the audio's in time order, and a caption fragment that is slow to
// come never holds the audio back.
func TestSparseCaptions(t *testing.T) {
	dir, err := tree()
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, "ss", "Manifest"))
	if err != nil {
		t.Fatal(err)
	}
	text := `<StreamIndex Type="text" Subtype="CAPT" Name="captions" ParentStreamIndex="audio" ManifestOutput="FALSE" TimeScale="10000000" QualityLevels="1" Chunks="2" Url="QualityLevels({bitrate})/Fragments(captions={start time})">
<QualityLevel Index="0" Bitrate="1000" FourCC="TTML"/>
<c t="10000000" d="20000000"/><c t="60000000" d="20000000"/>
</StreamIndex>
</SmoothStreamingMedia>`
	m := strings.Replace(string(manifest), "</SmoothStreamingMedia>", text, 1)
	caption := func(s string) []byte {
		b, err := fmp4.BuildFragment(fmp4.FragmentSpec{SequenceNumber: 1, TrackID: 1, Samples: []fmp4.FragmentSample{
			{Duration: 20000000, Flags: fmp4.SyncSampleFlags, Data: []byte("<tt><body><p>" + s + "</p></body></tt>")}}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	slow := make(chan struct{})
	files := http.FileServer(http.Dir(dir))
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/ss/Manifest":
			w.Write([]byte(m))
		case strings.Contains(r.URL.Path, "Fragments(captions=10000000)"):
			w.Write(caption("first"))
		case strings.Contains(r.URL.Path, "Fragments(captions=60000000)"):
			select { // held until the audio has played past it
			case <-slow:
			case <-r.Context().Done():
				return
			}
			w.Write(caption("second"))
		default:
			files.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(web.Close)
	s, err := (&smooth.Dialer{}).Dial(ctxT(t), web.URL+"/ss/Manifest", transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var audio, capt int
	for _, tr := range s.Info().Tracks {
		switch tr.Type {
		case transport.Audio:
			audio = tr.ID
		case transport.Text:
			capt = tr.ID
		}
	}
	if audio == 0 || capt == 0 {
		t.Fatalf("tracks %+v", s.Info().Tracks)
	}
	s.Select(ctxT(t), []int{audio, capt})
	if err := s.Play(ctxT(t), 0); err != nil {
		t.Fatal(err)
	}
	var got []string
	released := false
	for {
		smp, err := s.ReadSample(ctxT(t))
		if err != nil {
			break
		}
		if smp.Track == capt {
			got = append(got, fmt.Sprintf("%v %s", smp.PTS, strings.TrimSuffix(strings.TrimPrefix(string(smp.Data), "<tt><body><p>"), "</p></body></tt>")))
		}
		if smp.Track == audio && smp.PTS > 8e9 && !released {
			released = true // the audio went past 8 s without the second caption
			close(slow)
		}
	}
	if !released {
		t.Fatal("the audio was held back by the slow caption fragment")
	}
	if len(got) < 1 || got[0] != "1s first" {
		t.Errorf("captions %q, want the first at 1 s", got)
	}
}

// TestCaptionsFailing: a caption stream whose fragments fail for good
// ends; the media play to the end, and the loss is counted.
func TestCaptionsFailing(t *testing.T) {
	dir, err := tree()
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, "ss", "Manifest"))
	if err != nil {
		t.Fatal(err)
	}
	text := `<StreamIndex Type="text" Subtype="CAPT" Name="captions" ParentStreamIndex="audio" ManifestOutput="FALSE" TimeScale="10000000" QualityLevels="1" Chunks="1" Url="QualityLevels({bitrate})/Fragments(captions={start time})">
<QualityLevel Index="0" Bitrate="1000" FourCC="TTML"/>
<c t="10000000" d="20000000"/>
</StreamIndex>
</SmoothStreamingMedia>`
	m := strings.Replace(string(manifest), "</SmoothStreamingMedia>", text, 1)
	files := http.FileServer(http.Dir(dir))
	// The audio after its first fragment waits until the caption fragment
	// has been given up (asked 1+4 times), so that the failure comes
	// while the audio plays.
	var asked atomic.Int32
	gaveUp := make(chan struct{})
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/ss/Manifest":
			w.Write([]byte(m))
		case strings.Contains(r.URL.Path, "Fragments(captions="):
			http.Error(w, "gone", http.StatusNotFound)
			if asked.Add(1) == 5 {
				close(gaveUp)
			}
		case strings.Contains(r.URL.Path, "Fragments(audio=") && !strings.HasSuffix(r.URL.Path, "=0)"):
			select {
			case <-gaveUp:
			case <-r.Context().Done():
				return
			}
			files.ServeHTTP(w, r)
		default:
			files.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(web.Close)
	s, err := (&smooth.Dialer{RetryDelay: time.Millisecond}).Dial(ctxT(t), web.URL+"/ss/Manifest", transport.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []int
	for _, tr := range s.Info().Tracks {
		if tr.Type == transport.Audio || tr.Type == transport.Text {
			ids = append(ids, tr.ID)
		}
	}
	s.Select(ctxT(t), ids)
	if err := s.Play(ctxT(t), 0); err != nil {
		t.Fatal(err)
	}
	var last time.Duration
	for {
		smp, err := s.ReadSample(ctxT(t))
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("after %v of audio: %v", last, err)
		}
		last = smp.PTS
	}
	if last < 9*time.Second {
		t.Errorf("the audio ended at %v", last)
	}
	// The caption stream's fetcher counts its loss as it gives up, which
	// can come after the media's end (nothing orders the two): wait for
	// it, within the test's time.
	ctx := ctxT(t)
	for s.Stats().PacketsLost == 0 {
		select {
		case <-ctx.Done():
			t.Fatal("PacketsLost 0, want the caption fragment")
		case <-time.After(time.Millisecond):
		}
	}
	if n := s.Stats().PacketsLost; n != 1 {
		t.Errorf("PacketsLost %d, want the caption fragment", n)
	}
}
