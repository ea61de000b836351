package asf

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
)

// ContentDescription is the Content Description Object (ASF spec §3.10).
type ContentDescription struct {
	Title, Author, Copyright, Description, Rating string
}

func parseContentDescription(body []byte) (ContentDescription, error) {
	r := newReader(body)
	var n [5]int
	for i := range n {
		n[i] = int(r.u16())
	}
	var c ContentDescription
	c.Title = r.utf16(n[0])
	c.Author = r.utf16(n[1])
	c.Copyright = r.utf16(n[2])
	c.Description = r.utf16(n[3])
	c.Rating = r.utf16(n[4])
	if r.err != nil {
		return ContentDescription{}, r.err
	}
	return c, nil
}

// AttrType is the data type of an attribute value (ASF spec §3.11, §4.7).
type AttrType uint16

// Attribute data types.
const (
	AttrString AttrType = 0 // UTF-16LE string
	AttrBytes  AttrType = 1 // byte array
	AttrBool   AttrType = 2 // BOOL: 4 bytes in Extended Content Description, 2 in Metadata
	AttrDWORD  AttrType = 3
	AttrQWORD  AttrType = 4
	AttrWORD   AttrType = 5
	AttrGUID   AttrType = 6 // Metadata Library only
)

// String names the AttrType: "string", "bytes", "bool", "dword", "qword", "word", "guid" (or "typeN").
func (t AttrType) String() string {
	switch t {
	case AttrString:
		return "string"
	case AttrBytes:
		return "bytes"
	case AttrBool:
		return "bool"
	case AttrDWORD:
		return "dword"
	case AttrQWORD:
		return "qword"
	case AttrWORD:
		return "word"
	case AttrGUID:
		return "guid"
	}
	return "type" + strconv.Itoa(int(t))
}

// Attribute is a named, typed value of the Extended Content Description
// Object (ASF spec §3.11), e.g. WM/AlbumTitle. Value holds the raw bytes.
type Attribute struct {
	Name  string
	Type  AttrType
	Value []byte
}

// String returns the value as text: the string itself, "true"/"false",
// the decimal number, the GUID, or hex for byte arrays (and for values whose
// size does not fit their type).
func (a Attribute) String() string {
	switch a.Type {
	case AttrString:
		return decodeUTF16(a.Value)
	case AttrBool:
		if v, ok := a.Uint(); ok {
			return strconv.FormatBool(v != 0)
		}
	case AttrDWORD, AttrQWORD, AttrWORD:
		if v, ok := a.Uint(); ok {
			return strconv.FormatUint(v, 10)
		}
	case AttrGUID:
		if len(a.Value) == 16 {
			return GUID(a.Value).String()
		}
	}
	return hex.EncodeToString(a.Value)
}

// Uint returns the value of a BOOL, WORD, DWORD or QWORD attribute.
func (a Attribute) Uint() (uint64, bool) {
	switch a.Type {
	case AttrBool, AttrWORD, AttrDWORD, AttrQWORD:
		switch len(a.Value) {
		case 2:
			return uint64(binary.LittleEndian.Uint16(a.Value)), true
		case 4:
			return uint64(binary.LittleEndian.Uint32(a.Value)), true
		case 8:
			return binary.LittleEndian.Uint64(a.Value), true
		}
	}
	return 0, false
}

// parseExtendedContentDescription reads the Extended Content Description
// Object (ASF spec §3.11): a WORD count, then {Name Length WORD, Name, Value
// Data Type WORD, Value Length WORD, Value}.
func parseExtendedContentDescription(body []byte) ([]Attribute, error) {
	r := newReader(body)
	n := int(r.u16())
	if r.err != nil {
		return nil, r.err
	}
	if n*6 > r.remaining() {
		return nil, fmt.Errorf("%w: %d descriptors in %d bytes", ErrTruncated, n, r.remaining())
	}
	attrs := make([]Attribute, 0, n)
	for i := 0; i < n; i++ {
		var a Attribute
		a.Name = r.utf16(int(r.u16()))
		a.Type = AttrType(r.u16())
		a.Value = r.bytesCopy(int(r.u16()))
		if r.err != nil {
			return attrs, r.err
		}
		attrs = append(attrs, a)
	}
	return attrs, r.err
}
