package msb

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/record"
)

// packetLog is a transport.Tap that keeps copies of the data packets and
// passes everything on.
type packetLog struct {
	next    transport.Tap
	headers int
	packets [][]byte
}

func (l *packetLog) Header(raw []byte) { l.headers++; l.next.Header(raw) }
func (l *packetLog) Packet(p []byte) {
	l.packets = append(l.packets, bytes.Clone(p))
	l.next.Packet(p)
}

// A station broadcast is recorded through transport.Config.Tap: the
// recording holds the data packets received (the padding the MSB sender
// stripped restored), one lost packet rebuilt from its parity in its
// place, never a parity packet, and demuxes into the samples played.
func testRecord(t *testing.T) {
	fx := loadFixture(t, "c_wmav2.wma")
	group := netip.AddrPortFrom(netip.MustParseAddr("239.192.48.179"), 30021)
	snd := newSender(t, "127.0.0.1", group)
	path := filepath.Join(t.TempDir(), "rec.asf")
	rec, err := record.Create(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	tap := &packetLog{next: rec}
	pr := &progress{ch: make(chan struct{}, 1)}
	d := &Dialer{EOSTimeout: 3 * time.Second}
	d.datagram = pr.hook
	d.joined = func(s *Session) {
		pr.s = s
		snd.send([]byte("MSB "))
	}
	ts, err := d.Open(context.Background(), station(group, format(t, 926, fx)), "file:///stations/test.nsc", false, transport.Config{Tap: tap})
	if err != nil {
		t.Fatal(err)
	}
	s := ts.(*Session)
	t.Cleanup(func() { s.Close() })
	want := fx.objects(t)
	data, parity := fx.msbPackets(t, 10)
	var got []transport.Sample
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for len(got) < len(want) {
			smp, err := s.ReadSample(ctx)
			if err != nil {
				done <- err
				return
			}
			got = append(got, smp)
		}
		done <- nil
	}()
	for c := range parity {
		first := c * 10
		for i, p := range data[first:min(first+10, len(data))] {
			if c == 1 && i == 3 {
				continue // lost: rebuilt from the parity
			}
			snd.send(dgram(uint32(first+i), 926, p))
		}
		snd.send(dgram(uint32(min(first+10, len(data))-1), 926, parity[c]))
		pr.wait(t, snd.sent)
	}
	if err := <-done; err != nil {
		t.Fatalf("after %d samples: %v (counters %+v)", len(got), err, s.Counters())
	}
	sameObjects(t, got, want)
	res, err := rec.Stop(nil)
	if err != nil || res.Err != nil || !res.Indexed {
		t.Fatalf("stop: %v %+v", err, res)
	}
	if tap.headers == 0 || len(tap.packets) != len(data) {
		t.Fatalf("the tap got %d headers and %d packets, %d data packets were sent", tap.headers, len(tap.packets), len(data))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := asf.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if f.PacketCount() != uint64(len(data)) {
		t.Fatalf("%d packets recorded, %d sent", f.PacketCount(), len(data))
	}
	for n, p := range data {
		want, err := asf.RestorePadding(p, fx.hdr.PacketSize)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.ReadPacket(uint64(n), nil)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("packet %d: not the one sent (%v)", n, err)
		}
	}
	var objs []asf.Object
	dm := asf.NewDemuxer(f.Header())
	for n := range f.PacketCount() {
		p, _ := f.ReadPacket(n, nil)
		dm.Push(p, func(o asf.Object) { objs = append(objs, o) })
	}
	if len(objs) != len(want) {
		t.Fatalf("%d objects in the recording, %d played", len(objs), len(want))
	}
}
