package asf

import (
	"fmt"
	"time"
)

// fileTimeEpochOffset is the number of seconds from 1601-01-01 (FILETIME
// epoch) to 1970-01-01.
const fileTimeEpochOffset = 11644473600

// File Properties flags (ASF spec §3.2).
const (
	FlagBroadcast = 0x1
	FlagSeekable  = 0x2
)

// parseFileProperties reads the File Properties Object body (ASF spec §3.2,
// 80 bytes after the object header) into h.
func parseFileProperties(h *Header, body []byte) error {
	r := newReader(body)
	h.FileID = r.guid()
	h.FileSize = r.u64()
	created := r.u64()
	h.Packets = r.u64()
	h.PlayDuration = hundredNS(r.u64())
	h.SendDuration = hundredNS(r.u64())
	h.Preroll = milliseconds(r.u64())
	h.Flags = r.u32()
	h.MinPacketSize = r.u32()
	h.PacketSize = r.u32()
	h.MaxBitrate = r.u32()
	if r.err != nil {
		return r.err
	}
	h.Broadcast = h.Flags&FlagBroadcast != 0
	h.Seekable = h.Flags&FlagSeekable != 0
	if created != 0 {
		h.Created = fileTime(created)
	}
	switch {
	case h.PacketSize == 0:
		return fmt.Errorf("%w: maximum data packet size is 0", ErrCorrupt)
	case h.PacketSize > MaxPacketSize:
		return fmt.Errorf("%w: data packet size %d > %d", ErrTooLarge, h.PacketSize, MaxPacketSize)
	case h.MinPacketSize != h.PacketSize:
		h.Warnings = append(h.Warnings, fmt.Errorf("file properties: minimum packet size %d differs from maximum %d; using the maximum", h.MinPacketSize, h.PacketSize))
	}
	return nil
}

// fileTime converts a FILETIME (100-ns intervals since 1601-01-01 UTC).
func fileTime(v uint64) time.Time {
	return time.Unix(int64(v/10_000_000)-fileTimeEpochOffset, int64(v%10_000_000)*100).UTC()
}
