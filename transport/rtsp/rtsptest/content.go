package rtsptest

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/eddyplayer/eddy/asf"
)

// entry is one ASF file the server streams.
type entry struct {
	file *asf.File
	hdr  *asf.Header
	// header is the Header Object; withData adds the Data Object's 50
	// bytes (what GStreamer puts in config=).
	header, withData []byte
	// streams are the ASF streams with their control names.
	streams []streamInfo
}

// streamInfo is one ASF stream of an entry and its media description.
type streamInfo struct {
	number uint8
	// media is the m= media type: audio, video or application.
	media string
	// control is the relative control URL: "audio" and "video" for the
	// first stream of each type, "stream=N" for the others (the forms of
	// MS-RTSP 2.2.5.4 and 4.4.4).
	control string
	// bitrate in bits per second.
	bitrate  uint32
	reliable bool
}

func newEntry(data []byte) (*entry, error) {
	f, err := asf.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	h := f.Header()
	if h.PacketSize == 0 || h.PacketSize > asf.MaxPacketSize {
		return nil, fmt.Errorf("rtsptest: ASF packet size %d", h.PacketSize)
	}
	end := h.Size + asf.DataObjectFixedSize
	if h.Size <= 0 || end > int64(len(data)) {
		return nil, fmt.Errorf("rtsptest: header of %d bytes in a %d-byte file", h.Size, len(data))
	}
	e := &entry{file: f, hdr: h, header: data[:h.Size], withData: data[:end]}
	seen := map[string]bool{}
	for _, s := range h.Streams {
		si := streamInfo{number: s.Number, media: "application", bitrate: s.Bitrate}
		switch s.Type {
		case asf.StreamAudio:
			si.media = "audio"
		case asf.StreamVideo:
			si.media = "video"
		}
		if s.Extended != nil && s.Extended.Reliable() {
			si.reliable = true
		}
		si.control = "stream=" + strconv.Itoa(int(s.Number))
		if si.media != "application" && !seen[si.media] {
			si.control = si.media
			seen[si.media] = true
		}
		e.streams = append(e.streams, si)
	}
	if len(e.streams) == 0 {
		return nil, errors.New("rtsptest: an ASF header without streams")
	}
	return e, nil
}

// stream returns the stream of the given control name.
func (e *entry) stream(control string) (streamInfo, bool) {
	for _, s := range e.streams {
		if s.control == control {
			return s, true
		}
	}
	return streamInfo{}, false
}

// duration is the presentation's length (play duration minus preroll).
func (e *entry) duration() time.Duration { return e.hdr.Duration() }

// seekScan bounds the packets a seek looks at on each side of the
// index's answer.
const seekScan = 4096

// seek returns the packet a PLAY from t starts at (MS-RTSP 2.2.6.7): the
// one where the last key frame at or before t begins, of the video
// streams among numbers if any (else of any of them; 0 means every
// stream). asf.File.SeekPacket (the file's index, or a bisection on send
// times) gives the neighbourhood; the packets around it are read for the
// key frame itself.
func (e *entry) seek(t time.Duration, numbers []uint8) uint64 {
	if t <= 0 {
		return 0
	}
	p0, err := e.file.SeekPacket(t)
	count := e.file.PacketCount()
	if err != nil || p0 >= count {
		p0 = 0
	}
	want := map[uint8]bool{}
	for _, s := range e.streams {
		if s.media == "video" && (slices.Contains(numbers, s.number) || slices.Contains(numbers, 0)) {
			want[s.number] = true
		}
	}
	if len(want) == 0 {
		for _, s := range e.streams {
			if slices.Contains(numbers, s.number) || slices.Contains(numbers, 0) {
				want[s.number] = true
			}
		}
	}
	limit := uint32(min((t + e.hdr.Preroll).Milliseconds(), math.MaxUint32))
	// keyAt reports whether packet n begins a key frame at or before t;
	// stop is set past t.
	keyAt := func(n uint64) (key, stop bool) {
		data, err := e.file.ReadPacket(n, nil)
		if err != nil {
			return false, true
		}
		var p asf.Packet
		if p.Unmarshal(data, e.hdr.PacketSize) != nil {
			return false, false
		}
		for _, pl := range p.Payloads {
			if !want[pl.Stream] {
				continue
			}
			if pl.PresentationTime > limit {
				return false, true
			}
			if pl.Key && pl.Offset == 0 {
				key = true
			}
		}
		return key, false
	}
	best, found := p0, false
	for n := p0; n < count && n < p0+seekScan; n++ {
		key, stop := keyAt(n)
		if stop {
			break
		}
		if key {
			best, found = n, true
		}
	}
	for n := p0; !found && n > 0 && p0-n < seekScan; {
		n--
		if key, _ := keyAt(n); key {
			best, found = n, true
		}
	}
	return best
}

// packet returns packet n as it goes to the RTP session of ASF stream
// number (0: every stream): with only that stream's payloads (MS-RTSP
// 3.2.4.3), or nil when none of its payloads is in it.
func (e *entry) packet(n uint64, number uint8) ([]byte, error) {
	data, err := e.file.ReadPacket(n, nil)
	if err != nil {
		return nil, err
	}
	if number == 0 {
		return data, nil
	}
	var p asf.Packet
	if err := p.Unmarshal(data, e.hdr.PacketSize); err != nil {
		return nil, fmt.Errorf("rtsptest: packet %d: %w", n, err)
	}
	if p.Parity {
		return nil, nil
	}
	kept := p.Payloads[:0:0]
	for _, pl := range p.Payloads {
		if pl.Stream == number {
			kept = append(kept, pl)
		}
	}
	switch {
	case len(kept) == 0:
		return nil, nil
	case len(kept) == len(p.Payloads):
		return data, nil
	}
	p.Payloads = kept
	p.Padding = 0
	if err := p.PadTo(uint32(p.MarshalSize())); err != nil {
		return nil, fmt.Errorf("rtsptest: packet %d: %w", n, err)
	}
	return p.Marshal()
}
