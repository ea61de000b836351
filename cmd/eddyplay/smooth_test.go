package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/eddyplayer/eddy/transport/smooth/smoothtest"
)

// TestSmoothOnDemand: FFmpeg's Smooth Streaming tree on a plain static
// HTTP server plays to the end: the audio equals FFmpeg's decode of the
// source AAC sample for sample, all 250 pictures are decoded, the video
// starts at the low quality and climbs (one switch, no glitch in the
// audio); --probe lists every quality level as a stream.
func TestSmoothOnDemand(t *testing.T) {
	need(t, "ffmpeg")
	dir := t.TempDir()
	if _, err := smoothtest.MakeTree(dir); err != nil {
		t.Fatal(err)
	}
	files := http.FileServer(http.Dir(dir))
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ss/show.xml" {
			// The manifest at a URL that does not say it is one.
			r.URL.Path = "/ss/Manifest"
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(web.Close)
	url := web.URL + "/ss/Manifest"
	out := filepath.Join(dir, "out.wav")
	stdout, stderr, err := eddyplay(t, "--stats", "--out", out, url)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var st statsJSON
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if st.Protocol != "smooth" || st.FramesDecoded != 250 || st.DecodeErrors != 0 || st.QualitySwitches < 1 ||
		len(st.QualitiesPlayed) != 3 || st.BytesPerPacket < 10000 || st.Rebuffers != 0 {
		t.Errorf("stats %+v", st)
	}
	_, got := wavPCM(t, out)
	equalPCM(t, "the Smooth audio", got, decodeRef(t, filepath.Join(dir, "audio96k.mka")))

	stdout, _, err = eddyplay(t, "--probe", url)
	if err != nil {
		t.Fatal(err)
	}
	var pj probeJSON
	if err := json.Unmarshal([]byte(stdout), &pj); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if pj.Protocol != "smooth" || len(pj.Streams) != 3 || pj.DurationMS < 10000 {
		t.Fatalf("probe %+v", pj)
	}
	rates := map[int]string{}
	for _, s := range pj.Streams {
		rates[s.Bitrate] = s.Codec + " " + s.Decoder
	}
	if len(rates) != 3 || rates[800000] == "" || rates[300000] == "" || rates[99634] == "" {
		t.Errorf("streams %+v: each quality level a stream", pj.Streams)
	}

	// An http:// URL that answers with a Smooth manifest opens as one.
	stdout, stderr, err = eddyplay(t, "--probe", web.URL+"/ss/show.xml")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	pj = probeJSON{}
	if err := json.Unmarshal([]byte(stdout), &pj); err != nil || pj.Protocol != "smooth" || len(pj.Streams) != 3 {
		t.Fatalf("probe of the manifest at show.xml: %v %s", err, stdout)
	}
}
