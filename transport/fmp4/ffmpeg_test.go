package fmp4

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// smoothFragments lists a QualityLevels directory's Fragments files in
// time order, with the time each file name gives.
func smoothFragments(t *testing.T, dir string) (paths []string, times []uint64) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "Fragments(*)"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no fragments in %s (%v)", dir, err)
	}
	re := regexp.MustCompile(`=(\d+)\)$`)
	type ft struct {
		p string
		t uint64
	}
	var fs []ft
	for _, n := range names {
		m := re.FindStringSubmatch(n)
		if m == nil {
			t.Fatalf("fragment name %s", n)
		}
		v, _ := strconv.ParseUint(m[1], 10, 64)
		fs = append(fs, ft{n, v})
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].t < fs[j].t })
	for _, f := range fs {
		paths, times = append(paths, f.p), append(times, f.t)
	}
	return paths, times
}

// checkAgainstProbe compares samples with ffprobe's packets of the same
// encode: count, size, bytes (MD5), key flag, and decode time (scaled to
// timescale from the stream's time base, within tol ticks).
func checkAgainstProbe(t *testing.T, what string, got []Sample, want []probePacket, timeBase, timescale int64, tol uint64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d samples, ffprobe has %d packets", what, len(got), len(want))
	}
	for i, s := range got {
		w := want[i]
		sum := md5.Sum(s.Data)
		if int(s.Size) != w.Size || len(s.Data) != w.Size || hex.EncodeToString(sum[:]) != w.MD5 {
			t.Fatalf("%s: sample %d: size %d (data %d bytes, md5 %x), ffprobe size %d md5 %s", what, i, s.Size, len(s.Data), sum, w.Size, w.MD5)
		}
		if s.Sync != w.Key {
			t.Fatalf("%s: sample %d: sync %v, ffprobe key %v", what, i, s.Sync, w.Key)
		}
		wantDTS := uint64((w.DTS*timescale + timeBase/2) / timeBase)
		if d := int64(s.DecodeTime - wantDTS); d > int64(tol) || d < -int64(tol) {
			t.Fatalf("%s: sample %d: decode time %d, ffprobe %d (= %d at %d Hz)", what, i, s.DecodeTime, w.DTS, wantDTS, timescale)
		}
	}
}

// initBoxes returns the ftyp and moov of an FFmpeg ismv file.
func initBoxes(t *testing.T, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for off := 0; off < len(b); {
		h, err := ReadBoxHeader(b[off:])
		if err != nil {
			t.Fatal(err)
		}
		if h.Type == TypeFtyp || h.Type == TypeMoov {
			out = append(out, b[off:off+int(h.Size)]...)
		}
		off += int(h.Size)
	}
	return out
}

// TestSmoothTreeFromFFmpeg parses every Fragments file of FFmpeg's Smooth
// tree: one traf each, its decode times from the tfxd, which equals the
// time in the file name (MS-SSTR 2.2.4.4) and the end of the fragment
// before, the tfrf announcing the next fragments' times and durations
// (2.2.4.5), and the samples, in order over all fragments, equal to
// ffprobe's packets of the same fragments (read after an FFmpeg ismv's
// moov): 250 video frames per quality, 432 AAC frames, each one's size,
// bytes, key flag and decode time.
func TestSmoothTreeFromFFmpeg(t *testing.T) {
	dir := fixtureDir(t)
	qls, _ := filepath.Glob(filepath.Join(dir, "ss", "QualityLevels(*)"))
	if len(qls) != 3 {
		t.Fatalf("quality levels %v", qls)
	}
	for _, ql := range qls {
		t.Run(filepath.Base(ql), func(t *testing.T) {
			paths, times := smoothFragments(t, ql)
			init := "vinit.ismv"
			if strings.Contains(paths[0], "audio=") {
				init = "ainit.ismv"
			}
			probeFile := initBoxes(t, filepath.Join(dir, init))
			var all []Sample
			var prevSeq uint32
			for i, p := range paths {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				f, err := ParseFragment(b, Options{})
				if err != nil {
					t.Fatalf("%s: %v", filepath.Base(p), err)
				}
				if len(f.Tracks) != 1 || f.Size != len(b) || f.MoofOffset != 0 || f.SequenceNumber <= prevSeq {
					t.Fatalf("%s: %d tracks, size %d of %d, moof at %d, sequence %d after %d", filepath.Base(p), len(f.Tracks), f.Size, len(b), f.MoofOffset, f.SequenceNumber, prevSeq)
				}
				prevSeq = f.SequenceNumber
				tr := &f.Tracks[0]
				if tr.Tfxd == nil || tr.TimeSource != TimeFromTfxd || tr.Tfxd.FragmentAbsoluteTime != times[i] ||
					tr.BaseDecodeTime != times[i] || tr.Tfxd.FragmentDuration != tr.Duration {
					t.Fatalf("%s: tfxd %+v, source %v, base %d, duration %d", filepath.Base(p), tr.Tfxd, tr.TimeSource, tr.BaseDecodeTime, tr.Duration)
				}
				if i+1 < len(times) {
					if tr.Tfrf == nil || len(tr.Tfrf.Entries) == 0 {
						t.Fatalf("%s: no tfrf", filepath.Base(p))
					}
					for k, e := range tr.Tfrf.Entries {
						if i+1+k >= len(times) || e.FragmentAbsoluteTime != times[i+1+k] {
							t.Fatalf("%s: tfrf entry %d %+v, next fragments start at %v", filepath.Base(p), k, e, times[i+1:])
						}
						if i+2+k < len(times) && e.FragmentDuration != times[i+2+k]-times[i+1+k] {
							t.Fatalf("%s: tfrf entry %d %+v, next fragments start at %v", filepath.Base(p), k, e, times[i+1:])
						}
					}
				}
				// Ignoring the tfxd, the caller's start time is used.
				g, err := ParseFragment(b, Options{IgnoreTfxd: true, StartTime: 7})
				if err != nil || g.Tracks[0].TimeSource != TimeFromOptions || g.Tracks[0].Samples[0].DecodeTime != 7 {
					t.Fatalf("%s: IgnoreTfxd: %v", filepath.Base(p), err)
				}
				if i > 0 && all[len(all)-1].DecodeTime+uint64(all[len(all)-1].Duration) != times[i] {
					t.Fatalf("%s: the fragment before ends at %d", filepath.Base(p), all[len(all)-1].DecodeTime+uint64(all[len(all)-1].Duration))
				}
				all = append(all, tr.Samples...)
				probeFile = append(probeFile, b...)
			}
			path := filepath.Join(t.TempDir(), "track.mp4")
			if err := os.WriteFile(path, probeFile, 0o644); err != nil {
				t.Fatal(err)
			}
			ref, tb := probe(t, path)
			want := 250
			if init == "ainit.ismv" {
				want = 432
			}
			if len(ref[0]) != want {
				t.Fatalf("ffprobe: %d packets, the recipe makes %d", len(ref[0]), want)
			}
			checkAgainstProbe(t, filepath.Base(ql), all, ref[0], tb[0], 10_000_000, 0)
		})
	}
}

// TestFragmentedMP4FromFFmpeg reads FFmpeg's fragmented MP4 of the same
// encode: the moov (timescales, handlers, sample entries, avcC and the
// AAC AudioSpecificConfig, which equal the Smooth manifest's
// CodecPrivateData, and the trex defaults), then every moof in the file,
// where each of the three trafs has a tfdt, default-base-is-moof and
// tfhd defaults, and compares every sample with ffprobe's packets of
// this very file, decode times exactly.
func TestFragmentedMP4FromFFmpeg(t *testing.T) {
	dir := fixtureDir(t)
	path := filepath.Join(dir, "frag.mp4")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	in, err := ParseInit(b, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Tracks) != 3 || in.Timescale == 0 {
		t.Fatalf("init: %+v", in)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, "ss", "Manifest"))
	if err != nil {
		t.Fatal(err)
	}
	cpd := regexp.MustCompile(`CodecPrivateData="([0-9a-f]*)"`).FindAllSubmatch(manifest, -1)
	if len(cpd) != 3 {
		t.Fatalf("manifest CodecPrivateData: %q", cpd)
	}
	for i, want := range []struct {
		handler       string
		format        BoxType
		width, height uint16
	}{{"vide", TypeAvc1, 640, 360}, {"vide", TypeAvc1, 320, 180}, {"soun", TypeMp4a, 0, 0}} {
		tr := in.Tracks[i]
		e := tr.Entry
		if string(tr.Handler[:]) != want.handler || e.Format != want.format || e.Width != want.width || e.Height != want.height ||
			tr.TrackID != uint32(i+1) || !tr.HasDefaults || tr.Defaults.TrackID != tr.TrackID || tr.Timescale == 0 {
			t.Fatalf("track %d: %+v", i, tr)
		}
		cp, _ := hex.DecodeString(string(cpd[i][1]))
		if want.handler == "vide" {
			// avcC (ISO/IEC 14496-15 5.3.3.1): 6 bytes, then one SPS
			// (length-prefixed), then the PPS count and one PPS.
			c := e.AVCConfig
			if len(c) < 8 || c[5]&0x1f != 1 {
				t.Fatalf("track %d: avcC % x", i, c)
			}
			spsLen := int(c[6])<<8 | int(c[7])
			sps := c[8 : 8+spsLen]
			pps := c[8+spsLen+3:]
			annexB := append(append(append([]byte{0, 0, 0, 1}, sps...), 0, 0, 0, 1), pps[:int(c[8+spsLen+1])<<8|int(c[8+spsLen+2])]...)
			if !bytes.Equal(annexB, cp) {
				t.Fatalf("track %d: avcC SPS+PPS %x, manifest CodecPrivateData %x", i, annexB, cp)
			}
		} else if e.ChannelCount != 2 || e.SampleRate != 44100 || e.ObjectType != 0x40 || !bytes.Equal(e.DecoderSpecificInfo, cp) {
			t.Fatalf("audio entry %+v, manifest CodecPrivateData %x", e, cp)
		}
	}

	ref, tb := probe(t, path)
	got := map[uint32][]Sample{}
	moofs := 0
	for off := 0; off < len(b); {
		h, err := ReadBoxHeader(b[off:])
		if err != nil {
			t.Fatal(err)
		}
		if h.Type == TypeMoof {
			f, err := ParseFragment(b[off:], Options{FileOffset: uint64(off), Defaults: in.TrackDefaults()})
			if err != nil {
				t.Fatalf("moof at %d: %v", off, err)
			}
			moofs++
			if len(f.Tracks) != 3 || f.MoofOffset != 0 {
				t.Fatalf("moof at %d: %d trafs, at %d", off, len(f.Tracks), f.MoofOffset)
			}
			for _, tr := range f.Tracks {
				if tr.TimeSource != TimeFromTfdt || !tr.Tfhd.Has(TfhdDefaultBaseIsMoof) {
					t.Fatalf("moof at %d: track %d: time from %v, tfhd flags %#x", off, tr.TrackID, tr.TimeSource, tr.Tfhd.Flags)
				}
				got[tr.TrackID] = append(got[tr.TrackID], tr.Samples...)
			}
		}
		off += int(h.Size)
	}
	if moofs < 5 {
		t.Fatalf("%d moofs", moofs)
	}
	for i, tr := range in.Tracks {
		checkAgainstProbe(t, fmt.Sprintf("track %d", tr.TrackID), got[tr.TrackID], ref[i], tb[i], int64(tr.Timescale), 0)
	}
}
