package mmsp

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Sizes of CLIENT_LOG (MS-MMSP 2.2.1.1) and CLIENT_LOG_INFO (2.2.1.2).
const (
	ClientLogSize     = 1490
	ClientLogInfoSize = 1142
)

// ClientLog is the CLIENT_LOG structure of LinkViewerToMacLogging
// (2.2.1.1) with its CLIENT_LOG_INFO (2.2.1.2). Strings are ANSI in
// fixed-size fields, NUL-terminated, "-" when empty; longer ones are cut.
type ClientLog struct {
	// CLIENT_LOG_INFO.
	URL, ChannelURL, UserAgent, HostingWebPage string
	ClientVersion                              uint64
	Lang, UniquePID, HostExe                   string
	HostExeVersion                             uint64
	FileDurationMS                             uint32
	FileSize                                   uint64
	AvgBandwidthBps                            uint32
	AudioCodec, VideoCodec                     string
	StartTimeMS, PlayedMS                      uint32
	Rate                                       int16
	BufferingCount, BufferingTimeMS            uint32
	BytesReceived                              uint64
	PacketsReceived, PacketsLostClient         uint32
	PacketsRecoveredECC, MinReceptionQuality   uint32
	HR                                         uint32

	// CLIENT_LOG.
	SourceID, IPAddress                    uint32
	ComputerDNS, OS                        string
	OSVersion                              uint64
	CPU, Proto, Transport                  string
	PacketsLostNet, PacketsLostContNet     uint32
	ResendRequests, PacketsRecoveredResent uint32
	PacketsResent                          uint32
}

// field is one fixed-size string of the structures.
func putString(b []byte, s string, size int) []byte {
	if s == "" {
		s = "-"
	}
	var f = make([]byte, size)
	n := copy(f[:size-1], s) // keep the NUL
	for i := 0; i < n; i++ {
		if f[i] >= 0x80 || f[i] == 0 {
			f[i] = '?'
		}
	}
	return append(b, f...)
}

func getString(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// PackVersion packs "a.b.c.d" into the four 16-bit parts of a version
// field (qwClientVersion, qwOSVersion: the major part in the top 16 bits).
func PackVersion(s string) uint64 {
	var v uint64
	parts := strings.Split(s, ".")
	for i := 0; i < 4; i++ {
		var n uint64
		if i < len(parts) {
			for _, c := range parts[i] {
				if c < '0' || c > '9' {
					break
				}
				n = min(n*10+uint64(c-'0'), 0xFFFF)
			}
		}
		v = v<<16 | n
	}
	return v
}

// AppendTo appends the 1490 bytes of the CLIENT_LOG.
func (l *ClientLog) AppendTo(b []byte) []byte {
	b = put32(b, ClientLogSize)
	// CLIENT_LOG_INFO
	b = put32(b, ClientLogInfoSize)
	b = putString(b, l.URL, 260)
	b = putString(b, l.ChannelURL, 260)
	b = putString(b, l.UserAgent, 64)
	b = putString(b, l.HostingWebPage, 260)
	b = put64(b, l.ClientVersion)
	b = putString(b, l.Lang, 16)
	b = putString(b, l.UniquePID, 40)
	b = putString(b, l.HostExe, 32)
	b = put64(b, l.HostExeVersion)
	b = put32(b, l.FileDurationMS)
	b = put64(b, l.FileSize)
	b = put32(b, l.AvgBandwidthBps)
	b = putString(b, l.AudioCodec, 64)
	b = putString(b, l.VideoCodec, 64)
	b = put32(put32(b, l.StartTimeMS), l.PlayedMS)
	b = put16(b, uint16(l.Rate))
	b = put32(put32(b, l.BufferingCount), l.BufferingTimeMS)
	b = put64(b, l.BytesReceived)
	b = put32(put32(put32(put32(put32(b, l.PacketsReceived), l.PacketsLostClient), l.PacketsRecoveredECC), l.MinReceptionQuality), l.HR)
	// CLIENT_LOG
	b = put32(put32(b, l.SourceID), l.IPAddress)
	b = putString(b, l.ComputerDNS, 260)
	b = putString(b, l.OS, 16)
	b = put64(b, l.OSVersion)
	b = putString(b, l.CPU, 16)
	b = putString(b, l.Proto, 8)
	b = putString(b, l.Transport, 8)
	return put32(put32(put32(put32(put32(b, l.PacketsLostNet), l.PacketsLostContNet), l.ResendRequests), l.PacketsRecoveredResent), l.PacketsResent)
}

// ParseClientLog parses a CLIENT_LOG; both cbSize fields must be the
// spec's sizes.
func ParseClientLog(b []byte) (ClientLog, error) {
	var l ClientLog
	if len(b) < ClientLogSize {
		return l, fmt.Errorf("%w: CLIENT_LOG of %d bytes, needs %d", ErrMalformed, len(b), ClientLogSize)
	}
	if n, m := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]); n != ClientLogSize || m != ClientLogInfoSize {
		return l, fmt.Errorf("%w: CLIENT_LOG cbSize %d and CLIENT_LOG_INFO cbSize %d, not %d and %d", ErrMalformed, n, m, ClientLogSize, ClientLogInfoSize)
	}
	r := &rd{b: b[8:]}
	str := func(n int) string { return getString(r.take(n)) }
	l.URL, l.ChannelURL, l.UserAgent, l.HostingWebPage = str(260), str(260), str(64), str(260)
	l.ClientVersion = r.u64()
	l.Lang, l.UniquePID, l.HostExe = str(16), str(40), str(32)
	l.HostExeVersion, l.FileDurationMS, l.FileSize, l.AvgBandwidthBps = r.u64(), r.u32(), r.u64(), r.u32()
	l.AudioCodec, l.VideoCodec = str(64), str(64)
	l.StartTimeMS, l.PlayedMS, l.Rate = r.u32(), r.u32(), int16(r.u16())
	l.BufferingCount, l.BufferingTimeMS, l.BytesReceived = r.u32(), r.u32(), r.u64()
	l.PacketsReceived, l.PacketsLostClient, l.PacketsRecoveredECC, l.MinReceptionQuality, l.HR = r.u32(), r.u32(), r.u32(), r.u32(), r.u32()
	l.SourceID, l.IPAddress = r.u32(), r.u32()
	l.ComputerDNS, l.OS, l.OSVersion, l.CPU, l.Proto, l.Transport = str(260), str(16), r.u64(), str(16), str(8), str(8)
	l.PacketsLostNet, l.PacketsLostContNet, l.ResendRequests, l.PacketsRecoveredResent, l.PacketsResent = r.u32(), r.u32(), r.u32(), r.u32(), r.u32()
	return l, r.check(MIDLogging, ClientLogSize)
}
