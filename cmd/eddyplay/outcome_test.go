package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/transport"
)

// asfLayout is where a fixture's packets are.
func asfLayout(t *testing.T, b []byte) (first int, size int, n int) {
	t.Helper()
	h, err := asf.ParseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	first = int(h.Size) + asf.DataObjectFixedSize
	return first, int(h.PacketSize), (len(b) - first) / int(h.PacketSize)
}

// TestNoFalseSuccess is the --out contract: a run either writes a valid
// WAV of what it decoded and exits 0, or exits with an error that says
// what went wrong; a run that decoded nothing leaves no file (and an
// existing file at that path untouched), and a run that lost the end of
// its source fails while the WAV of what came before stays valid.
func TestNoFalseSuccess(t *testing.T) {
	dir := t.TempDir()
	wma, err := os.ReadFile(wmaFixture)
	if err != nil {
		t.Fatal(err)
	}
	wmv, err := os.ReadFile(wmvFixture)
	if err != nil {
		t.Fatal(err)
	}
	first, size, n := asfLayout(t, wma)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A header and an empty data object.
	noPackets := write("nopackets.wma", bytes.Clone(wma[:first]))
	// Every packet overwritten with garbage.
	garbage := bytes.Clone(wma)
	for i := first; i < len(garbage); i++ {
		garbage[i] = byte(i*7 + 0x5A)
	}
	allCorrupt := write("corrupt.wma", garbage)
	// The WMV with its audio stream's format tag changed to one no decoder
	// knows: the video plays, the audio cannot.
	h, err := asf.ParseHeader(wmv)
	if err != nil {
		t.Fatal(err)
	}
	odd := bytes.Clone(wmv)
	tagAt := -1
	for _, st := range h.Streams {
		if st.Audio != nil {
			tagAt = bytes.Index(odd, st.TypeSpecific[:16])
		}
	}
	if tagAt < 0 {
		t.Fatal("no audio stream in the WMV fixture")
	}
	binary.LittleEndian.PutUint16(odd[tagAt:], 0x7777)
	oddAudio := write("oddaudio.wmv", odd)
	// An HTTP server that declares 10 GB and closes after 1 KB, and one
	// that declares the whole file and closes in the middle of the
	// packets; neither offers ranges to resume with.
	cut := func(declared int64, keep int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "video/x-ms-asf")
			w.Header().Set("Content-Length", strconv.FormatInt(declared, 10))
			w.WriteHeader(http.StatusOK)
			w.Write(wma[:keep])
			w.(http.Flusher).Flush()
			if hj, ok := w.(http.Hijacker); ok {
				c, _, _ := hj.Hijack()
				c.Close()
			}
		}
	}
	short := httptest.NewServer(cut(10<<30, 1024))
	defer short.Close()
	half := httptest.NewServer(cut(int64(len(wma)), first+size*(n/2)))
	defer half.Close()

	cases := []struct {
		name    string
		args    []string
		is      error
		want    string
		partial bool // a valid WAV with some audio is expected
	}{
		{"header without packets", []string{noPackets}, player.ErrNothingDecoded, "the source ended before any media arrived", false},
		{"every packet corrupt", []string{allCorrupt}, player.ErrNothingDecoded, "", false},
		{"audio cannot be opened beside working video", []string{oddAudio}, nil, "no audio was decoded into", false},
		{"start past the end", []string{"--start", "59h", wmaFixture}, player.ErrPastEnd, "cannot start at 59h0m0s", false},
		{"HTTP body ends after 1 KB of 10 GB", []string{"--timeout", "2s", short.URL + "/a.wma"}, transport.ErrTruncated, "after 1024 of 10737418240 bytes", false},
		{"HTTP body ends midway", []string{"--timeout", "2s", half.URL + "/a.wma"}, transport.ErrTruncated, "", true},
		{"no such file", []string{"/nonexistent/x.wma"}, os.ErrNotExist, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.wav")
			_, stderr, err := eddyplay(t, append([]string{"--out", out}, c.args...)...)
			if err == nil {
				t.Fatalf("exit 0 (stderr %q)", stderr)
			}
			t.Logf("eddyplay: %v", err)
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %q does not wrap %v", err, c.is)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not say %q", err, c.want)
			}
			b, rerr := os.ReadFile(out)
			switch {
			case !c.partial && rerr == nil:
				t.Errorf("a failed run left %d bytes at --out", len(b))
			case !c.partial && !errors.Is(rerr, os.ErrNotExist):
				t.Error(rerr)
			case c.partial:
				if rerr != nil {
					t.Fatal(rerr)
				}
				f, data, err := audio.ParseWAV(b)
				if err != nil || len(data) == 0 || f.SampleRate != 44100 {
					t.Errorf("partial WAV: %v, %d data bytes, %v", f, len(data), err)
				}
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*partial")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}

	// A failed run leaves a file already at the path as it was.
	keep := filepath.Join(dir, "keep.wav")
	os.WriteFile(keep, []byte("mine"), 0o644)
	if _, _, err := eddyplay(t, "--out", keep, noPackets); err == nil {
		t.Fatal("exit 0")
	}
	if b, _ := os.ReadFile(keep); string(b) != "mine" {
		t.Errorf("the existing file became %q", b)
	}
}
