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
	// objects counts each stream's media objects (distinct presentation
	// times), as the ASF demuxer rebuilds them from the whole file.
	objects map[int]int64
}

// count parses every data packet of an ASF file.
func count(data []byte) (content, error) {
	f, err := asf.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return content{}, fmt.Errorf("the benchmark's file: %w", err)
	}
	h := f.Header()
	c := content{packetSize: f.PacketSize(), duration: h.Duration(), perStream: map[int]int64{}, objects: map[int]int64{}}
	demux := asf.NewDemuxer(h)
	seen := map[objectKey]bool{}
	emit := func(o asf.Object) {
		k := objectKey{int(o.Stream), o.PTS}
		if len(o.Data) > 0 && !seen[k] {
			seen[k] = true
			c.objects[k.stream]++
		}
	}
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
		if err := demux.Push(b, emit); err != nil {
			return content{}, fmt.Errorf("the benchmark's file, packet %d: %w", n, err)
		}
	}
	if c.packets == 0 {
		return content{}, errors.New("the benchmark's file has no data packet")
	}
	return c, nil
}

// objectKey names a media object, or the sample made of it.
type objectKey struct {
	stream int
	pts    time.Duration
}

// expectedObjects is the number of media objects of the streams played.
func (c content) expectedObjects(streams []int) int64 {
	var n int64
	for _, s := range streams {
		n += c.objects[s]
	}
	return n
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
