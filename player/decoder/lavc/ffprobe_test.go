//go:build cgo

package lavc

// Test input from containers other than ASF (MP4 for the H.264 shapes) and
// FFmpeg's view of frame times, through ffprobe.

import (
	"encoding/hex"
	"encoding/json"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// probePackets returns the packets of stream index idx as FFmpeg's demuxer
// splits them.
func probePackets(t *testing.T, path string, idx int) []transport.Sample {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_packets", "-show_data", "-of", "json", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Packets []struct {
			StreamIndex int    `json:"stream_index"`
			PTS         string `json:"pts_time"`
			DTS         string `json:"dts_time"`
			Flags       string `json:"flags"`
			Data        string `json:"data"`
		}
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	var s []transport.Sample
	for _, p := range v.Packets {
		if p.StreamIndex != idx {
			continue
		}
		raw := unhexdump(t, p.Data)
		ts := p.DTS
		if p.PTS != "" {
			ts = p.PTS
		}
		s = append(s, transport.Sample{PTS: seconds(t, ts), Key: strings.HasPrefix(p.Flags, "K"), Data: raw})
	}
	return s
}

func seconds(t *testing.T, s string) time.Duration {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return time.Duration(math.Round(f*1e6)) * time.Microsecond
}

// unhexdump reads ffprobe's -show_data hex dump.
func unhexdump(t *testing.T, dump string) []byte {
	t.Helper()
	var raw []byte
	for _, line := range strings.Split(dump, "\n") {
		if len(line) < 10 {
			continue
		}
		h := strings.ReplaceAll(line[10:min(len(line), 10+40)], " ", "")
		d, err := hex.DecodeString(h)
		if err != nil {
			t.Fatalf("hex %q: %v", h, err)
		}
		raw = append(raw, d...)
	}
	return raw
}

// probeExtradata returns the codec private data of stream idx.
func probeExtradata(t *testing.T, path string, idx int) []byte {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_streams", "-show_data", "-of", "json", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Streams []struct {
			Extradata string `json:"extradata"`
		}
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	return unhexdump(t, v.Streams[idx].Extradata)
}

// probeFrameTimes returns FFmpeg's best_effort_timestamp of each decoded
// frame of a video stream (an ffprobe stream specifier), with ok false
// where it has none.
func probeFrameTimes(t *testing.T, path, stream string) (ts []time.Duration, ok []bool) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", stream, "-show_frames", "-show_entries",
		"frame=best_effort_timestamp_time", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		line, _, _ = strings.Cut(strings.TrimSpace(line), ",") // side data follows
		if line == "" {
			continue // side data line
		}
		if line == "N/A" {
			ts, ok = append(ts, 0), append(ok, false)
			continue
		}
		ts, ok = append(ts, seconds(t, line)), append(ok, true)
	}
	return ts, ok
}
