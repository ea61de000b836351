package mmsp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"net"
	"os"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
)

// fuzzFile is the repository's FFmpeg-made WMA fixture: its header and
// first data packet make the seeds.
func fuzzFile(f *testing.F) []byte {
	b, err := os.ReadFile("../../testdata/asf/c_wmav2.wma")
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// scriptedServer answers a client's handshake over c with the messages
// of 3.2 (ConnectedEX, FunnelInfo, ConnectedFunnel, OpenFile, ReadBlock
// with hdr as the ASF file header, StreamSwitch, StartedPlaying), then
// writes tail, the fuzzer's bytes, and closes.
func scriptedServer(c net.Conn, hdr []byte, packetSize uint32, tail []byte) {
	defer c.Close()
	r := NewReader(c)
	var seq uint16
	send := func(m Message) bool {
		_, err := c.Write(AppendPacket(nil, seq, 0, m))
		seq++
		return err == nil
	}
	for {
		f, err := r.Next()
		if err != nil || f.Packet == nil {
			return
		}
		for _, m := range f.Packet.Messages {
			ok := true
			switch m := m.(type) {
			case *Connect:
				ok = send(&ReportConnectedEX{PlayIncarnation: PacketPairDisabled, ServerVersion: "9.01.01.3814"})
			case *FunnelInfo:
				ok = send(&ReportFunnelInfo{PlayIncarnation: PacketPairDisabled, Cubs: 7})
			case *ConnectFunnel:
				ok = send(&ReportConnectedFunnel{})
			case *OpenFile:
				ok = send(&ReportOpenFile{PlayIncarnation: m.PlayIncarnation, OpenFileID: 1, FileAttributes: AttrCanSeek, FileDuration: 6,
					FilePacketSize: packetSize, FileBitRate: 64000, FileHeaderSize: uint32(len(hdr))})
			case *ReadBlock:
				ok = send(&ReportReadBlock{PlayIncarnation: m.PlayIncarnation})
				b, _ := AppendData(nil, Data{Incarnation: uint8(m.PlayIncarnation), Flags: FlagHeaderLast, Payload: hdr})
				if ok {
					_, err := c.Write(b)
					ok = err == nil
				}
			case *StreamSwitch:
				ok = send(&ReportStreamSwitch{})
			case *StartPlaying:
				ok = send(&ReportStartedPlaying{PlayIncarnation: m.PlayIncarnation, TigerFileID: 1})
				if ok {
					c.Write(tail)
					return
				}
			}
			if !ok {
				return
			}
		}
	}
}

// FuzzSession plays whatever a server sends after a valid handshake: the
// session delivers samples and ends with io.EOF or an error, in bounded
// time, and never panics.
func FuzzSession(f *testing.F) {
	file := fuzzFile(f)
	hdrLen := 0
	if h, err := parseHeaderLen(file); err == nil {
		hdrLen = h
	} else {
		f.Fatal(err)
	}
	hdr := file[:hdrLen]
	const packetSize = 3200
	pkt := file[hdrLen : hdrLen+packetSize]
	data, _ := AppendData(nil, Data{LocationID: 0, Incarnation: 10, Flags: 0, Payload: pkt})
	eos := AppendPacket(nil, 9, 0, &ReportEndOfStream{PlayIncarnation: 10})
	f.Add(append(append([]byte(nil), data...), eos...))
	f.Add(eos)
	f.Add(append(AppendPacket(nil, 9, 0, &Ping{}), data...))
	f.Add(append(append([]byte(nil), data[:100]...), eos...))
	f.Add(append(AppendPacket(nil, 9, 0, &ReportEndOfStream{HR: 1, PlayIncarnation: 10}),
		AppendPacket(nil, 10, 0, &ReportStreamChange{PacketSize: packetSize, HeaderSize: uint32(len(hdr))})...))
	f.Add(AppendPacket(nil, 9, 0, &ReportEndOfStream{HR: 0x80070005, PlayIncarnation: 10}))
	f.Fuzz(func(t *testing.T, tail []byte) {
		d := &Dialer{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			cli, srv := net.Pipe()
			go scriptedServer(srv, hdr, packetSize, tail)
			return cli, nil
		}}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s, err := d.Dial(ctx, "mmst://fuzz/a.wma", transport.Config{Timeout: 300 * time.Millisecond})
		if err != nil {
			t.Fatalf("the handshake failed: %v", err)
		}
		defer s.Close()
		if err := s.Play(ctx, 0); err != nil {
			return
		}
		start := time.Now()
		for n := 0; ; n++ {
			_, err := s.ReadSample(ctx)
			if errors.Is(err, transport.ErrInfoChanged) {
				s.Select(ctx, []int{1})
				continue
			}
			if err != nil {
				if errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("no end after %v and %d samples", time.Since(start), n)
				}
				if err != io.EOF && err.Error() == "" {
					t.Fatal("an error without a message")
				}
				return
			}
			if n > 1<<20 {
				t.Fatal("endless samples")
			}
		}
	})
}

// parseHeaderLen is the length of the ASF file header at the start of an
// ASF file: the Header Object's size plus the Data Object's 50 bytes.
func parseHeaderLen(b []byte) (int, error) {
	if len(b) < 30 {
		return 0, io.ErrUnexpectedEOF
	}
	n := uint64(b[16]) | uint64(b[17])<<8 | uint64(b[18])<<16 | uint64(b[19])<<24
	if n+50 > uint64(len(b)) || n > math.MaxInt32 || !bytes.Equal(b[:4], []byte{0x30, 0x26, 0xB2, 0x75}) {
		return 0, io.ErrUnexpectedEOF
	}
	return int(n) + 50, nil
}
