package mmshtest

import (
	"bytes"
	"fmt"
	"time"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/wms"
)

// Content is what a path serves: one ASF file on demand or as a
// broadcast, or a server-side playlist of entries.
type Content struct {
	// Entries are the playlist entries; a plain file is one entry.
	Entries []*Entry
	// Broadcast serves the content as a live broadcast: features
	// "broadcast,live", no seeking, Play joins at the live point (the
	// position the shared timeline has reached since the server started),
	// LocationIds count a virtual file.
	Broadcast bool
	// Loop repeats a broadcast forever instead of ending with $E.
	Loop bool
	// Stridable announces the stridable feature (rates other than 1).
	Stridable bool
	// NotSeekable leaves "seekable" out of the features of on-demand
	// content: clients must seek by packet number.
	NotSeekable bool
	// FailAfter, when > 0, ends the stream with $E carrying FailHRESULT
	// after that many $D.
	FailAfter   int
	FailHRESULT uint32
}

// Entry is one ASF file of a playlist.
type Entry struct {
	file *asf.File
	data []byte
	// Header is the $H payload: Header Object + 50 bytes of Data Object.
	Header []byte
	// Title, Author and Role go into the $M content description
	// (title, author, WMS_CONTENT_DESCRIPTION_ROLE), and Name into
	// WMS_CONTENT_DESCRIPTION_PLAYLIST_ENTRY_URL.
	Title, Author, Role, Name string
}

// NewEntry parses an ASF file held in memory.
func NewEntry(data []byte) (*Entry, error) {
	f, err := asf.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	h := f.Header()
	n := h.Size + asf.DataObjectFixedSize
	if n > int64(len(data)) {
		return nil, fmt.Errorf("mmshtest: header of %d bytes in a %d-byte file", n, len(data))
	}
	return &Entry{file: f, data: data, Header: data[:n]}, nil
}

// File returns the content as one on-demand entry.
func File(data []byte) (*Content, error) {
	e, err := NewEntry(data)
	if err != nil {
		return nil, err
	}
	return &Content{Entries: []*Entry{e}}, nil
}

// Playlist returns a server-side playlist of the given files.
func Playlist(files ...[]byte) (*Content, error) {
	c := &Content{}
	for i, d := range files {
		e, err := NewEntry(d)
		if err != nil {
			return nil, err
		}
		e.Title = fmt.Sprintf("Entry %d", i+1)
		e.Name = fmt.Sprintf("entry%d.asf", i+1)
		c.Entries = append(c.Entries, e)
	}
	return c, nil
}

// ASFHeader returns the parsed ASF header of the entry.
func (e *Entry) ASFHeader() *asf.Header { return e.file.Header() }

// Packets is the number of data packets.
func (e *Entry) Packets() uint64 { return e.file.PacketCount() }

// packet reads packet n.
func (e *Entry) packet(n uint64) ([]byte, error) {
	return e.file.ReadPacket(n, nil)
}

// seekPacket is the packet to start at for presentation time t.
func (e *Entry) seekPacket(t time.Duration) uint64 {
	n, err := e.file.SeekPacket(t)
	if err != nil {
		return 0
	}
	return n
}

// packetForOffset maps a stream-offset to a packet, or false when the
// offset is not the start of a packet (2.2.1.4.25).
func (e *Entry) packetForOffset(off int64) (uint64, bool) {
	first := e.file.PacketOffset(0)
	ps := int64(e.file.PacketSize())
	if off < first || ps <= 0 || (off-first)%ps != 0 {
		return 0, false
	}
	return uint64((off - first) / ps), true
}

// duration is the playable duration.
func (e *Entry) duration() time.Duration { return e.file.Header().Duration() }

// sendOrder lists the packets a Play sends from start: forward to the
// end, or backwards to the entry's start when rewinding. A rewind steps
// back key frame by key frame where the Simple Index names them, sending
// each key frame's packets forwards (its objects stay whole), and packet
// by packet where there is no index.
func (e *Entry) sendOrder(start uint64, reverse bool) []uint64 {
	n := e.Packets()
	if n == 0 {
		return nil
	}
	var out []uint64
	if !reverse {
		for p := start; p < n; p++ {
			out = append(out, p)
		}
		return out
	}
	start = min(start, n-1)
	si := e.file.SimpleIndex()
	if si == nil {
		for p := start; ; p-- {
			out = append(out, p)
			if p == 0 {
				return out
			}
		}
	}
	// The key frames at or before start; the last one's packets run to
	// the next key frame (or the end), so that it is sent whole.
	keys := []uint64{0}
	end := n
	for _, en := range si.Entries {
		k := uint64(en.Packet)
		if k <= keys[len(keys)-1] {
			continue
		}
		if k > start {
			end = k
			break
		}
		keys = append(keys, k)
	}
	for i := len(keys) - 1; i >= 0; i-- {
		for p := keys[i]; p < end; p++ {
			out = append(out, p)
		}
		end = keys[i]
	}
	return out
}

// streamNumbers lists the entry's streams.
func (e *Entry) streamNumbers() []int {
	var out []int
	for _, s := range e.file.Header().Streams {
		out = append(out, int(s.Number))
	}
	return out
}

// bitrate is the byte rate of the whole content (for pacing and the
// startup profile).
func (e *Entry) byteRate() int64 {
	h := e.file.Header()
	d := h.Duration()
	if d > 0 && e.Packets() > 0 {
		return int64(float64(e.Packets()*uint64(e.file.PacketSize())) / d.Seconds())
	}
	if h.MaxBitrate > 0 {
		return int64(h.MaxBitrate / 8)
	}
	return 16000
}

// prepared is a packet ready to send: thinned to the selected streams,
// padding stripped (2.2.3.3), with its send time.
type prepared struct {
	data     []byte
	sendTime time.Duration
	empty    bool
	key      map[int]bool
}

// prepare parses packet raw and rewrites it for the selection sel (nil:
// all streams). thinned reports that some payloads were removed; empty
// that none is left.
func prepare(raw []byte, size uint32, sel map[int]bool, keepPadding bool) (prepared, error) {
	var p asf.Packet
	if err := p.Unmarshal(raw, size); err != nil {
		return prepared{}, err
	}
	pr := prepared{sendTime: time.Duration(p.SendTime) * time.Millisecond, key: map[int]bool{}}
	if p.Parity {
		pr.data = raw
		return pr, nil
	}
	kept := p.Payloads[:0]
	for _, pl := range p.Payloads {
		if sel == nil || sel[int(pl.Stream)] {
			kept = append(kept, pl)
			if pl.Key {
				pr.key[int(pl.Stream)] = true
			}
		}
	}
	thinned := len(kept) != len(p.Payloads)
	p.Payloads = kept
	if len(kept) == 0 {
		// Nothing of the selection in this packet: send it as it is (the
		// demuxer skips the other streams) so LocationIds stay contiguous,
		// unless the server is told to skip such packets.
		pr.empty = true
		pr.data = raw
		return pr, nil
	}
	if !p.Multiple && len(kept) != 1 {
		return prepared{}, fmt.Errorf("mmshtest: single-payload packet with %d payloads", len(kept))
	}
	if keepPadding && !thinned {
		pr.data = raw
		return pr, nil
	}
	// Strip the padding and say so in the Padding Length (2.2.3.3).
	p.Padding = 0
	if (p.LengthTypeFlags>>5)&3 != 0 {
		p.Length = uint32(p.MarshalSize())
	}
	if keepPadding {
		if err := p.PadTo(size); err != nil {
			return prepared{}, err
		}
	}
	b, err := p.Marshal()
	if err != nil {
		return prepared{}, err
	}
	pr.data = b
	return pr, nil
}

// metadata builds the $M payload of entry i (2.2.3.6).
func (c *Content) metadata(i int, genID uint32, features string) []byte {
	e := c.Entries[i]
	m := &mmsh.Metadata{PlaylistGenID: genID, FeaturesText: features}
	if c.Broadcast {
		m.BroadcastID = 1
	}
	d := mmsh.ContentDescription{Language: "en-us"}
	add := func(name, v string) {
		if v != "" {
			d.Pairs = append(d.Pairs, mmsh.CDPair{Name: name, Type: mmsh.VTLPWStr, Value: v})
		}
	}
	add("title", e.Title)
	add("author", e.Author)
	add("WMS_CONTENT_DESCRIPTION_PLAYLIST_ENTRY_URL", e.Name)
	add("WMS_CONTENT_DESCRIPTION_ROLE", e.Role)
	if dur := e.duration(); dur > 0 {
		d.Pairs = append(d.Pairs, mmsh.CDPair{Name: "WMS_CONTENT_DESCRIPTION_PLAYLIST_ENTRY_DURATION", Type: mmsh.VTUI4, Value: fmt.Sprint(dur.Milliseconds())})
	}
	m.CDL = []mmsh.ContentDescription{d}
	return m.Marshal()
}

// features is the features token value for entry i (2.2.1.4.8).
func (c *Content) features(i int) string {
	var f []string
	if c.Broadcast {
		f = append(f, "broadcast", "live")
	} else if !c.NotSeekable {
		f = append(f, "seekable")
	}
	if c.Stridable && !c.Broadcast {
		f = append(f, "stridable")
	}
	if len(c.Entries) > 1 {
		f = append(f, "playlist")
		if i+1 < len(c.Entries) {
			f = append(f, "skipforward")
		}
		if i > 0 {
			f = append(f, "skipbackward")
		}
	}
	out := ""
	for j, s := range f {
		if j > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

// startupProfile computes the X-StartupProfile of entry i from packet
// start on (2.2.1.12): for each candidate rate f, content arriving at
// f × ByteRate from time 0 must never arrive after its presentation time;
// MaxBytes is the largest shortfall, the buffer a client must hold before
// it starts rendering.
func (c *Content) startupProfile(i int, start uint64, accelMS int64) *wms.StartupProfile {
	e := c.Entries[i]
	rate := e.byteRate()
	p := &wms.StartupProfile{Rate: []int{10, 12, 15, 20, 30}}
	var sends []time.Duration
	var sizes []int64
	var first time.Duration
	for n := start; n < e.Packets(); n++ {
		raw, err := e.packet(n)
		if err != nil {
			break
		}
		st, err := asf.ParseSendTime(raw)
		if err != nil {
			continue
		}
		t := time.Duration(st) * time.Millisecond
		if len(sends) == 0 {
			first = t
		}
		if accelMS > 0 && (t-first).Milliseconds() > accelMS {
			break
		}
		sends = append(sends, t-first)
		sizes = append(sizes, int64(len(raw)))
	}
	p.StartTime = first.Milliseconds()
	if len(sends) > 0 {
		p.LastTime = sends[len(sends)-1].Milliseconds()
	}
	for _, r := range p.Rate {
		bps := float64(rate) * float64(r) / 10
		var cum, maxShort int64
		var at int64
		for k, t := range sends {
			cum += sizes[k]
			short := cum - int64(bps*t.Seconds())
			if short > maxShort {
				maxShort, at = short, t.Milliseconds()
			}
		}
		p.MaxBytes = append(p.MaxBytes, maxShort)
		p.Time = append(p.Time, at)
		p.ByteRate = append(p.ByteRate, rate)
	}
	return p
}
