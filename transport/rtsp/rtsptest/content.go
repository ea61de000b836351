package rtsptest

import (
	"bytes"
	"errors"
	"fmt"
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

// seek returns the packet a PLAY from t starts at: the packet holding
// the key frame at or before t, from the file's index or by its send
// times (asf.File.SeekPacket).
func (e *entry) seek(t time.Duration) uint64 {
	if t <= 0 {
		return 0
	}
	n, err := e.file.SeekPacket(t)
	if err != nil || n >= e.file.PacketCount() {
		return 0
	}
	return n
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
