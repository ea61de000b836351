// Package asf reads the Advanced Systems Format (ASF) container used by
// Windows Media (.asf, .wma, .wmv) files and by the MMSH, MS-RTSP and MSB
// streaming protocols. It is standard library only. Sections cited as
// "ASF spec §x" are those of the Advanced Systems Format Specification
// (rev. 01.20.03, December 2004).
//
// # Header
//
// ParseHeader parses a Header Object held in memory — a file's first bytes,
// an MMSH $H body, an RTSP a=pgmpu / fmtp config= value — and ReadHeader
// reads one from a stream. The Header lists the streams (WAVEFORMATEX,
// BITMAPINFOHEADER, Extended Stream Properties, bitrates, languages), the
// mutual exclusions, metadata, markers and script commands. A file with DRM
// parses; the player calls Header.CheckEncrypted and reports ErrEncrypted.
//
// # Packets and objects
//
// Packet.Unmarshal parses one data packet (ASF spec §5.2); Packet.Marshal
// writes one. A Demuxer turns packets into complete media objects:
//
//	h, err := asf.ParseHeader(headerBytes)
//	...
//	if err := h.CheckEncrypted(); err != nil { return err }
//	d := asf.NewDemuxer(h)
//	d.SetStreams([]uint8{audio.Number}) // optional
//	for each packet p {
//		if err := d.Push(p, func(o asf.Object) { decode(o) }); err != nil {
//			lost++ // errors.Is(err, asf.ErrCorrupt): count and go on
//		}
//	}
//
// After a seek or a loss the transport calls d.Reset; the next object of
// each stream then has Discontinuity set. Object.PTS is the presentation
// time minus the preroll (and the stream's time offset).
//
// # Files
//
// OpenFile gives random access to a local file or an HTTP resource read
// with Range requests (any io.ReaderAt): PacketCount, ReadPacket, a
// buffered PacketReader for sequential playback, and SeekPacket, which uses
// the Simple Index or Index object and a bisection on packet send times.
//
// # Robustness
//
// Every length and count read from the wire is checked against the bytes
// present before it is used; limits are named constants (MaxHeaderSize,
// MaxPacketSize, MaxIndexSize, DefaultMaxObjectSize...). Nothing panics on
// bad input, and memory follows the bytes actually supplied, never a
// declared size alone. The parsers are fuzzed (FuzzParseHeader,
// FuzzPacketUnmarshal, FuzzDemuxer, FuzzOpenFile).
package asf
