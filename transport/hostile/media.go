package hostile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// GUIDs of the ASF objects Media looks at (ASF specification 10.1, in the
// little-endian byte order they have in a file).
var (
	guidHeader         = []byte{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C}
	guidData           = []byte{0x36, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C}
	guidFileProperties = []byte{0xA1, 0xDC, 0xAB, 0x8C, 0x47, 0xA9, 0xCF, 0x11, 0x8E, 0xE4, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65}
)

// dataObjectFixed is the Data Object's fixed part: Object ID, Object Size,
// File ID, Total Data Packets, Reserved (ASF specification 5.1).
const dataObjectFixed = 50

// Media is an ASF file cut into the pieces servers send. It is read with
// its own few lines of parsing (ASF specification 3.1, 3.2, 5.1), not with
// the player's demuxer.
type Media struct {
	// File is the whole file.
	File []byte
	// Header is the Header Object followed by the Data Object's 50-byte
	// fixed part: MS-WMSP's "ASF header" ([MS-WMSP] 2.2.3.5).
	Header []byte
	// DataOffset is the file offset of the first data packet.
	DataOffset int
	// Packets are the data packets, each PacketSize bytes.
	Packets    [][]byte
	PacketSize int
	// Bitrate is the File Properties Object's Maximum Bitrate in bits
	// per second, and Duration its Play Duration less the Preroll (ASF
	// specification 3.2): what an MS-MMSP server reports of the file.
	Bitrate  uint32
	Duration time.Duration
}

// NewMedia cuts an ASF file with fixed-size packets.
func NewMedia(file []byte) (*Media, error) {
	if len(file) < 30 || !bytes.Equal(file[:16], guidHeader) {
		return nil, errors.New("hostile: not an ASF file")
	}
	hsize := binary.LittleEndian.Uint64(file[16:24])
	if hsize < 30 || hsize > uint64(len(file)-dataObjectFixed) {
		return nil, fmt.Errorf("hostile: header object size %d in a %d-byte file", hsize, len(file))
	}
	h := int(hsize)
	if !bytes.Equal(file[h:h+16], guidData) {
		return nil, errors.New("hostile: no Data Object after the header")
	}
	packetSize := 0
	var bitrate uint32
	var duration time.Duration
	count := binary.LittleEndian.Uint32(file[24:28]) // Number of Header Objects
	pos := 30
	for i := uint32(0); i < count && pos+24 <= h; i++ {
		size := binary.LittleEndian.Uint64(file[pos+16 : pos+24])
		if size < 24 || size > uint64(h-pos) {
			return nil, fmt.Errorf("hostile: header object at %d has size %d", pos, size)
		}
		if bytes.Equal(file[pos:pos+16], guidFileProperties) && size >= 104 {
			// Maximum Data Packet Size (ASF specification 3.2).
			packetSize = int(binary.LittleEndian.Uint32(file[pos+96 : pos+100]))
			bitrate = binary.LittleEndian.Uint32(file[pos+100 : pos+104])
			// Play Duration (100-ns units) at 64, Preroll (ms) at 80.
			play := binary.LittleEndian.Uint64(file[pos+64 : pos+72])
			preroll := binary.LittleEndian.Uint64(file[pos+80 : pos+88])
			if play < 1<<62 && preroll < 1<<40 {
				duration = max(time.Duration(play)*100-time.Duration(preroll)*time.Millisecond, 0)
			}
		}
		pos += int(size)
	}
	if packetSize <= 0 || packetSize > 1<<20 {
		return nil, fmt.Errorf("hostile: packet size %d", packetSize)
	}
	m := &Media{File: file, Header: file[:h+dataObjectFixed], DataOffset: h + dataObjectFixed, PacketSize: packetSize, Bitrate: bitrate, Duration: duration}
	dataEnd := h + int(min(binary.LittleEndian.Uint64(file[h+16:h+24]), uint64(len(file)-h)))
	for off := m.DataOffset; off+packetSize <= dataEnd; off += packetSize {
		m.Packets = append(m.Packets, file[off:off+packetSize])
	}
	if len(m.Packets) == 0 {
		return nil, errors.New("hostile: no data packets")
	}
	return m, nil
}
