package asf

import (
	"encoding/binary"
	"time"
)

// wbuf is the little-endian writer the tests build objects with.
type wbuf struct{ b []byte }

func (w *wbuf) u8(v uint8) *wbuf   { w.b = append(w.b, v); return w }
func (w *wbuf) u16(v uint16) *wbuf { w.b = binary.LittleEndian.AppendUint16(w.b, v); return w }
func (w *wbuf) u32(v uint32) *wbuf { w.b = binary.LittleEndian.AppendUint32(w.b, v); return w }
func (w *wbuf) u64(v uint64) *wbuf { w.b = binary.LittleEndian.AppendUint64(w.b, v); return w }
func (w *wbuf) guid(g GUID) *wbuf  { w.b = append(w.b, g[:]...); return w }
func (w *wbuf) raw(b []byte) *wbuf { w.b = append(w.b, b...); return w }

// str16 writes a NUL-terminated UTF-16LE string preceded by its byte length
// (WORD).
func (w *wbuf) str16(s string) *wbuf {
	e := encodeUTF16(s)
	return w.u16(uint16(len(e))).raw(e)
}

// wstr16 writes a NUL-terminated UTF-16LE string preceded by its length in
// WCHARs (WORD).
func (w *wbuf) wstr16(s string) *wbuf {
	e := encodeUTF16(s)
	return w.u16(uint16(len(e) / 2)).raw(e)
}

// obj wraps a body in an object header.
func obj(id GUID, body []byte) []byte {
	w := &wbuf{}
	w.guid(id).u64(uint64(24 + len(body))).raw(body)
	return w.b
}

func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// headerObj builds a Header Object around children.
func headerObj(children ...[]byte) []byte {
	body := concat(children...)
	w := &wbuf{}
	w.guid(GUIDHeader).u64(uint64(30 + len(body))).u32(uint32(len(children))).u8(1).u8(2).raw(body)
	return w.b
}

type fileProps struct {
	fileID                    GUID
	fileSize, packets         uint64
	play, send                time.Duration
	prerollMS                 uint64
	flags, minPkt, maxPkt, br uint32
}

func (f fileProps) bytes() []byte {
	if f.maxPkt == 0 {
		f.maxPkt = 3200
	}
	if f.minPkt == 0 {
		f.minPkt = f.maxPkt
	}
	w := &wbuf{}
	w.guid(f.fileID).u64(f.fileSize).u64(0x01D19DB1DED53E80).u64(f.packets)
	w.u64(uint64(f.play / 100)).u64(uint64(f.send / 100)).u64(f.prerollMS)
	w.u32(f.flags).u32(f.minPkt).u32(f.maxPkt).u32(f.br)
	return obj(GUIDFileProperties, w.b)
}

type streamProps struct {
	typ, ec      GUID
	timeOffset   time.Duration
	number       uint8
	encrypted    bool
	typeSpecific []byte
	ecData       []byte
}

func (s streamProps) bytes() []byte {
	if s.ec == (GUID{}) {
		s.ec = GUIDNoErrorCorrection
	}
	flags := uint16(s.number)
	if s.encrypted {
		flags |= 0x8000
	}
	w := &wbuf{}
	w.guid(s.typ).guid(s.ec).u64(uint64(s.timeOffset / 100)).u32(uint32(len(s.typeSpecific))).u32(uint32(len(s.ecData)))
	w.u16(flags).u32(0).raw(s.typeSpecific).raw(s.ecData)
	return obj(GUIDStreamProperties, w.b)
}

// waveEx builds a WAVEFORMATEX.
func waveEx(tag, ch uint16, rate uint32, align, bits uint16, extra []byte) []byte {
	w := &WaveFormat{RawFormatTag: tag, Channels: ch, SampleRate: rate, AvgBytesPerSec: rate * uint32(align),
		BlockAlign: align, BitsPerSample: bits, Extra: extra}
	return w.Marshal()
}

// videoInfo builds video type-specific data with a BITMAPINFOHEADER.
func videoInfo(width, height uint32, fourcc string, extra []byte) []byte {
	bih := &wbuf{}
	bih.u32(uint32(40 + len(extra))).u32(width).u32(height).u16(1).u16(24)
	bih.raw([]byte(fourcc)).u32(width * height * 3).u32(0).u32(0).u32(0).u32(0).raw(extra)
	w := &wbuf{}
	w.u32(width).u32(height).u8(2).u16(uint16(len(bih.b))).raw(bih.b)
	return w.b
}

func spreadData(span uint8, vpl, chunk uint16) []byte {
	w := &wbuf{}
	w.u8(span).u16(vpl).u16(chunk).u16(1).u8(0)
	return w.b
}

func headerExt(children ...[]byte) []byte {
	body := concat(children...)
	w := &wbuf{}
	w.guid(GUIDReserved1).u16(6).u32(uint32(len(body))).raw(body)
	return obj(GUIDHeaderExtension, w.b)
}

type extProps struct {
	number, lang    uint16
	bitrate, maxObj uint32
	flags           uint32
	avgTimePerFrame time.Duration
	names           []string
	exts            []PayloadExtension
	embedded        []byte // a complete Stream Properties object
}

func (e extProps) bytes() []byte {
	w := &wbuf{}
	w.u64(0).u64(0).u32(e.bitrate).u32(3000).u32(3000).u32(e.bitrate).u32(3000).u32(3000)
	w.u32(e.maxObj).u32(e.flags).u16(e.number).u16(e.lang).u64(uint64(e.avgTimePerFrame / 100))
	w.u16(uint16(len(e.names))).u16(uint16(len(e.exts)))
	for _, n := range e.names {
		w.u16(0).str16(n)
	}
	for _, x := range e.exts {
		w.guid(x.ID).u16(x.Size).u32(uint32(len(x.Info))).raw(x.Info)
	}
	w.raw(e.embedded)
	return obj(GUIDExtendedStreamProperties, w.b)
}

func dataObjFixed(fileID GUID, packets uint64, size uint64) []byte {
	w := &wbuf{}
	w.guid(GUIDData).u64(size).guid(fileID).u64(packets).u16(0x0101)
	return w.b
}

var testFileID = GUID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}

// simpleHeader builds a header with one audio stream (number 1) and one
// video stream (number 2), preroll 3100 ms, plus extra children.
func simpleHeader(packetSize uint32, extra ...[]byte) []byte {
	children := [][]byte{
		fileProps{fileID: testFileID, packets: 10, play: 9100 * time.Millisecond, send: 6 * time.Second,
			prerollMS: 3100, flags: FlagSeekable, maxPkt: packetSize, br: 500000}.bytes(),
		streamProps{typ: GUIDStreamTypeAudio, number: 1, typeSpecific: waveEx(WaveFormatPCM, 2, 44100, 4, 16, nil)}.bytes(),
		streamProps{typ: GUIDStreamTypeVideo, number: 2, typeSpecific: videoInfo(320, 240, "WMV2", []byte{1, 2, 3, 4})}.bytes(),
	}
	return headerObj(append(children, extra...)...)
}
