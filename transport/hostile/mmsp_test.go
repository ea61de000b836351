package hostile_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/eddyplayer/eddy/transport/hostile"
	"github.com/eddyplayer/eddy/transport/mmsp"
)

// mmspHandler serves the fixture over MS-MMSP, with the options and hooks
// set by setup.
func mmspHandler(setup func(m *hostile.Media, w *hostile.MMSP)) func(m *hostile.Media, st *counters) func(*hostile.Conn) {
	return func(m *hostile.Media, st *counters) func(*hostile.Conn) {
		w := &hostile.MMSP{Media: m}
		if setup != nil {
			setup(m, w)
		}
		st.mmsp = w
		return w.Handle
	}
}

// onMID misbehaves on the client messages of one MID: f answers instead
// of the conforming server (its error ends the connection).
func onMID(mid uint32, f func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error) func(m *hostile.Media, w *hostile.MMSP) {
	return func(m *hostile.Media, w *hostile.MMSP) {
		w.OnMessage = func(s *hostile.MMSPSession, msg hostile.ClientMessage) (bool, error) {
			if msg.MID != mid {
				return false, nil
			}
			return true, f(m, s, msg)
		}
	}
}

// field reads the 32-bit field at off of a client message's body.
func field(msg hostile.ClientMessage, off int) uint32 {
	if off+4 > len(msg.Body) {
		return 0
	}
	return binary.LittleEndian.Uint32(msg.Body[off:])
}

// startInc is a StartPlaying's playIncarnation (2.2.4.25, after
// openFileId, padding, position, asfOffset, locationId, frameOffset).
func startInc(msg hostile.ClientMessage) uint32 { return field(msg, 28) }

// started answers a StartPlaying with ReportStartedPlaying (2.2.4.10).
func started(s *hostile.MMSPSession, inc uint32) error {
	return s.Send(hostile.MMSMessage(hostile.MIDReportStartedPlaying, le(0), le(inc), le(1), le(0), make([]byte, 12)))
}

func le(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// mmspStalls expects the client to give up on a silent server with
// mmsp.ErrTimeout, not before the timeout.
func mmspStalls(what string) expectation {
	e := errIsSaying(mmsp.ErrTimeout, what)
	e.minTook = timeout
	return e
}

// connections checks how many connections the MMSP server had.
func connections(n int) func(res hostile.Result, st *counters) error {
	return func(res hostile.Result, st *counters) error {
		if got := st.mmsp.Connections(); got != n {
			return fmt.Errorf("%d connections, want %d", got, n)
		}
		return nil
	}
}

// mmspScenarios is the deterministic table for MS-MMSP (mmst://, mmsu://).
func mmspScenarios() []scenario {
	var out []scenario
	add := func(name, class, scheme string, setup func(m *hostile.Media, w *hostile.MMSP), e expectation) *scenario {
		out = append(out, scenario{name: scheme + "/" + name, class: "mmsp " + class, scheme: scheme, path: "/a.wma", handler: mmspHandler(setup), expect: e})
		return &out[len(out)-1]
	}
	pair := func(m *hostile.Media, w *hostile.MMSP) { w.PacketPair = true }

	add("ok", "control", "mmst", nil, recovers()).check = connections(1)
	add("ok", "control", "mmsu", nil, recovers()).check = connections(1)
	add("ok with a packet pair", "control", "mmsu", pair, recovers()).check = connections(1)

	// Lying lengths (2.2.3 messageLength, 2.2.4 chunkLen, 2.2.2
	// PacketSize).
	add("messageLength 1 MiB on ReportOpenFile", "lying length", "mmst", onMID(hostile.MIDOpenFile, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		r := s.W.OpenFileReport(field(msg, 0))
		return s.C.Write(hostile.TcpPacketLying(s.Next(), 1<<20, 1<<17, r))
	}), errIs(mmsp.ErrMalformed))
	add("messageLength not a multiple of 8", "lying length", "mmst", onMID(hostile.MIDOpenFile, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		r := s.W.OpenFileReport(field(msg, 0))
		return s.C.Write(hostile.TcpPacketLying(s.Next(), uint32(len(r)+16-3), uint32(len(r)+16)/8, r))
	}), errIs(mmsp.ErrMalformed))
	add("messageLength shorter than the message, the rest as a packet", "lying length", "mmst", onMID(hostile.MIDOpenFile, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		r := s.W.OpenFileReport(field(msg, 0))
		return s.C.Write(hostile.TcpPacketLying(s.Next(), 24, 3, r))
	}), errIs(mmsp.ErrMalformed))
	add("chunkLen past its packet", "lying length", "mmst", onMID(hostile.MIDOpenFile, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		r := s.W.OpenFileReport(field(msg, 0))
		binary.LittleEndian.PutUint32(r, uint32(len(r)/8+1000))
		return s.Send(r)
	}), errIs(mmsp.ErrMalformed))
	add("chunkLen 0", "lying length", "mmst", onMID(hostile.MIDOpenFile, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		r := s.W.OpenFileReport(field(msg, 0))
		binary.LittleEndian.PutUint32(r, 0)
		return s.Send(r)
	}), errIs(mmsp.ErrMalformed))
	add("ReportOpenFile shorter than its fields", "lying length", "mmst", onMID(hostile.MIDOpenFile, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		return s.Send(hostile.MMSMessage(hostile.MIDReportOpenFile, le(0), le(field(msg, 0)), le(1)))
	}), errIs(mmsp.ErrMalformed))
	add("Data PacketSize 4 after 3 packets", "lying length", "mmst", onMID(hostile.MIDStartPlaying, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		inc := startInc(msg)
		if err := started(s, inc); err != nil {
			return err
		}
		for i := 0; i < 3; i++ {
			s.Data(uint32(i), byte(inc), byte(i), m.Packets[i])
		}
		d := hostile.MMSPacket(3, byte(inc), 3, m.Packets[3])
		binary.LittleEndian.PutUint16(d[6:], 4)
		return s.C.Write(d)
	}), errIs(mmsp.ErrMalformed))
	add("Data PacketSize 65535 on a 3200-byte packet, then silence", "lying length", "mmst", onMID(hostile.MIDStartPlaying, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		inc := startInc(msg)
		if err := started(s, inc); err != nil {
			return err
		}
		d := hostile.MMSPacket(0, byte(inc), 0, m.Packets[0])
		binary.LittleEndian.PutUint16(d[6:], 0xFFFF)
		if err := s.C.Write(d); err != nil {
			return err
		}
		s.C.Stall()
		return errors.New("stalled")
	}), mmspStalls("data"))
	add("UDP Data PacketSize lying on every packet", "lying length", "mmsu", onMID(hostile.MIDStartPlaying, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		inc := startInc(msg)
		if err := started(s, inc); err != nil {
			return err
		}
		// Each datagram claims 100 bytes more than it has: dropped
		// and counted as corrupt (2.2.2: PacketSize is the total size).
		for i, p := range m.Packets {
			d := hostile.MMSPacket(uint32(i), byte(inc), byte(i), p)
			binary.LittleEndian.PutUint16(d[6:], uint16(len(d)+100))
			if err := s.DataRaw(d); err != nil {
				return err
			}
		}
		return s.Send(hostile.EndOfStream(0, inc))
	}), survives()).check = func(res hostile.Result, st *counters) error {
		if res.Stats.CorruptPackets != int64(17) || len(res.Samples) != 0 {
			return fmt.Errorf("%d corrupt packets counted, %d samples; want the 17 dropped and counted", res.Stats.CorruptPackets, len(res.Samples))
		}
		return nil
	}

	// Undefined MIDs: skipped (and counted), the stream plays.
	unknown := hostile.MMSMessage(0x0004FFFF, le(1), le(2), le(3))
	add("an unknown MID before every answer", "unknown MID", "mmst", func(m *hostile.Media, w *hostile.MMSP) {
		w.OnMessage = func(s *hostile.MMSPSession, msg hostile.ClientMessage) (bool, error) {
			return false, s.Send(unknown)
		}
	}, recovers())
	add("an unknown MID in ReportOpenFile's packet", "unknown MID", "mmst", onMID(hostile.MIDOpenFile, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		return s.Send(unknown, s.W.OpenFileReport(field(msg, 0)))
	}), recovers())
	add("an unknown MID between data packets", "unknown MID", "mmst", onMID(hostile.MIDStartPlaying, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		inc := startInc(msg)
		if err := started(s, inc); err != nil {
			return err
		}
		for i, p := range m.Packets {
			if err := s.Data(uint32(i), byte(inc), byte(i), p); err != nil {
				return err
			}
			if err := s.Send(unknown); err != nil {
				return err
			}
		}
		return s.Send(hostile.EndOfStream(0, inc))
	}), recovers())

	// A server that stops answering: every read has its deadline.
	silent := func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		s.C.Stall()
		return errors.New("stalled")
	}
	add("no answer to Connect", "stall", "mmst", onMID(hostile.MIDConnect, silent), mmspStalls("ReportConnectedEX"))
	add("no answer to OpenFile", "stall", "mmst", onMID(hostile.MIDOpenFile, silent), mmspStalls("ReportOpenFile"))
	add("no ASF file header", "stall", "mmst", onMID(hostile.MIDReadBlock, silent), mmspStalls("header"))
	add("silent after 5 data packets", "stall", "mmst", onMID(hostile.MIDStartPlaying, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		inc := startInc(msg)
		if err := started(s, inc); err != nil {
			return err
		}
		for i := 0; i < 5; i++ {
			s.Data(uint32(i), byte(inc), byte(i), m.Packets[i])
		}
		s.C.Stall()
		return errors.New("stalled")
	}), mmspStalls("data"))
	add("no ReportEndOfStream after the last packet", "stall", "mmsu", onMID(hostile.MIDStartPlaying, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		inc := startInc(msg)
		if err := started(s, inc); err != nil {
			return err
		}
		for i, p := range m.Packets {
			s.Data(uint32(i), byte(inc), byte(i), p)
		}
		s.C.Stall()
		return errors.New("stalled")
	}), mmspStalls("data"))
	add("closed after 5 data packets", "stall", "mmst", onMID(hostile.MIDStartPlaying, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		inc := startInc(msg)
		if err := started(s, inc); err != nil {
			return err
		}
		for i := 0; i < 5; i++ {
			s.Data(uint32(i), byte(inc), byte(i), m.Packets[i])
		}
		return errors.New("closing")
	}), errSaying("reading"))

	// UDP from a wrong source: dropped (and counted), never played.
	add("every datagram also from another address, zeroed", "wrong source", "mmsu", func(m *hostile.Media, w *hostile.MMSP) {
		w.WrongSource = true
	}, recovers()).check = connections(1)
	add("every datagram only from another address, packet pair offered", "wrong source", "mmsu", func(m *hostile.Media, w *hostile.MMSP) {
		w.OnlyWrongSource, w.PacketPair = true, true
	}, recovers()).check = connections(2)

	// chunkCount (2.2.3) that lies: the packets are framed by
	// messageLength; chunkCount is not needed to read them.
	lyingCount := func(count uint32) func(m *hostile.Media, w *hostile.MMSP) {
		return func(m *hostile.Media, w *hostile.MMSP) {
			w.OnMessage = func(s *hostile.MMSPSession, msg hostile.ClientMessage) (bool, error) {
				if msg.MID != hostile.MIDOpenFile {
					return false, nil
				}
				r := s.W.OpenFileReport(field(msg, 0))
				return true, s.C.Write(hostile.TcpPacketLying(s.Next(), uint32(len(r)+16), count, r))
			}
		}
	}
	add("chunkCount 0", "lying chunk count", "mmst", lyingCount(0), recovers())
	add("chunkCount 0xFFFFFFFF", "lying chunk count", "mmst", lyingCount(0xFFFFFFFF), recovers())

	// An ASF file header that never ends: bounded by what ReportOpenFile
	// declared (fileHeaderSize), then an error.
	endless := func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		inc := field(msg, 40)
		if err := s.Send(hostile.MMSMessage(hostile.MIDReportReadBlock, le(0), le(inc), le(0))); err != nil {
			return err
		}
		piece := make([]byte, m.PacketSize)
		for i := 0; i < 1<<12; i++ {
			if err := s.Data(uint32(i), byte(inc), 0x04, piece); err != nil {
				return err
			}
		}
		return errors.New("enough")
	}
	add("header pieces without a last one", "endless header", "mmst", onMID(hostile.MIDReadBlock, endless), errIsSaying(mmsp.ErrProtocol, "grows past"))
	add("header pieces without a last one", "endless header", "mmsu", onMID(hostile.MIDReadBlock, endless), errIsSaying(mmsp.ErrProtocol, "grows past"))
	add("the first header piece over and over", "endless header", "mmst", onMID(hostile.MIDReadBlock, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
		inc := field(msg, 40)
		if err := s.Send(hostile.MMSMessage(hostile.MIDReportReadBlock, le(0), le(inc), le(0))); err != nil {
			return err
		}
		for i := 0; i < 100; i++ {
			if err := s.Data(0, byte(inc), 0x04, m.Header[:100]); err != nil {
				return err
			}
		}
		s.C.Stall()
		return errors.New("stalled")
	}), errIsSaying(mmsp.ErrProtocol, "piece 0 where 1 was due"))
	return out
}

// TestMMSP runs the MS-MMSP table.
func TestMMSP(t *testing.T) { runTable(t, mmspScenarios()) }
