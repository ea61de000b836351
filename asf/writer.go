package asf

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// Offsets of the File Properties Object's fields (ASF spec §3.2), from the
// start of the object.
const (
	fpFileID       = 24
	fpFileSize     = 40
	fpPackets      = 56
	fpPlayDuration = 64
	fpSendDuration = 72
	fpFlags        = 88
	fpSize         = 104
)

// Offsets in the Data Object's fixed part (ASF spec §5.1).
const (
	doSize         = 16
	doFileID       = 24
	doTotalPackets = 40
	doReserved     = 48
)

// MaxWriterPackets is the most data packets a Writer takes: a Simple Index
// entry names a packet with a DWORD (ASF spec §6.1).
const MaxWriterPackets = math.MaxUint32

// ErrWriterClosed is returned by a Writer's methods after Close.
var ErrWriterClosed = errors.New("asf: writer closed")

// WriterStats counts what a Writer did with the packets it was given.
type WriterStats struct {
	// Packets is the number of data packets written.
	Packets uint64
	// Padded counts packets that arrived shorter than the header's packet
	// size (MMSH and MS-RTSP servers strip the padding) and were padded.
	Padded uint64
	// Unparsed counts packets written as they came (zero-padded) that do
	// not parse: they hold nothing the index can use, and a reader counts
	// them corrupt exactly as the player did.
	Unparsed uint64
	// Dropped counts packets longer than the packet size, which no ASF
	// file can hold.
	Dropped uint64
	// Bytes is the size of the file so far.
	Bytes int64
	// IndexEntries is the number of Simple Index entries (written by
	// Close); IndexTruncated reports that the index stopped at
	// MaxSimpleIndexEntries, or, with no entries, that there is none
	// because the stream's times start beyond them.
	IndexEntries   uint64
	IndexTruncated bool
	// Indexed reports that Close wrote a Simple Index (and set the
	// Seekable flag).
	Indexed bool
	// Duration is the media time recorded: from the first object's
	// presentation time to the end of the last one.
	Duration time.Duration
}

// WriterOptions refine NewWriter.
type WriterOptions struct {
	// IndexInterval is the Simple Index's time interval; 0 means
	// DefaultIndexInterval.
	IndexInterval time.Duration
}

// Writer writes an ASF file (ASF spec §2.2: Header Object, Data Object,
// Simple Index Object) from a header and data packets as they arrive, the
// way a recording of a stream is made. Packets go to the output as they
// come, through a small buffer; the Simple Index grows by one entry per
// interval (IndexBuilder). Close fixes up the header.
//
// Until Close the file on disk is a valid broadcast file: the File
// Properties Broadcast flag is set and the sizes and counts, which are
// then invalid (§3.2), are 0, so a recording cut short (a crash, a full
// disk) still plays to its last complete packet. Close writes the Simple
// Index and fixes up the File Properties Object (§3.2: File Size, Data
// Packets Count, Play Duration, Send Duration, the Broadcast flag cleared
// and the Seekable flag set when there is an index) and the Data Object
// (§5.1: Object Size, Total Data Packets). Every other header byte is the
// header as received.
//
// A Writer is not safe for concurrent use.
type Writer struct {
	ws         io.WriteSeeker
	disk       *countWriter // under bw: what reached the file
	bw         *bufio.Writer
	header     []byte // the Header Object as written
	fp         int    // offset of File Properties in header
	packetSize uint32
	prerollMS  uint64
	fileID     GUID
	index      *IndexBuilder
	pad        []byte // scratch for zero-padding
	pkt        Packet

	stats WriterStats
	// Times in ms: presentation (preroll included) and send.
	streams [128]streamTimes
	havePTS bool
	endSend uint64
	err     error
	closed  bool
}

// streamTimes are one stream's presentation times, in ms.
type streamTimes struct {
	seen               bool
	first, last, delta uint64
	end                uint64
}

// NewWriter starts a file on ws from raw, the Header Object as received
// (asf.Header.Raw, or an MMSH $H body: a Data Object fixed part after it
// is ignored), which must parse (ParseHeader). The header and the Data
// Object's fixed part are written at once.
func NewWriter(ws io.WriteSeeker, raw []byte, opts WriterOptions) (*Writer, error) {
	h, err := ParseHeader(raw)
	if err != nil {
		return nil, fmt.Errorf("asf: recording a header that does not parse: %w", err)
	}
	disk := &countWriter{w: ws}
	w := &Writer{ws: ws, disk: disk, bw: bufio.NewWriterSize(disk, 64<<10), header: bytes.Clone(raw[:h.Size]),
		packetSize: h.PacketSize, prerollMS: uint64(h.Preroll / time.Millisecond), fileID: h.FileID, fp: -1}
	// ParseHeader checked the children fit the object: find File
	// Properties among them.
	for off := headerFixedSize; off+objectHeaderSize <= len(w.header); {
		size := binary.LittleEndian.Uint64(w.header[off+16:])
		if size < objectHeaderSize || size > uint64(len(w.header)-off) {
			break
		}
		if GUID(w.header[off:off+16]) == GUIDFileProperties && size >= fpSize {
			w.fp = off
			break
		}
		off += int(size)
	}
	if w.fp < 0 {
		return nil, fmt.Errorf("%w: no File Properties object to fix up", ErrCorrupt)
	}
	w.index = indexFor(h, opts.IndexInterval)
	// A broadcast until Close: the counts are unknown.
	fp := w.header[w.fp:]
	flags := binary.LittleEndian.Uint32(fp[fpFlags:])
	binary.LittleEndian.PutUint32(fp[fpFlags:], flags&^FlagSeekable|FlagBroadcast)
	for _, o := range []int{fpFileSize, fpPackets, fpPlayDuration, fpSendDuration} {
		binary.LittleEndian.PutUint64(fp[o:], 0)
	}
	var do [DataObjectFixedSize]byte
	copy(do[:], GUIDData[:])
	copy(do[doFileID:], w.fileID[:])
	do[doReserved], do[doReserved+1] = 0x01, 0x01
	if _, err := w.ws.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("asf: writing the header: %w", err)
	}
	w.write(w.header)
	w.write(do[:])
	if err := w.flush(); err != nil {
		return nil, err
	}
	return w, nil
}

// indexFor makes the index builder of h: the first video stream, else the
// first audio stream (every object a clean point), else the first stream.
func indexFor(h *Header, interval time.Duration) *IndexBuilder {
	var pick *Stream
	for _, t := range []StreamType{StreamVideo, StreamAudio} {
		for _, s := range h.Streams {
			if s.Type == t && s.Number >= 1 && s.Number <= 127 {
				pick = s
				break
			}
		}
		if pick != nil {
			break
		}
	}
	if pick == nil {
		pick = h.Streams[0]
	}
	return NewIndexBuilder(pick.Number, interval, pick.Type != StreamVideo)
}

// PacketSize is the header's data packet size, which every packet written
// has.
func (w *Writer) PacketSize() uint32 { return w.packetSize }

// Stats returns the counters.
func (w *Writer) Stats() WriterStats {
	st := w.stats
	st.IndexEntries = w.index.Len()
	st.IndexTruncated = w.index.Truncated()
	st.Duration = time.Duration(w.played()) * time.Millisecond
	return st
}

func (w *Writer) write(b []byte) {
	if w.err != nil {
		return
	}
	n, err := w.bw.Write(b)
	w.stats.Bytes += int64(n)
	if err != nil {
		w.failed(err)
	}
}

// failed records the first write error; the packets counted are then
// those that reached the file whole (the buffer's are lost).
func (w *Writer) failed(err error) {
	w.err = fmt.Errorf("asf: writing the recording: %w", err)
	start := int64(len(w.header)) + DataObjectFixedSize
	w.stats.Packets = min(w.stats.Packets, uint64(max(w.disk.n-start, 0))/uint64(w.packetSize))
	w.stats.Bytes = w.disk.n
}

func (w *Writer) flush() error {
	if w.err == nil {
		if err := w.bw.Flush(); err != nil {
			w.failed(err)
		}
	}
	return w.err
}

// WritePacket appends data packet p (ASF spec §5.2) as it arrived. A
// packet shorter than the packet size gets its padding back
// (RestorePadding; zero bytes when it does not parse); a longer one is
// dropped and counted. p is not retained. A write error is returned, and
// returned again by every later call: the file is then unusable beyond
// what reached the disk.
func (w *Writer) WritePacket(p []byte) error {
	switch {
	case w.closed:
		return ErrWriterClosed
	case w.err != nil:
		return w.err
	case uint64(len(p)) > uint64(w.packetSize):
		w.stats.Dropped++
		return nil
	case w.stats.Packets >= MaxWriterPackets:
		return fmt.Errorf("%w: a recording holds at most %d packets", ErrTooLarge, uint64(MaxWriterPackets))
	}
	full := p
	if len(p) < int(w.packetSize) {
		w.stats.Padded++
		q, err := RestorePadding(p, w.packetSize)
		if err != nil {
			if w.pad == nil {
				w.pad = make([]byte, w.packetSize)
			}
			clear(w.pad[copy(w.pad, p):])
			q = w.pad
		}
		full = q
	}
	n := uint32(w.stats.Packets)
	if err := w.pkt.Unmarshal(full, w.packetSize); err != nil || w.pkt.Parity {
		w.stats.Unparsed++
	} else {
		w.times(&w.pkt)
		w.index.Add(n, &w.pkt)
	}
	w.write(full)
	if w.err != nil {
		return w.err
	}
	w.stats.Packets++
	return nil
}

// times follows the presentation and send times: per stream, the first
// object's presentation time and the end of the last (its time plus the
// distance to the previous object of its stream, the best estimate of its
// duration a packet gives); and the end of sending.
func (w *Writer) times(p *Packet) {
	w.endSend = max(w.endSend, uint64(p.SendTime)+uint64(p.Duration))
	for i := range p.Payloads {
		pl := &p.Payloads[i]
		if !pl.Compressed && (len(pl.Replicated) < 8 || pl.Offset != 0) || pl.Stream > 127 {
			continue // no time, or an object already counted
		}
		pts, delta := uint64(pl.PresentationTime), uint64(0)
		if pl.Compressed {
			k := uint64(0)
			for range pl.SubPayloads() {
				k++
			}
			if k > 0 {
				pts += (k - 1) * uint64(pl.TimeDelta)
			}
			delta = uint64(pl.TimeDelta)
		}
		st := &w.streams[pl.Stream]
		if !st.seen {
			st.first, st.seen = uint64(pl.PresentationTime), true
		} else if delta == 0 && pts > st.last {
			delta = pts - st.last
		}
		if delta == 0 {
			delta = st.delta
		}
		st.first = min(st.first, uint64(pl.PresentationTime))
		st.last, st.delta = pts, delta
		st.end = max(st.end, pts+delta)
		w.havePTS = true
	}
}

// played is the longest time a stream plays, from its first object to the
// end of its last, in ms.
func (w *Writer) played() uint64 {
	var d uint64
	for _, st := range w.streams {
		if st.seen {
			d = max(d, st.end-st.first)
		}
	}
	return d
}

// lastEnd is the end of the last object of any stream, in ms (preroll
// included).
func (w *Writer) lastEnd() uint64 {
	var e uint64
	for _, st := range w.streams {
		e = max(e, st.end)
	}
	return e
}

// Close writes the Simple Index (when the indexed stream had a clean
// point), fixes up the header (see Writer) and flushes. It does not close
// the underlying file. After a write error it still tries to leave a
// playable file and returns the first error.
func (w *Writer) Close() error {
	if w.closed {
		return ErrWriterClosed
	}
	w.closed = true
	indexed := w.havePTS && w.index.Finish(uint32(min(w.lastEnd(), math.MaxUint32)))
	dataSize := uint64(DataObjectFixedSize) + w.stats.Packets*uint64(w.packetSize)
	if indexed && w.err == nil {
		cw := &countWriter{w: w.bw}
		if err := w.index.WriteObject(cw, w.fileID); err != nil {
			w.err = fmt.Errorf("asf: writing the index: %w", err)
		}
		w.stats.Bytes += cw.n
	}
	if err := w.flush(); err != nil {
		return err
	}
	w.stats.Indexed = indexed
	fp := w.header[w.fp:]
	le := binary.LittleEndian
	le.PutUint64(fp[fpFileSize:], uint64(w.stats.Bytes))
	le.PutUint64(fp[fpPackets:], w.stats.Packets)
	if w.havePTS {
		// Play Duration is the time the presentation plays, preroll
		// included (§3.2): the longest a stream plays, from its first
		// object to the end of its last (streams may start at different
		// times: GStreamer's asfmux starts video 3600000 s late).
		le.PutUint64(fp[fpPlayDuration:], (w.played()+w.prerollMS)*10000)
	}
	le.PutUint64(fp[fpSendDuration:], w.endSend*10000)
	flags := le.Uint32(fp[fpFlags:]) &^ (FlagBroadcast | FlagSeekable)
	if indexed {
		flags |= FlagSeekable
	}
	le.PutUint32(fp[fpFlags:], flags)
	var do [DataObjectFixedSize - doSize]byte
	le.PutUint64(do[0:], dataSize)
	copy(do[doFileID-doSize:], w.fileID[:])
	le.PutUint64(do[doTotalPackets-doSize:], w.stats.Packets)
	do[doReserved-doSize], do[doReserved-doSize+1] = 0x01, 0x01
	if err := w.patch(0, w.header); err != nil {
		return err
	}
	if err := w.patch(int64(len(w.header))+doSize, do[:]); err != nil {
		return err
	}
	if _, err := w.ws.Seek(0, io.SeekEnd); err != nil {
		return fmt.Errorf("asf: finishing the recording: %w", err)
	}
	return nil
}

// patch rewrites b at offset off.
func (w *Writer) patch(off int64, b []byte) error {
	if _, err := w.ws.Seek(off, io.SeekStart); err != nil {
		return fmt.Errorf("asf: fixing up the header: %w", err)
	}
	if _, err := w.ws.Write(b); err != nil {
		return fmt.Errorf("asf: fixing up the header: %w", err)
	}
	return nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
