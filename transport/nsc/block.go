package nsc

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// alphabet is the 6-bit encoding table szSixtyFour of [MS-MSB] 2.2.1.3.2.
const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz{}"

// inverse maps a character to its 6-bit value, 0xFF for characters outside
// the alphabet (bInverseSixtyFour, [MS-MSB] 2.2.1.3.2).
var inverse = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// blockPrefix starts every encoded value ("binary = "02" encoded-block",
// [MS-MSB] 2.2.1.1).
const blockPrefix = "02"

// headerSize is the size of the EncodedDataHeader {CRC BYTE, Key DWORD,
// Length DWORD} ([MS-MSB] 2.2.1.3.1).
const headerSize = 9

// minBlockChars is the shortest encoded block: 12 characters (the
// grammar's "12*encoded-char", enough for the 9-byte header) after "02".
const minBlockChars = 12

// Block is a decoded encoded block ([MS-MSB] 2.2.1.3): the
// EncodedDataHeader fields and the data they describe.
type Block struct {
	// CRC is the stored CRC; CRCOK reports whether it equals the XOR of
	// every byte of Key, Length and Data (2.2.1.3.1).
	CRC   byte
	CRCOK bool
	// Key is the Format ID of an ASF header (11 bits), 0 otherwise.
	Key uint32
	// Length is the declared data length.
	Length uint32
	// Data is the Length bytes that follow the header.
	Data []byte
}

// crc is the EncodedDataHeader CRC: the XOR of every byte of the Key and
// Length fields and of the data ([MS-MSB] 2.2.1.3.1).
func crc(key, length uint32, data []byte) byte {
	var c byte
	for i := 0; i < 4; i++ {
		c ^= byte(key>>(8*i)) ^ byte(length>>(8*i))
	}
	for _, b := range data {
		c ^= b
	}
	return c
}

// EncodeBlock encodes data with Key key as a value: "02" followed by the
// EncodedDataHeader (Key and Length big-endian) and the data, 6 bits per
// character, most significant bit first, the last group padded with zero
// bits ([MS-MSB] 2.2.1.3.2).
func EncodeBlock(key uint32, data []byte) string {
	raw := make([]byte, headerSize, headerSize+len(data))
	raw[0] = crc(key, uint32(len(data)), data)
	binary.BigEndian.PutUint32(raw[1:], key)
	binary.BigEndian.PutUint32(raw[5:], uint32(len(data)))
	raw = append(raw, data...)
	out := make([]byte, 0, len(blockPrefix)+(len(raw)*8+5)/6)
	out = append(out, blockPrefix...)
	var acc uint32
	bits := 0
	for _, b := range raw {
		acc = acc<<8 | uint32(b)
		bits += 8
		for bits >= 6 {
			bits -= 6
			out = append(out, alphabet[(acc>>bits)&0x3F])
		}
	}
	if bits > 0 {
		out = append(out, alphabet[(acc<<(6-bits))&0x3F])
	}
	return string(out)
}

// EncodeString encodes s as UTF-16LE with its terminating NUL in an
// encoded block with Key 0 ([MS-MSB] 2.2.1.2).
func EncodeString(s string) string {
	return EncodeBlock(0, utf16LE(s))
}

func utf16LE(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(u)+2)
	for _, c := range u {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return append(b, 0, 0)
}

// DecodeBlock decodes an encoded value ("02" + encoded-block, [MS-MSB]
// 2.2.1.3.2): characters are mapped back to 6 bits, the bits cut into
// bytes (a trailing partial byte dropped), the first 9 bytes read as the
// EncodedDataHeader and the next Length bytes returned as Data. Bytes
// beyond Length (the zero bits that complete the last character) are
// ignored. A CRC mismatch is reported in Block.CRCOK, not as an error.
//
// Errors wrap ErrEncoding: a missing "02" prefix, a character outside the
// alphabet, fewer bytes than the header or than Length declares (then
// the header's fields and the bytes present are returned with the error,
// CRCOK false).
func DecodeBlock(s string) (Block, error) {
	if len(s) < len(blockPrefix)+minBlockChars || s[:len(blockPrefix)] != blockPrefix {
		return Block{}, fmt.Errorf("%w: not \"02\" and at least %d characters", ErrEncoding, minBlockChars)
	}
	body := s[len(blockPrefix):]
	raw := make([]byte, 0, len(body)*6/8)
	var acc uint32
	bits := 0
	for i := 0; i < len(body); i++ {
		v := inverse[body[i]]
		if v == 0xFF {
			return Block{}, fmt.Errorf("%w: character %q at %d is not in the alphabet", ErrEncoding, body[i], len(blockPrefix)+i)
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			raw = append(raw, byte(acc>>bits))
		}
	}
	if len(raw) < headerSize {
		return Block{}, fmt.Errorf("%w: %d bytes, the header needs %d", ErrEncoding, len(raw), headerSize)
	}
	key := binary.BigEndian.Uint32(raw[1:])
	length := binary.BigEndian.Uint32(raw[5:])
	if uint64(length) > uint64(len(raw)-headerSize) {
		partial := Block{CRC: raw[0], Key: key, Length: length, Data: raw[headerSize:]}
		return partial, fmt.Errorf("%w: Length %d, only %d bytes follow the header", ErrEncoding, length, len(raw)-headerSize)
	}
	data := raw[headerSize : headerSize+int(length) : headerSize+int(length)]
	return Block{CRC: raw[0], CRCOK: raw[0] == crc(key, length, data), Key: key, Length: length, Data: data}, nil
}

// decodeUTF16 converts UTF-16LE data up to its first NUL to a string
// ([MS-MSB] 2.2.1.2). An odd trailing byte is ignored and reported.
func decodeUTF16(b []byte) (string, bool) {
	odd := len(b)%2 != 0
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u)), !odd
}
