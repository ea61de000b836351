package asftest

import (
	"os"
	"strings"
	"testing"
)

// TestMakeAndProbe makes one FFmpeg and one GStreamer file, each once,
// and lists their objects; an unknown name is an error.
func TestMakeAndProbe(t *testing.T) {
	f, err := NewFiles("asftest-", map[string]Recipe{
		"short.wma": FFmpeg("-f", "lavfi", "-i", Sine+":duration=1", "-ac", "2", "-c:a", "wmav2", "-b:a", "64k"),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Remove()
	p := f.Path(t, "short.wma")
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if again := f.Path(t, "short.wma"); again != p {
		t.Fatalf("second path %s", again)
	}
	if st2, _ := os.Stat(p); !st2.ModTime().Equal(st.ModTime()) {
		t.Error("the file was made twice")
	}
	pk := Probe(t, p)
	if len(pk) < 10 || pk[0].CodecType != "audio" || pk[0].Size == 0 {
		t.Fatalf("ffprobe packets %+v", pk[:min(len(pk), 3)])
	}
	g := f.Path(t, "gst_asfmux_wmv2_wmav2.wmv")
	types := map[string]int{}
	for _, p := range Probe(t, g) {
		types[p.CodecType]++
	}
	if types["audio"] == 0 || types["video"] != 150 {
		t.Fatalf("asfmux file objects by type %v", types)
	}
	if _, err := f.Make("nope.asf"); err == nil || !strings.Contains(err.Error(), "no recipe") {
		t.Fatalf("unknown name: %v", err)
	}
}
