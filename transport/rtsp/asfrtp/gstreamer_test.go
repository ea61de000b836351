package asfrtp

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/pion/rtp"
)

// TestGStreamerPayloader depacketizes what a third-party sender makes of
// the fixtures: GStreamer's rtpasfpay (the payloader of the project's RTSP
// interop server), its RTP packets framed by rtpstreampay (RFC 4571) into a
// file. It packs complete packets with the first fragment of the next one
// at large payload sizes, writes R = 1 even for a zero Relative Timestamp,
// and strips the padding itself. Every ASF packet that comes out is the
// file's packet with its padding stripped, in order, with nothing dropped
// or malformed. rtpasfpay never sends the RTP packet it is filling when the
// file ends, so the last few packets of the file are missing at large
// payload sizes. Its RTP timestamps come from its own clock, not from the
// Send Times (2.2.1.2), so SendTime is not compared.
func TestGStreamerPayloader(t *testing.T) {
	if _, err := exec.LookPath("gst-launch-1.0"); err != nil {
		t.Fatalf("gst-launch-1.0 is required (gstreamer1.0-tools with plugins base/good/bad): %v", err)
	}
	dir := t.TempDir()
	for _, name := range fixtures {
		f, raw := openFixture(t, name)
		for _, mtu := range []int{1400, 9000} {
			out := filepath.Join(dir, fmt.Sprintf("%s.%d.rtp", filepath.Base(name), mtu))
			abs, err := filepath.Abs(name)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("gst-launch-1.0", "-q", "filesrc", "location="+abs, "!", "asfparse", "!",
				"rtpasfpay", fmt.Sprintf("mtu=%d", mtu), "!", "rtpstreampay", "!", "filesink", "location="+out)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %v\n%s", cmd.Args, err, b)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			d := NewDepacketizer(f.PacketSize())
			var got [][]byte
			for len(b) >= 2 {
				n := int(binary.BigEndian.Uint16(b))
				if 2+n > len(b) {
					t.Fatalf("%s: RFC 4571 frame of %d bytes, %d left", out, n, len(b)-2)
				}
				var p rtp.Packet
				if err := p.Unmarshal(b[2 : 2+n]); err != nil {
					t.Fatal(err)
				}
				b = b[2+n:]
				if err := d.Push(&p, func(p Packet) { got = append(got, p.Data) }); err != nil {
					t.Fatalf("%s: %v", out, err)
				}
			}
			st := d.Stats()
			t.Logf("%s mtu %d: %d of %d ASF packets from %d RTP packets, %d reassembled, lengths %v",
				filepath.Base(name), mtu, len(got), len(raw), st.RTPPackets, st.Reassembled, d.Reading())
			if st.PartialsDropped+st.FragmentsDropped+st.Malformed+st.TooLarge+st.Gaps != 0 || st.LengthInclusive+st.LengthRemaining+st.Ambiguous != 0 {
				t.Fatalf("stats %+v, reading %v", st, d.Reading())
			}
			if missing := len(raw) - len(got); missing < 0 || missing > mtu/1000+1 {
				t.Fatalf("%d ASF packets out of %d", len(got), len(raw))
			}
			for i := range got {
				want, err := StripPadding(raw[i], f.PacketSize())
				if err != nil {
					t.Fatal(err)
				}
				if string(got[i]) != string(want) {
					t.Fatalf("packet %d: %d bytes, not the file's %d stripped bytes", i, len(got[i]), len(want))
				}
			}
			sameObjects(t, out, demuxAll(t, f.Header(), got), demuxAll(t, f.Header(), raw[:len(got)]))
		}
	}
}
