package nsc

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/asf"
)

// Limits on what Parse accepts from an untrusted file.
const (
	// MaxFileSize bounds a station file.
	MaxFileSize = 1 << 20
	// MaxFormats bounds the Format<n> entries.
	MaxFormats = 256
	// MaxFormatID is the largest Format ID: 11 bits ([MS-MSB] 2.2.1.3.1).
	MaxFormatID = 0x7FF
)

// Station is a parsed .nsc file ([MS-MSB] 2.2.1.4).
type Station struct {
	// Name is "Machine Name, Publishing Point Name"; Version the NSC
	// Format Version ("3.0").
	Name, Version string
	// MulticastAdapter is the source address of the multicast packets
	// (zero when absent or not an IP address); a client may filter on it
	// ([MS-MSB] 5.1).
	MulticastAdapter netip.Addr
	// Group is the multicast group (IPv4 or IPv6) and Port the UDP port.
	Group netip.Addr
	Port  uint16
	// TTL is the Time To Live the server sends with, 0 when absent.
	TTL int
	// DefaultECC is the largest FEC span (data packets per parity packet),
	// 0 when absent.
	DefaultECC int
	// LogURL is where play logs go (MS-WMLOG 2.3); UnicastURL the
	// failover URL when no multicast arrives (3.2.6.1). Empty: absent.
	LogURL, UnicastURL string
	// AllowSplitting and AllowCaching are the 0/1 flags (false when
	// absent).
	AllowSplitting, AllowCaching bool
	// CacheExpiration and NetworkBufferTime, 0 when absent.
	CacheExpiration, NetworkBufferTime time.Duration
	// Formats are the ASF headers, in the file's Format<n> order.
	Formats []Format
	// Warnings lists what Parse tolerated: a CRC mismatch, an unknown or
	// malformed optional property, a duplicate key or Format ID, a Format
	// that was skipped.
	Warnings []string
}

// Format is one Format<n> entry: an ASF header and its Format ID.
type Format struct {
	// ID is the 11-bit Format ID (the EncodedDataHeader Key), which MSB
	// packets carry in the low bits of wStreamID ([MS-MSB] 2.2.4).
	ID uint16
	// Header is the ASF Header Object followed by the 50-byte fixed part
	// of the Data Object, as sent.
	Header []byte
	// ASF is Header parsed.
	ASF *asf.Header
	// Description is Description<n>, empty when absent.
	Description string
}

// Format returns the format with Format ID id.
func (s *Station) Format(id uint16) (*Format, bool) {
	for i := range s.Formats {
		if s.Formats[i].ID == id {
			return &s.Formats[i], true
		}
	}
	return nil, false
}

// Sniff reports whether a file looks like a station file: its name ends
// in .nsc, or its first 16 KiB start with "[Address]" (after blank lines,
// whitespace or a BOM) or contain "NSC Format Version=".
func Sniff(name string, head []byte) bool {
	if i := strings.LastIndexByte(name, '.'); i >= 0 && strings.EqualFold(name[i:], ".nsc") {
		return true
	}
	head = head[:min(len(head), 16<<10)]
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(t) >= 9 && bytes.EqualFold(t[:9], []byte("[Address]")) {
		return true
	}
	return bytes.Contains(bytes.ToLower(head), []byte("nsc format version"))
}

// Parse reads a station file ([MS-MSB] 2.2.1). It is lenient where
// real files vary: keys are matched case-insensitively in any order and
// section, lines end in CRLF or LF, whitespace around '=' and values is
// dropped, a raw value is taken where an encoded one was expected. It
// rejects (ErrSyntax) a file without an [Address] section, an IP Address
// that is not a multicast address, an IP Port outside 1..65535 and a file
// without a Format whose ASF header parses; a file over MaxFileSize
// (ErrTooLarge). Everything else it cannot use is skipped and reported in
// Station.Warnings.
func Parse(data []byte) (*Station, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: %d bytes > %d", ErrTooLarge, len(data), MaxFileSize)
	}
	p := parser{st: &Station{}, seen: map[string]bool{}, formats: map[int]string{}, descs: map[int]string{}}
	if err := p.lines(data); err != nil {
		return nil, err
	}
	if !p.address {
		return nil, fmt.Errorf("%w: no [Address] section", ErrSyntax)
	}
	if !p.st.Group.IsValid() {
		return nil, fmt.Errorf("%w: no IP Address", ErrSyntax)
	}
	if !p.havePort {
		return nil, fmt.Errorf("%w: no IP Port", ErrSyntax)
	}
	if err := p.buildFormats(); err != nil {
		return nil, err
	}
	return p.st, nil
}

type parser struct {
	st       *Station
	address  bool
	havePort bool
	seen     map[string]bool
	formats  map[int]string // Format<n> value by n
	descs    map[int]string // Description<n> value by n
}

func (p *parser) warn(format string, args ...any) {
	p.st.Warnings = append(p.st.Warnings, fmt.Sprintf(format, args...))
}

func (p *parser) lines(data []byte) error {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	for n, line := range bytes.Split(data, []byte("\n")) {
		s := strings.TrimSpace(string(line))
		if s == "" || s[0] == ';' || s[0] == '#' {
			continue
		}
		if s[0] == '[' {
			if strings.EqualFold(s, "[Address]") {
				p.address = true
			}
			continue
		}
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			p.warn("line %d: no '=': ignored", n+1)
			continue
		}
		if err := p.property(n+1, strings.TrimSpace(k), strings.TrimSpace(v)); err != nil {
			return err
		}
	}
	return nil
}

// indexed splits "Format12" into ("format", 12).
func indexed(key string) (string, int, bool) {
	lk := strings.ToLower(key)
	for _, prefix := range []string{"format", "description"} {
		if rest, ok := strings.CutPrefix(lk, prefix); ok && rest != "" && len(rest) <= 6 {
			n, err := strconv.Atoi(rest)
			if err == nil && n >= 0 && rest[0] != '+' && rest[0] != '-' {
				return prefix, n, true
			}
		}
	}
	return "", 0, false
}

func (p *parser) property(line int, key, val string) error {
	if kind, n, ok := indexed(key); ok {
		m := p.formats
		if kind == "description" {
			m = p.descs
		}
		if _, dup := m[n]; dup {
			p.warn("line %d: %s repeated: the first is kept", line, key)
			return nil
		}
		if kind == "format" && len(p.formats) >= MaxFormats {
			return fmt.Errorf("%w: more than %d formats", ErrTooLarge, MaxFormats)
		}
		m[n] = val
		return nil
	}
	lk := strings.ToLower(key)
	if p.seen[lk] {
		p.warn("line %d: %s repeated: the first is kept", line, key)
		return nil
	}
	p.seen[lk] = true
	st := p.st
	switch lk {
	case "name":
		st.Name = p.str(key, val)
	case "nsc format version":
		st.Version = p.str(key, val)
	case "multicast adapter":
		if s := p.str(key, val); s != "" {
			a, err := netip.ParseAddr(s)
			if err != nil {
				p.warn("Multicast Adapter %q is not an IP address: packets are not filtered by source", s)
				break
			}
			st.MulticastAdapter = a.Unmap()
		}
	case "ip address":
		s := p.str(key, val)
		a, err := netip.ParseAddr(s)
		if err != nil {
			return fmt.Errorf("%w: IP Address %q: %w", ErrSyntax, s, err)
		}
		a = a.Unmap()
		if !a.IsMulticast() {
			return fmt.Errorf("%w: IP Address %s is not a multicast group", ErrSyntax, a)
		}
		if a.Zone() != "" {
			// The file names an interface ("ff15::e%eth0"), which is the
			// Multicast Adapter's business and means nothing on another
			// machine: the group is joined on the usual interface.
			p.warn("IP Address %q: the zone is left out", s)
			a = a.WithZone("")
		}
		st.Group = a
	case "ip port":
		v, err := integer(val)
		if err != nil {
			return fmt.Errorf("%w: IP Port: %w", ErrSyntax, err)
		}
		if v < 1 || v > 65535 {
			return fmt.Errorf("%w: IP Port %d is outside 1..65535", ErrSyntax, v)
		}
		st.Port, p.havePort = uint16(v), true
	case "time to live":
		st.TTL = p.optInt(key, val, 255)
	case "default ecc":
		st.DefaultECC = p.optInt(key, val, 15)
	case "log url":
		st.LogURL = p.str(key, val)
	case "unicast url":
		st.UnicastURL = p.str(key, val)
	case "allow splitting":
		st.AllowSplitting = p.optInt(key, val, 1) == 1
	case "allow caching":
		st.AllowCaching = p.optInt(key, val, 1) == 1
	case "cache expiration time":
		st.CacheExpiration = time.Duration(p.optInt(key, val, 1<<31-1)) * time.Second
	case "network buffer time":
		st.NetworkBufferTime = time.Duration(p.optInt(key, val, 1<<31-1)) * time.Millisecond
	default:
		// Windows 2000 Server's Player URL, Channel Version... ([MS-MSB]
		// Appendix A <4>) and anything newer: not used.
	}
	return nil
}

// integer reads an integer-param: "0x" and 8 hex digits ([MS-MSB]
// 2.2.1.1); 1 to 8 hex digits, or up to 10 decimal digits, are accepted.
func integer(s string) (int64, error) {
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		if h == "" || len(h) > 8 {
			return 0, fmt.Errorf("%q is not 0x and 1 to 8 hex digits", s)
		}
		v, err := strconv.ParseUint(h, 16, 32)
		if err != nil {
			return 0, fmt.Errorf("%q is not a hex integer", s)
		}
		return int64(v), nil
	}
	if s == "" || len(s) > 10 || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	return int64(v), nil
}

// optInt reads an optional integer property bounded by hi; a malformed
// or out-of-range value is a warning and counts as absent (0).
func (p *parser) optInt(key, val string, hi int64) int {
	if val == "" {
		return 0
	}
	v, err := integer(val)
	if err != nil {
		p.warn("%s: %v: ignored", key, err)
		return 0
	}
	if v > hi {
		p.warn("%s: %d is above %d: ignored", key, v, hi)
		return 0
	}
	return int(v)
}

// looksEncoded reports whether a value is an encoded block rather than a
// raw string: "02", at least 12 more characters, all of the alphabet. Raw
// addresses and URLs hold '.', ':' or '/', which are not.
func looksEncoded(val string) bool {
	if len(val) < len(blockPrefix)+minBlockChars || !strings.HasPrefix(val, blockPrefix) {
		return false
	}
	for i := len(blockPrefix); i < len(val); i++ {
		if inverse[val[i]] == 0xFF {
			return false
		}
	}
	return true
}

// str reads a string-param ([MS-MSB] 2.2.1.2): an encoded block holding
// UTF-16LE with a NUL, or the raw value.
func (p *parser) str(key, val string) string {
	if !looksEncoded(val) {
		return val
	}
	b, err := DecodeBlock(val)
	if err != nil {
		p.warn("%s: %v: the value is taken as written", key, err)
		return val
	}
	if !b.CRCOK {
		p.warn("%s: CRC 0x%02X does not match the data (0x%02X)", key, b.CRC, crc(b.Key, uint32(len(b.Data)), b.Data))
	}
	s, even := decodeUTF16(b.Data)
	if !even {
		p.warn("%s: odd UTF-16 length %d", key, len(b.Data))
	}
	return s
}

func (p *parser) buildFormats() error {
	ns := make([]int, 0, len(p.formats))
	for n := range p.formats {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	ids := map[uint16]int{}
	var errs []error
	for _, n := range ns {
		f, err := p.format(n, p.formats[n])
		if err != nil {
			p.warn("Format%d skipped: %v", n, err)
			errs = append(errs, fmt.Errorf("Format%d: %w", n, err))
			continue
		}
		if prev, dup := ids[f.ID]; dup {
			p.warn("Format%d skipped: Format ID %d is Format%d's too", n, f.ID, prev)
			continue
		}
		ids[f.ID] = n
		if d, ok := p.descs[n]; ok {
			f.Description = p.str(fmt.Sprintf("Description%d", n), d)
		}
		p.st.Formats = append(p.st.Formats, f)
	}
	if len(p.st.Formats) == 0 {
		if len(errs) > 0 {
			return fmt.Errorf("%w: no usable Format: %w", ErrSyntax, errors.Join(errs...))
		}
		return fmt.Errorf("%w: no Format", ErrSyntax)
	}
	return nil
}

// format decodes Format<n>: an encoded block whose Key is the Format ID
// and whose data is an ASF header plus the Data Object's fixed part
// ([MS-MSB] 2.2.1.4).
func (p *parser) format(n int, val string) (Format, error) {
	b, err := DecodeBlock(val)
	if err != nil {
		return Format{}, err
	}
	if b.Key > MaxFormatID {
		return Format{}, fmt.Errorf("Format ID %d does not fit 11 bits", b.Key)
	}
	if !b.CRCOK {
		p.warn("Format%d: CRC 0x%02X does not match the data (0x%02X)", n, b.CRC, crc(b.Key, uint32(len(b.Data)), b.Data))
	}
	h, err := asf.ParseHeader(b.Data)
	if err != nil {
		return Format{}, fmt.Errorf("ASF header: %w", err)
	}
	if h.Data == nil {
		p.warn("Format%d: no Data Object fixed part after the ASF header", n)
	}
	return Format{ID: uint16(b.Key), Header: b.Data, ASF: h}, nil
}

// Encode writes a station file in the grammar's order with CRLF line ends
// ([MS-MSB] 2.2.1.1): strings raw when they are printable ASCII, else
// encoded (2.2.1.2); integers as 0x and 8 hex digits; each Format encoded
// with its ID as Key. Empty strings and zero optional integers are left
// out. It is the writer behind test fixtures and senders; Parse reads
// what it writes.
func Encode(s *Station) []byte {
	var b bytes.Buffer
	str := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s=%s\r\n", k, stringValue(v))
		}
	}
	num := func(k string, v int64, always bool) {
		if v != 0 || always {
			fmt.Fprintf(&b, "%s=0x%08X\r\n", k, uint32(v))
		}
	}
	flag := func(v bool) int64 {
		if v {
			return 1
		}
		return 0
	}
	b.WriteString("[Address]\r\n")
	str("Name", s.Name)
	str("NSC Format Version", s.Version)
	if s.MulticastAdapter.IsValid() {
		str("Multicast Adapter", s.MulticastAdapter.String())
	}
	str("IP Address", s.Group.String())
	num("IP Port", int64(s.Port), true)
	num("Time To Live", int64(s.TTL), false)
	num("Default Ecc", int64(s.DefaultECC), false)
	str("Log URL", s.LogURL)
	str("Unicast URL", s.UnicastURL)
	num("Allow Splitting", flag(s.AllowSplitting), true)
	num("Allow Caching", flag(s.AllowCaching), true)
	num("Cache Expiration Time", int64(s.CacheExpiration/time.Second), false)
	num("Network Buffer Time", s.NetworkBufferTime.Milliseconds(), false)
	b.WriteString("[Formats]\r\n")
	for i, f := range s.Formats {
		fmt.Fprintf(&b, "Format%d=%s\r\n", i+1, EncodeBlock(uint32(f.ID), f.Header))
		str(fmt.Sprintf("Description%d", i+1), f.Description)
	}
	return b.Bytes()
}

// stringValue is s raw when every character is printable ASCII and the
// raw form cannot be mistaken for an encoded block, else encoded.
func stringValue(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return EncodeString(s)
		}
	}
	if looksEncoded(s) || strings.TrimSpace(s) != s {
		return EncodeString(s)
	}
	return s
}
