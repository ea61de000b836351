package fmp4

import (
	"os"
	"path/filepath"
	"testing"
)

func BenchmarkParseInit(b *testing.B) {
	in := hx(initSegment)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseInit(in, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseFragment parses FFmpeg's first 800 kbit/s video fragment
// (50 samples).
func BenchmarkParseFragment(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(fixtureDir(b), "ss", "QualityLevels(800000)", "Fragments(video=0)"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFragment(data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
