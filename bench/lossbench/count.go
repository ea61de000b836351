package main

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/eddyplayer/eddy/asf"
)

// content is what the benchmark counts against: the file's ASF data
// packets, and for each stream the packets holding a payload of it (what
// a Windows Media server sends in that stream's RTP session, MS-RTSP
// 3.2.4.3).
type content struct {
	packets    int64
	packetSize uint32
	duration   time.Duration
	streams    []int
	perStream  map[int]int64
}

// count parses every data packet of an ASF file.
func count(data []byte) (content, error) {
	f, err := asf.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return content{}, fmt.Errorf("the benchmark's file: %w", err)
	}
	h := f.Header()
	c := content{packetSize: f.PacketSize(), duration: h.Duration(), perStream: map[int]int64{}}
	for _, s := range h.Streams {
		c.streams = append(c.streams, int(s.Number))
	}
	slices.Sort(c.streams)
	var buf []byte
	for n := range f.PacketCount() {
		b, err := f.ReadPacket(n, buf)
		if err != nil {
			return content{}, fmt.Errorf("the benchmark's file, packet %d: %w", n, err)
		}
		buf = b[:0]
		var p asf.Packet
		if err := p.Unmarshal(b, f.PacketSize()); err != nil {
			return content{}, fmt.Errorf("the benchmark's file, packet %d: %w", n, err)
		}
		seen := map[int]bool{}
		for _, pl := range p.Payloads {
			if !seen[int(pl.Stream)] {
				seen[int(pl.Stream)] = true
				c.perStream[int(pl.Stream)]++
			}
		}
		c.packets++
	}
	if c.packets == 0 {
		return content{}, errors.New("the benchmark's file has no data packet")
	}
	return c, nil
}

// expected is the number of ASF packets a WMS-style server sends for the
// streams played.
func (c content) expected(streams []int) int64 {
	var n int64
	for _, s := range streams {
		n += c.perStream[s]
	}
	return n
}
