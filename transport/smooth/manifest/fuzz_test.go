package manifest

import (
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// FuzzParse checks that Parse never panics, and that whatever it accepts
// is consistent: every stream's timeline has Len fragments whose starts
// increase, which Fragment(i) and FragmentAt give back, whose URLs and
// tracks can be made; and that memory stays bounded.
func FuzzParse(f *testing.F) {
	for _, c := range timelineCases {
		f.Add(c.in)
	}
	for _, c := range badCases {
		f.Add(c.in)
	}
	files, _ := filepath.Glob("testdata/*.xml")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	base, _ := url.Parse("http://host/p.ism/Manifest")
	f.Fuzz(func(t *testing.T, data []byte) {
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		m, err := Parse(data)
		if m == nil {
			if err == nil {
				t.Fatal("no manifest and no error")
			}
			return
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		// The fuzzer's inputs are small; a manifest of kilobytes must not
		// cost more than a few hundred megabytes (runs cost no memory).
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 256<<20 {
			t.Fatalf("Parse of %d bytes allocated %d bytes", len(data), grown)
		}
		for _, s := range m.Streams {
			if s.TimeScale == 0 {
				t.Fatal("stream TimeScale 0")
			}
			n := 0
			var prev Fragment
			for fr := range s.All() {
				if fr.Index != n || fr.Duration == 0 || fr.EndTime < fr.StartTime {
					t.Fatalf("fragment %d: %+v", n, fr)
				}
				if n > 0 && fr.Start <= prev.Start {
					t.Fatalf("fragment %d starts at %d, after %d", n, fr.Start, prev.Start)
				}
				if n < 64 || n == s.Len()-1 {
					if g, ok := s.Fragment(n); !ok || g != fr {
						t.Fatalf("Fragment(%d) = %+v, All gave %+v", n, g, fr)
					}
					if g, ok := s.FragmentAt(fr.Start); !ok || g.Index != n {
						t.Fatalf("FragmentAt(%d) = %+v, want index %d", fr.Start, g, n)
					}
				}
				prev = fr
				n++
				if n > MaxFragments {
					t.Fatal("more than MaxFragments")
				}
			}
			if n != s.Len() {
				t.Fatalf("All gave %d fragments, Len is %d", n, s.Len())
			}
			for i, q := range s.QualityLevels {
				_, _ = s.FragmentURL(base, q, prev.Start)
				_ = q.Track(i+1, s)
			}
		}
	})
}
