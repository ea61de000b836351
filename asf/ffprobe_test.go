package asf

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf/asftest"
)

// Third-party comparison: the fixtures of the peers' make_fixtures.sh
// (FFmpeg's asf muxer: fixed-size padded packets with EC data; GStreamer's
// asfmux: explicit packet length, no EC data) plus PCM files in several
// packet sizes, generated at test time, are demuxed by Eddy and by ffprobe,
// and the streams, codecs, and every packet's pts, size and key flag must
// agree.
//
// What ffprobe reports for ASF (FFmpeg 5.1, libavformat/asfdec_f.c): one
// packet per media object; pts in ms = payload presentation time − preroll
// (the stream Time Offset is not applied; every fixture has offset 0, where
// Object.PTS is the same); audio packets all flagged K, video flagged K by
// the key-frame bit. FFmpeg descrambles Audio Spread objects only when
// span > 1; the fixtures have span 1, so sizes compare one to one.
//
// One justified difference: in GStreamer asfmux files, FFmpeg loses the
// last objects of the final packet (see compareWithProbe); Eddy keeps them,
// and the test checks they are real.

// asfFiles makes the fixtures (created by TestMain).
var asfFiles *asftest.Files

const sine = asftest.Sine

// extraFixtures are, beside make_fixtures.sh's files (asftest.Peers),
// both muxers at a 1300-byte packet size and PCM files in several packet
// sizes.
func extraFixtures() map[string]asftest.Recipe {
	rs := map[string]asftest.Recipe{
		"ff_wmav2_60s_pkt1300.wma": asftest.FFmpeg("-f", "lavfi", "-i", sine+":duration=60", "-ac", "2", "-c:a", "wmav2", "-b:a", "64k",
			"-packet_size", "1300"),
		"gst_asfmux_wmav2_60s_pkt1300.wma": asftest.GStreamer("audiotestsrc", "num-buffers=2600", "samplesperbuffer=1024", "!",
			"audio/x-raw,rate=44100,channels=2", "!", "audioconvert", "!", "avenc_wmav2", "bitrate=64000", "!",
			"asfmux", "packet-size=1300", "!", "filesink", "location=OUT"),
	}
	for _, p := range pcmFixtures {
		rs[p.name()] = asftest.FFmpeg("-f", "lavfi", "-i", fmt.Sprintf("sine=frequency=1000:sample_rate=%d:duration=3", p.rate),
			"-ac", strconv.Itoa(p.channels), "-c:a", p.codec, "-packet_size", strconv.Itoa(p.packetSize))
	}
	return rs
}

type pcmFixture struct {
	codec                      string
	rate, channels, packetSize int
}

func (p pcmFixture) name() string {
	return fmt.Sprintf("pcm_%s_%d_%dch_pkt%d.asf", p.codec, p.rate, p.channels, p.packetSize)
}

var pcmFixtures = []pcmFixture{
	{"pcm_s16le", 8000, 1, 512},
	{"pcm_s16le", 22050, 2, 1300},
	{"pcm_s16le", 44100, 1, 3200},
	{"pcm_s16le", 48000, 2, 8192},
	{"pcm_s16le", 44100, 2, 65536},
	{"pcm_u8", 8000, 1, 100},
	{"pcm_s16le", 48000, 1, 777},
}

// fixtures makes every fixture (once per test binary) and returns their
// directory.
func fixtures(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe", "gst-launch-1.0"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is required for the third-party comparison tests (install ffmpeg and "+
				"gstreamer1.0-tools with plugins base/good/bad/ugly and gstreamer1.0-libav): %v", tool, err)
		}
	}
	names := slices.Sorted(maps.Keys(asftest.Peers))
	names = append(names, slices.Sorted(maps.Keys(extraFixtures()))...)
	for _, n := range names {
		asfFiles.Path(t, n)
	}
	return asfFiles.Dir()
}

func TestMain(m *testing.M) {
	f, err := asftest.NewFiles("eddy-asf-fixtures-", extraFixtures())
	if err != nil {
		panic(err)
	}
	asfFiles = f
	os.Exit(f.Run(m, nil))
}

type probeResult struct {
	Streams []struct {
		Index      int    `json:"index"`
		CodecName  string `json:"codec_name"`
		CodecType  string `json:"codec_type"`
		CodecTag   string `json:"codec_tag"`
		SampleRate string `json:"sample_rate"`
		Channels   int    `json:"channels"`
		Width      int    `json:"width"`
		Height     int    `json:"height"`
	} `json:"streams"`
	Packets []struct {
		StreamIndex int    `json:"stream_index"`
		PTS         *int64 `json:"pts"`
		Size        string `json:"size"`
		Flags       string `json:"flags"`
	} `json:"packets"`
}

func ffprobe(t *testing.T, path string) *probeResult {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries",
		"stream=index,codec_name,codec_type,codec_tag,sample_rate,channels,width,height:packet=stream_index,pts,size,flags",
		"-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var r probeResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// headerOrder returns the stream numbers in the order their Stream
// Properties objects appear in the header (FFmpeg numbers its streams in
// that order).
func headerOrder(h *Header) []uint8 {
	var nums []uint8
	for _, o := range h.Objects {
		if o.ID == GUIDStreamProperties && o.Offset+24+50 <= int64(len(h.Raw)) {
			flags := binary.LittleEndian.Uint16(h.Raw[o.Offset+24+48:])
			nums = append(nums, uint8(flags&0x7F))
		}
	}
	return nums
}

type demuxed struct {
	pts  time.Duration
	size int
	key  bool
	pkt  uint64 // index of the packet that completed the object
}

func demuxFile(t *testing.T, path string) (*Header, map[uint8][]demuxed, DemuxStats) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, _ := fh.Stat()
	f, err := OpenFile(fh, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	return demuxPackets(t, f.Header(), func(i uint64, buf []byte) ([]byte, error) { return f.ReadPacket(i, buf) })
}

func demuxPackets(t *testing.T, h *Header, read func(uint64, []byte) ([]byte, error)) (*Header, map[uint8][]demuxed, DemuxStats) {
	t.Helper()
	d := NewDemuxer(h)
	got := map[uint8][]demuxed{}
	var buf []byte
	for i := uint64(0); ; i++ {
		p, err := read(i, buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		buf = p
		if err := d.Push(p, func(o Object) {
			got[o.Stream] = append(got[o.Stream], demuxed{o.PTS, len(o.Data), o.Key, i})
		}); err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
	}
	return h, got, d.Stats()
}

func compareWithProbe(t *testing.T, h *Header, got map[uint8][]demuxed, stats DemuxStats, pr *probeResult, gstTail bool) {
	t.Helper()
	order := headerOrder(h)
	if len(order) != len(pr.Streams) || len(h.Streams) != len(pr.Streams) {
		t.Fatalf("%d streams (header order %v), ffprobe has %d", len(h.Streams), order, len(pr.Streams))
	}
	for i, ps := range pr.Streams {
		s := h.Stream(order[i])
		tag, _ := strconv.ParseUint(ps.CodecTag, 0, 32)
		switch ps.CodecType {
		case "audio":
			rate, _ := strconv.Atoi(ps.SampleRate)
			if s.Type != StreamAudio || uint64(s.Audio.FormatTag) != tag || int(s.Audio.SampleRate) != rate || int(s.Audio.Channels) != ps.Channels {
				t.Errorf("stream %d: %v tag 0x%04X %d Hz %d ch; ffprobe %s tag %s %s Hz %d ch", s.Number, s.Type,
					s.Audio.FormatTag, s.Audio.SampleRate, s.Audio.Channels, ps.CodecName, ps.CodecTag, ps.SampleRate, ps.Channels)
			}
		case "video":
			if s.Type != StreamVideo || uint64(s.Video.Compression) != tag || int(s.Video.Width) != ps.Width || int(s.Video.Height) != ps.Height {
				t.Errorf("stream %d: %v %s %dx%d; ffprobe %s tag %s %dx%d", s.Number, s.Type, s.Video.FourCC,
					s.Video.Width, s.Video.Height, ps.CodecName, ps.CodecTag, ps.Width, ps.Height)
			}
		default:
			t.Errorf("ffprobe stream %d has type %s", i, ps.CodecType)
		}
	}
	if len(pr.Packets) == 0 {
		t.Fatal("ffprobe reported no packets")
	}
	want := map[uint8][]demuxed{}
	for _, p := range pr.Packets {
		if p.PTS == nil {
			t.Fatalf("ffprobe packet without pts: %+v", p)
		}
		size, _ := strconv.Atoi(p.Size)
		num := order[p.StreamIndex]
		key := p.Flags[0] == 'K'
		want[num] = append(want[num], demuxed{pts: time.Duration(*p.PTS) * time.Millisecond, size: size, key: key})
	}
	lastPacket := uint64(0)
	for _, objs := range got {
		for _, o := range objs {
			lastPacket = max(lastPacket, o.pkt)
		}
	}
	for _, num := range order {
		g, w := got[num], want[num]
		video := h.Stream(num).Type == StreamVideo
		if gstTail && len(g) > len(w) && len(w) > 1 {
			// GStreamer asfmux writes Packet Length = bytes used and Padding
			// Length = packet size − Packet Length (the padding follows the
			// Packet Length; the ASF spec counts it in). FFmpeg takes the
			// spec's reading, so in the last packet, whose padding is large,
			// it loses the payloads past Packet Length − Padding. Eddy reads
			// them (see Packet.Unmarshal). Check that the extra objects all
			// come from the last packet and end exactly where the header's
			// play duration says the stream ends.
			extra := g[len(w):]
			step := g[len(g)-1].pts - g[len(g)-2].pts
			end := g[len(g)-1].pts + step
			for _, o := range extra {
				if o.pkt != lastPacket {
					t.Errorf("stream %d: extra object at %v from packet %d, not the last packet %d", num, o.pts, o.pkt, lastPacket)
				}
			}
			if d := end - h.Duration(); d < -2*time.Millisecond || d > 2*time.Millisecond {
				t.Errorf("stream %d: objects end at %v, header duration %v", num, end, h.Duration())
			}
			g = g[:len(w)]
		}
		if len(g) != len(w) {
			t.Errorf("stream %d: %d objects, ffprobe %d packets", num, len(g), len(w))
		}
		bad := 0
		for i := 0; i < min(len(g), len(w)); i++ {
			if g[i].pts != w[i].pts || g[i].size != w[i].size || (video && g[i].key != w[i].key) {
				if bad++; bad <= 5 {
					t.Errorf("stream %d object %d: pts %v size %d key %v; ffprobe pts %v size %d key %v",
						num, i, g[i].pts, g[i].size, g[i].key, w[i].pts, w[i].size, w[i].key)
				}
			}
		}
		if bad > 5 {
			t.Errorf("stream %d: %d mismatches in all", num, bad)
		}
	}
	if stats.Corrupt != 0 || stats.DroppedFragments != 0 || stats.IncompleteObjects != 0 || stats.InvalidPayloads != 0 || stats.ObjectGaps != 0 {
		t.Errorf("demux stats %+v", stats)
	}
}

func TestCompareWithFFprobe(t *testing.T) {
	dir := fixtures(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.as[f]"))
	more, _ := filepath.Glob(filepath.Join(dir, "*.wm[av]"))
	files = append(files, more...)
	if len(files) != 11+len(pcmFixtures) {
		t.Fatalf("%d fixtures: %v", len(files), files)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			h, got, stats := demuxFile(t, path)
			compareWithProbe(t, h, got, stats, ffprobe(t, path), strings.HasPrefix(filepath.Base(path), "gst_"))
		})
	}
}

// TestCompareMMSHFraming demuxes FFmpeg's asf_stream output (MMSH $H/$D/$E
// framing, [MS-WMSP] 2.2.3) the way an MMSH client does — ParseHeader on
// the $H body (header object + data object fixed part), Push on each $D
// body — and compares with ffprobe's view of the same content muxed as a
// file.
func TestCompareMMSHFraming(t *testing.T) {
	dir := fixtures(t)
	b, err := os.ReadFile(filepath.Join(dir, "c_wmav2.asf_stream.mmsh"))
	if err != nil {
		t.Fatal(err)
	}
	var h *Header
	var packets [][]byte
	for len(b) >= 4 {
		typ, n := string(b[:2]), int(binary.LittleEndian.Uint16(b[2:]))
		if len(b) < 4+n || n < 8 {
			t.Fatalf("bad chunk %q of %d bytes", typ, n)
		}
		body := b[4+8 : 4+n]
		switch typ {
		case "$H":
			if h, err = ParseHeader(body); err != nil {
				t.Fatal(err)
			}
			if h.Data == nil || !h.Broadcast {
				t.Fatalf("$H: data %+v broadcast %v", h.Data, h.Broadcast)
			}
		case "$D":
			packets = append(packets, body)
		}
		b = b[4+n:]
	}
	if h == nil || len(packets) == 0 {
		t.Fatal("no header or packets")
	}
	_, got, stats := demuxPackets(t, h, func(i uint64, _ []byte) ([]byte, error) {
		if i >= uint64(len(packets)) {
			return nil, io.EOF
		}
		return packets[i], nil
	})
	ref := filepath.Join(dir, "c_wmav2.wma")
	compareWithProbe(t, h, got, stats, ffprobe(t, ref), false)
	// The same packets with the padding stripped ([MS-MSB] 2.2.4, RTSP
	// X-ASF-PF senders) demux the same.
	var p Packet
	_, got2, _ := demuxPackets(t, h, func(i uint64, _ []byte) ([]byte, error) {
		if i >= uint64(len(packets)) {
			return nil, io.EOF
		}
		if err := p.Unmarshal(packets[i], h.PacketSize); err != nil {
			return nil, err
		}
		return bytes.Clone(packets[i][:len(packets[i])-int(p.Padding)]), nil
	})
	compareWithProbe(t, h, got2, stats, ffprobe(t, ref), false)
}
