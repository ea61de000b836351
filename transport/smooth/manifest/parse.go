package manifest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Parse reads a Manifest Response ([MS-SSTR] 2.2.2) and applies the
// client's processing rules (3.1.5.1). Element names are matched as the
// spec writes them; attribute names too, then without regard to case
// (some servers write "timeScale"); TRUE/FALSE values without regard to
// case (2.2). A UTF-8 or UTF-16 byte-order mark and an XML declaration of
// either encoding are accepted. Vendor attributes and elements are
// ignored.
//
// Errors wrap ErrInvalid, ErrVersion or ErrTooLarge. A manifest with a
// Protection element is refused with a *ProtectedError (wrapping
// ErrProtected): Parse then also returns the manifest when it is
// otherwise valid, so a caller can say what it will not play.
func Parse(data []byte) (*Manifest, error) {
	if len(data) > MaxManifestSize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrTooLarge, len(data), MaxManifestSize)
	}
	text, err := toUTF8(data)
	if err != nil {
		return nil, err
	}
	p := &parser{d: xml.NewDecoder(bytes.NewReader(text))}
	p.d.CharsetReader = charsetReader
	m, err := p.document()
	if err == nil {
		err = m.resolve(p)
	}
	if m != nil && len(m.Protection) > 0 {
		// Protection is said first: it is why the presentation cannot
		// play whatever else is wrong with it.
		if err != nil {
			return nil, &ProtectedError{Headers: m.Protection}
		}
		return m, &ProtectedError{Headers: m.Protection}
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

// toUTF8 decodes a UTF-16 document (by its byte-order mark, [MS-SSTR]
// 4.4 and 4.5 declare utf-16) into UTF-8 and drops a UTF-8 mark.
func toUTF8(b []byte) ([]byte, error) {
	var be bool
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return b[3:], nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		be = true
	default:
		return b, nil
	}
	b = b[2:]
	if len(b)%2 != 0 {
		return nil, fmt.Errorf("%w: UTF-16 text of an odd number of bytes", ErrInvalid)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		if be {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
	}
	return []byte(string(utf16.Decode(u))), nil
}

// charsetReader accepts the declarations of the encodings toUTF8 has
// already turned into UTF-8 (and ASCII, a subset).
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "utf-16", "utf16", "utf-16le", "utf-16be", "unicode", "us-ascii", "ascii":
		return r, nil
	}
	return nil, fmt.Errorf("encoding %q is not supported", label)
}

// parser walks the document's tokens. Elements it does not know are
// skipped whole.
type parser struct {
	d *xml.Decoder
	// repeats is set when the manifest may use r (versions 2.2).
	repeats bool
	// timelines builds each stream's timeline as its c elements come.
	timelines map[*StreamIndex]*builder
	totalC    int
}

// rawC is a c element as written ([MS-SSTR] 2.2.2.6).
type rawC struct {
	t, d, r    uint64
	hasT, hasD bool
	hasR       bool
}

func (p *parser) token() (xml.Token, error) {
	tok, err := p.d.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: the document ends inside an element", ErrInvalid)
		}
		return nil, fmt.Errorf("%w: not well-formed XML: %v", ErrInvalid, err)
	}
	return tok, nil
}

// document reads the prolog and the root element.
func (p *parser) document() (*Manifest, error) {
	for {
		tok, err := p.d.Token()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: no SmoothStreamingMedia element", ErrInvalid)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: not well-formed XML: %v", ErrInvalid, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "SmoothStreamingMedia" {
				return nil, fmt.Errorf("%w: the root element is %s, not SmoothStreamingMedia", ErrInvalid, quoteShort(t.Name.Local))
			}
			return p.root(t)
		case xml.Directive:
			return nil, fmt.Errorf("%w: a manifest has no DTD ([MS-SSTR] 2.2.2)", ErrInvalid)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("%w: text before the root element", ErrInvalid)
			}
		}
	}
}

func (p *parser) root(se xml.StartElement) (*Manifest, error) {
	a := attrs(se.Attr)
	m := &Manifest{TimeScale: DefaultTimeScale}
	n := &numbers{a: a}
	if !number(n, "MajorVersion", &m.MajorVersion) || (m.MajorVersion != 1 && m.MajorVersion != 2) {
		if n.err != nil {
			return m, n.err
		}
		v, _ := a.get("MajorVersion")
		return m, fmt.Errorf("%w: MajorVersion %s (2 expected)", ErrVersion, quoteShort(v))
	}
	number(n, "MinorVersion", &m.MinorVersion)
	number(n, "TimeScale", &m.TimeScale)
	number(n, "Duration", &m.Duration)
	number(n, "LookaheadCount", &m.LookaheadCount)
	number(n, "DVRWindowLength", &m.DVRWindowLength)
	if n.err != nil {
		return m, n.err
	}
	if m.TimeScale == 0 {
		return m, fmt.Errorf("%w: TimeScale 0", ErrInvalid)
	}
	m.IsLive = a.flag("IsLive") == True
	m.CanSeek, m.CanPause = a.flag("CanSeek"), a.flag("CanPause")
	p.repeats = m.MajorVersion == 2 && m.MinorVersion == 2
	p.timelines = map[*StreamIndex]*builder{}
	for {
		tok, err := p.token()
		if err != nil {
			return m, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return m, nil
		case xml.StartElement:
			switch t.Name.Local {
			case "Protection":
				if err := p.protection(m); err != nil {
					return m, err
				}
			case "StreamIndex":
				if len(m.Streams) >= MaxStreams {
					return m, fmt.Errorf("%w: more than %d StreamIndex elements", ErrTooLarge, MaxStreams)
				}
				s, err := p.stream(t, len(m.Streams))
				if err != nil {
					return m, err
				}
				m.Streams = append(m.Streams, s)
			default:
				if err := p.d.Skip(); err != nil {
					return m, fmt.Errorf("%w: not well-formed XML: %v", ErrInvalid, err)
				}
			}
		}
	}
}

func (p *parser) protection(m *Manifest) error {
	for {
		tok, err := p.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if t.Name.Local != "ProtectionHeader" {
				if err := p.d.Skip(); err != nil {
					return fmt.Errorf("%w: not well-formed XML: %v", ErrInvalid, err)
				}
				continue
			}
			id, _ := attrs(t.Attr).get("SystemID")
			text, err := p.text()
			if err != nil {
				return err
			}
			if len(m.Protection) < MaxStreams {
				m.Protection = append(m.Protection, ProtectionHeader{SystemID: id, Data: strings.TrimSpace(text)})
			}
		}
	}
}

// text reads an element's character data up to its end, skipping
// comments and child elements.
func (p *parser) text() (string, error) {
	var b strings.Builder
	for {
		tok, err := p.token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return b.String(), nil
		case xml.CharData:
			b.Write(t)
		case xml.StartElement:
			if err := p.d.Skip(); err != nil {
				return "", fmt.Errorf("%w: not well-formed XML: %v", ErrInvalid, err)
			}
		}
	}
}

func (p *parser) stream(se xml.StartElement, pos int) (*StreamIndex, error) {
	a := attrs(se.Attr)
	s := &StreamIndex{}
	where := func(err error) error { return fmt.Errorf("StreamIndex %d: %w", pos+1, err) }
	typ, ok := a.get("Type")
	if !ok {
		return nil, where(fmt.Errorf("%w: no Type", ErrInvalid))
	}
	s.Type = strings.ToLower(strings.TrimSpace(typ))
	s.Subtype, _ = a.get("Subtype")
	s.Name, _ = a.get("Name")
	s.Language, _ = a.get("Language")
	s.URL, _ = a.get("Url")
	s.ParentStreamIndex, _ = a.get("ParentStreamIndex")
	s.ManifestOutput = a.flag("ManifestOutput") == True
	n := &numbers{a: a}
	number(n, "Chunks", &s.Chunks)
	number(n, "QualityLevels", &s.NumQualityLevels)
	number(n, "MaxWidth", &s.MaxWidth)
	number(n, "MaxHeight", &s.MaxHeight)
	number(n, "DisplayWidth", &s.DisplayWidth)
	number(n, "DisplayHeight", &s.DisplayHeight)
	if number(n, "TimeScale", &s.TimeScale) && s.TimeScale == 0 {
		return nil, where(fmt.Errorf("%w: TimeScale 0", ErrInvalid))
	}
	if n.err != nil {
		return nil, where(n.err)
	}
	for {
		tok, err := p.token()
		if err != nil {
			return nil, where(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return s, nil
		case xml.StartElement:
			switch t.Name.Local {
			case "QualityLevel":
				if len(s.QualityLevels) >= MaxQualityLevels {
					return nil, where(fmt.Errorf("%w: more than %d QualityLevel elements", ErrTooLarge, MaxQualityLevels))
				}
				q, err := p.qualityLevel(t, len(s.QualityLevels))
				if err != nil {
					return nil, where(err)
				}
				s.QualityLevels = append(s.QualityLevels, q)
			case "c":
				if err := p.fragment(t, s); err != nil {
					return nil, where(err)
				}
			default:
				if err := p.d.Skip(); err != nil {
					return nil, where(fmt.Errorf("%w: not well-formed XML: %v", ErrInvalid, err))
				}
			}
		}
	}
}

func (p *parser) qualityLevel(se xml.StartElement, pos int) (*QualityLevel, error) {
	a := attrs(se.Attr)
	q := &QualityLevel{Index: uint32(pos), NALUnitLengthField: 4}
	where := func(err error) error { return fmt.Errorf("QualityLevel %d: %w", pos+1, err) }
	n := &numbers{a: a}
	number(n, "Index", &q.Index)
	if !number(n, "Bitrate", &q.Bitrate) && n.err == nil {
		return nil, where(fmt.Errorf("%w: no Bitrate", ErrInvalid))
	}
	if !number(n, "MaxWidth", &q.MaxWidth) {
		number(n, "Width", &q.MaxWidth)
	}
	if !number(n, "MaxHeight", &q.MaxHeight) {
		number(n, "Height", &q.MaxHeight)
	}
	number(n, "SamplingRate", &q.SamplingRate)
	number(n, "Channels", &q.Channels)
	number(n, "BitsPerSample", &q.BitsPerSample)
	number(n, "PacketSize", &q.PacketSize)
	number(n, "AudioTag", &q.AudioTag)
	number(n, "NALUnitLengthField", &q.NALUnitLengthField)
	if n.err != nil {
		return nil, where(n.err)
	}
	var err error
	switch q.NALUnitLengthField {
	case 1, 2, 4:
	default:
		return nil, where(fmt.Errorf("%w: NALUnitLengthField %d (1, 2 or 4)", ErrInvalid, q.NALUnitLengthField))
	}
	q.FourCC, _ = a.get("FourCC")
	q.FourCC = strings.TrimSpace(q.FourCC)
	q.Language, _ = a.get("Language")
	q.Name, _ = a.get("Name")
	if q.CodecPrivateData, err = a.hex("CodecPrivateData"); err != nil {
		return nil, where(err)
	}
	if q.WaveFormatEx, err = a.hex("WaveFormatEx"); err != nil {
		return nil, where(err)
	}
	for {
		tok, err := p.token()
		if err != nil {
			return nil, where(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return q, nil
		case xml.StartElement:
			if t.Name.Local != "CustomAttributes" {
				if err := p.d.Skip(); err != nil {
					return nil, where(fmt.Errorf("%w: not well-formed XML: %v", ErrInvalid, err))
				}
				continue
			}
			if err := p.customAttributes(q); err != nil {
				return nil, where(err)
			}
		}
	}
}

func (p *parser) customAttributes(q *QualityLevel) error {
	for {
		tok, err := p.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if t.Name.Local == "Attribute" {
				a := attrs(t.Attr)
				name, ok := a.get("Name")
				value, _ := a.get("Value")
				if !ok || name == "" {
					return fmt.Errorf("%w: a custom Attribute without a Name", ErrInvalid)
				}
				if len(q.CustomAttributes) >= MaxCustomAttributes {
					return fmt.Errorf("%w: more than %d custom attributes", ErrTooLarge, MaxCustomAttributes)
				}
				q.CustomAttributes = append(q.CustomAttributes, Attribute{Name: name, Value: value})
			}
			if err := p.d.Skip(); err != nil {
				return fmt.Errorf("%w: not well-formed XML: %v", ErrInvalid, err)
			}
		}
	}
}

// fragment reads a c element ([MS-SSTR] 2.2.2.6) and its f children,
// and adds it to the stream's timeline.
func (p *parser) fragment(se xml.StartElement, s *StreamIndex) error {
	tb := p.timelines[s]
	if tb == nil {
		tb = &builder{tl: &s.timeline, repeats: p.repeats, pending: -1}
		p.timelines[s] = tb
	}
	where := func(err error) error { return fmt.Errorf("c %d: %w", tb.cs+1, err) }
	if p.totalC >= MaxFragments {
		return where(fmt.Errorf("%w: more than %d c elements", ErrTooLarge, MaxFragments))
	}
	a := attrs(se.Attr)
	var c rawC
	var err error
	if c.t, c.hasT, err = a.uint("t", 64); err != nil {
		return where(err)
	}
	if c.d, c.hasD, err = a.uint("d", 64); err != nil {
		return where(err)
	}
	if c.r, c.hasR, err = a.uint("r", 64); err != nil {
		return where(err)
	}
	if _, _, err = a.uint("n", 32); err != nil {
		return where(err)
	}
	var inline []InlineSample
	for {
		tok, err := p.token()
		if err != nil {
			return where(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			first, err := tb.add(c)
			if err != nil {
				return where(err)
			}
			p.totalC++
			for _, f := range inline {
				f.Fragment = first
				s.Inline = append(s.Inline, f)
			}
			return nil
		case xml.StartElement:
			if t.Name.Local != "f" || !s.ManifestOutput {
				// f content MUST be omitted unless ManifestOutput is
				// TRUE ([MS-SSTR] 2.2.2.6.1): anything else is ignored.
				if err := p.d.Skip(); err != nil {
					return where(fmt.Errorf("%w: not well-formed XML: %v", ErrInvalid, err))
				}
				continue
			}
			i, ok, err := attrs(t.Attr).uint("i", 32)
			if err != nil {
				return where(err)
			}
			if !ok {
				return where(fmt.Errorf("%w: an f element without i", ErrInvalid))
			}
			text, err := p.text()
			if err != nil {
				return where(err)
			}
			data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(text), ""))
			if err != nil {
				return where(fmt.Errorf("%w: f i=%d: not base64: %v", ErrInvalid, i, err))
			}
			inline = append(inline, InlineSample{Track: uint32(i), Data: data})
		}
	}
}

// resolve applies [MS-SSTR] 3.1.5.1 once the document is read.
func (m *Manifest) resolve(p *parser) error {
	if len(m.Streams) == 0 {
		return fmt.Errorf("%w: no StreamIndex", ErrInvalid)
	}
	names := map[string]bool{}
	var longest uint64 // in m.TimeScale units
	for i, s := range m.Streams {
		where := func(err error) error { return fmt.Errorf("StreamIndex %d (%s): %w", i+1, s.Name, err) }
		if s.Name == "" {
			s.Name = s.Type
		}
		if names[s.Name] {
			return fmt.Errorf("%w: two streams named %s", ErrInvalid, quoteShort(s.Name))
		}
		names[s.Name] = true
		if s.TimeScale == 0 {
			s.TimeScale = m.TimeScale // erratum: 3.1.5.1 says "Duration"
		}
		s.scale = s.TimeScale
		if s.Type == "video" {
			for _, q := range s.QualityLevels {
				if s.MaxWidth == 0 {
					s.MaxWidth = max(s.MaxWidth, q.MaxWidth)
				}
				if s.MaxHeight == 0 {
					s.MaxHeight = max(s.MaxHeight, q.MaxHeight)
				}
			}
		}
		seen := map[uint32]bool{}
		for _, q := range s.QualityLevels {
			if seen[q.Index] {
				return where(fmt.Errorf("%w: two quality levels with Index %d", ErrInvalid, q.Index))
			}
			seen[q.Index] = true
		}
		var sum uint64
		if tb := p.timelines[s]; tb != nil {
			var err error
			if sum, err = tb.finish(); err != nil {
				return where(err)
			}
		}
		// Stream duration in presentation units: sum/scale*TimeScale.
		hi, lo := bits.Mul64(sum, m.TimeScale)
		if hi >= s.TimeScale {
			longest = ^uint64(0)
		} else if d, _ := bits.Div64(hi, lo, s.TimeScale); d > longest {
			longest = d
		}
	}
	for _, s := range m.Streams {
		if s.ParentStreamIndex == "" {
			continue
		}
		if parent := m.Stream(s.ParentStreamIndex); parent == nil || parent.Sparse() {
			return fmt.Errorf("%w: sparse stream %s: ParentStreamIndex %s is not a non-sparse stream",
				ErrInvalid, quoteShort(s.Name), quoteShort(s.ParentStreamIndex))
		}
	}
	if m.Duration == 0 {
		m.Duration = longest
	}
	return nil
}

// builder resolves a stream's c elements into runs as they come
// ([MS-SSTR] 2.2.2.6 and the rules of 3.1.5.1): a missing t is the
// previous fragment's end (0 for the first), a missing d is the next t
// minus this t (erratum: 2.2.2.6 says the previous t, which cannot give
// the last fragment of a start-time-coded run), r is the number of
// fragments of duration d from t. The last fragment must have a
// duration, every c a t or a d, and fragment times must increase. A c
// that continues the previous run with the same duration extends it, so
// a timeline of equal fragments costs one run.
type builder struct {
	tl      *timeline
	repeats bool
	// pending is the index in tl.runs of a run whose d waits for the
	// next t, -1 when none.
	pending int
	// cs counts the c elements added.
	cs int
}

// add adds a c element and returns the timeline index of its first
// fragment.
func (b *builder) add(c rawC) (first int, err error) {
	tl := b.tl
	if !c.hasT && !c.hasD {
		return 0, fmt.Errorf("%w: neither t nor d", ErrInvalid)
	}
	var start uint64
	switch {
	case c.hasT:
		start = c.t
	case len(tl.runs) == 0:
		start = 0
	case b.pending >= 0:
		return 0, fmt.Errorf("%w: no t, and the previous c has no d", ErrInvalid)
	default:
		start = tl.End()
	}
	if k := len(tl.runs) - 1; k >= 0 {
		last := tl.runs[k]
		lastStart := last.start + last.dur*(last.count-1)
		if b.pending >= 0 {
			lastStart = last.start
		}
		if start <= lastStart {
			return 0, fmt.Errorf("%w: t=%d does not come after the previous fragment's %d", ErrInvalid, start, lastStart)
		}
		if b.pending >= 0 {
			tl.runs[b.pending].dur = start - last.start
			b.pending = -1
		}
	}
	count := uint64(1)
	if c.hasR {
		if !b.repeats {
			return 0, fmt.Errorf("%w: r needs MajorVersion and MinorVersion 2 ([MS-SSTR] 2.2.2.6)", ErrInvalid)
		}
		if c.r == 0 {
			return 0, fmt.Errorf("%w: r=0 (r counts the fragments, from 1)", ErrInvalid)
		}
		count = c.r
	}
	if count > uint64(MaxFragments-tl.n) {
		return 0, fmt.Errorf("%w: more than %d fragments in one stream", ErrTooLarge, MaxFragments)
	}
	first = tl.n
	b.cs++
	if !c.hasD {
		if count > 1 {
			return 0, fmt.Errorf("%w: r without d", ErrInvalid)
		}
		b.pending = len(tl.runs)
		tl.runs = append(tl.runs, run{start: start, count: 1, first: first})
		tl.n++
		return first, nil
	}
	if c.d == 0 {
		return 0, fmt.Errorf("%w: d=0", ErrInvalid)
	}
	hi, span := bits.Mul64(c.d, count)
	if _, carry := bits.Add64(start, span, 0); hi != 0 || carry != 0 {
		return 0, fmt.Errorf("%w: %d fragments of %d from %d end past 2^64", ErrInvalid, count, c.d, start)
	}
	if k := len(tl.runs) - 1; k >= 0 && tl.runs[k].dur == c.d && tl.End() == start {
		tl.runs[k].count += count
	} else {
		tl.runs = append(tl.runs, run{start: start, dur: c.d, count: count, first: first})
	}
	tl.n += int(count)
	return first, nil
}

// finish checks the end of the timeline and returns the sum of its
// durations (saturated).
func (b *builder) finish() (sum uint64, err error) {
	if b.pending >= 0 {
		return 0, fmt.Errorf("c %d: %w: the last c has no d ([MS-SSTR] 3.1.5.1)", b.cs, ErrInvalid)
	}
	for _, r := range b.tl.runs {
		hi, span := bits.Mul64(r.dur, r.count)
		var carry uint64
		sum, carry = bits.Add64(sum, span, 0)
		if hi != 0 || carry != 0 {
			return ^uint64(0), nil
		}
	}
	return sum, nil
}

// attrs looks attributes up by name: as written first, then without
// regard to case.
type attrs []xml.Attr

func (a attrs) get(name string) (string, bool) {
	for _, x := range a {
		if x.Name.Local == name {
			return x.Value, true
		}
	}
	for _, x := range a {
		if strings.EqualFold(x.Name.Local, name) {
			return x.Value, true
		}
	}
	return "", false
}

// numbers reads decimal attributes and keeps the first error, so a
// parser reads them straight through and checks once.
type numbers struct {
	a   attrs
	err error
}

// number reads the attribute name into dst, at dst's width ([MS-SSTR]
// 2.2 STRING-UINT16/32/64). It reports whether the attribute is there;
// dst is left alone when it is not, and after an error.
func number[T uint16 | uint32 | uint64](n *numbers, name string, dst *T) bool {
	if n.err != nil {
		return false
	}
	width := 64
	switch any(*dst).(type) {
	case uint16:
		width = 16
	case uint32:
		width = 32
	}
	v, ok, err := n.a.uint(name, width)
	if err != nil {
		n.err = err
		return false
	}
	if ok {
		*dst = T(v)
	}
	return ok
}

// uint reads a decimal attribute of the given width ([MS-SSTR] 2.2
// STRING-UINT*); ok is false when it is absent.
func (a attrs) uint(name string, bitSize int) (v uint64, ok bool, err error) {
	s, ok := a.get(name)
	if !ok {
		return 0, false, nil
	}
	v, err = strconv.ParseUint(strings.TrimSpace(s), 10, bitSize)
	if err != nil {
		return 0, false, fmt.Errorf("%w: %s=%s is not an unsigned %d-bit number", ErrInvalid, name, quoteShort(s), bitSize)
	}
	return v, true, nil
}

// flag reads a TRUE/FALSE attribute ([MS-SSTR] 2.2, any case).
func (a attrs) flag(name string) Flag {
	s, _ := a.get(name)
	switch s = strings.TrimSpace(s); {
	case strings.EqualFold(s, "true"):
		return True
	case strings.EqualFold(s, "false"):
		return False
	}
	return Unset
}

// hex reads a string of HEXCODED-BYTEs ([MS-SSTR] 2.2), ignoring
// whitespace; nil when absent or empty.
func (a attrs) hex(name string) ([]byte, error) {
	s, _ := a.get(name)
	s = strings.Join(strings.Fields(s), "")
	if s == "" {
		return nil, nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not hex-coded bytes: %v", ErrInvalid, name, err)
	}
	return b, nil
}

// quoteShort quotes s for an error message, cut to 64 bytes.
func quoteShort(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strconv.Quote(s)
}
