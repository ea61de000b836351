//go:build cgo

package lavc

// Temporary test input until the asf package lands: stream parameters from
// a scan of the ASF header's Stream Properties Objects, media objects from
// ffprobe -show_packets -show_data.

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

var streamPropsGUID = []byte{0x91, 0x07, 0xDC, 0xB7, 0xB7, 0xA9, 0xCF, 0x11, 0x8E, 0xE6, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65}
var audioMediaGUID = []byte{0x40, 0x9E, 0x69, 0xF8, 0x4D, 0x5B, 0xCF, 0x11, 0xA8, 0xFD, 0x00, 0x80, 0x5F, 0x5C, 0x44, 0x2B}

// scanTracks returns the tracks of an ASF file in header order.
func scanTracks(t *testing.T, path string) []transport.Track {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	var out []transport.Track
	for off := 0; ; {
		i := bytes.Index(b[off:], streamPropsGUID)
		if i < 0 || off+i > 1<<20 {
			break
		}
		p := b[off+i:]
		off += i + 16
		size := int(le.Uint64(p[16:]))
		obj := p[24:size]
		tsLen := int(le.Uint32(obj[40:]))
		flags := le.Uint16(obj[48:])
		ts := obj[54 : 54+tsLen]
		tr := transport.Track{ID: int(flags & 0x7f)}
		if bytes.Equal(obj[:16], audioMediaGUID) {
			tr.Type = transport.Audio
			tr.Codec = transport.WaveFormat(le.Uint16(ts))
			tr.Audio = transport.AudioParams{
				Channels:       int(le.Uint16(ts[2:])),
				SampleRate:     int(le.Uint32(ts[4:])),
				AvgBytesPerSec: int(le.Uint32(ts[8:])),
				BlockAlign:     int(le.Uint16(ts[12:])),
				BitsPerSample:  int(le.Uint16(ts[14:])),
			}
			if len(ts) >= 18 {
				cb := int(le.Uint16(ts[16:]))
				tr.Config = append([]byte(nil), ts[18:18+cb]...)
			}
		} else {
			tr.Type = transport.Video
			bih := ts[11:]
			tr.Video = transport.VideoParams{
				Width:    int(int32(le.Uint32(bih[4:]))),
				Height:   int(int32(le.Uint32(bih[8:]))),
				BitCount: int(le.Uint16(bih[14:])),
			}
			tr.Codec = transport.FourCC(string(bih[16:20]))
			biSize := int(le.Uint32(bih))
			tr.Config = append([]byte(nil), bih[40:biSize]...)
		}
		out = append(out, tr)
	}
	return out
}

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
// frame of the first video stream, with ok false where it has none.
func probeFrameTimes(t *testing.T, path string) (ts []time.Duration, ok []bool) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_frames", "-show_entries",
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
