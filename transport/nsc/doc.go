// Package nsc reads and writes Windows Media Station files (.nsc,
// [MS-MSB] 2.2.1): the announcement of a multicast broadcast that gives a
// client the multicast group and UDP port, the ASF headers of the formats
// sent (each with its 11-bit Format ID), and the unicast URL to fall back
// to. transport/msb receives the broadcast itself.
//
// Values are raw ASCII or "encoded blocks" ([MS-MSB] 2.2.1.3): the prefix
// "02", then an EncodedDataHeader {CRC, Key, Length} and the data, packed 6
// bits per character with the alphabet "0-9A-Za-z{}". Strings that are not
// printable ASCII are UTF-16LE with a terminating NUL (2.2.1.2). Parse
// reads leniently (keys in any order, LF or CRLF, whitespace around '='),
// verifies each block's CRC and reports a mismatch as a warning (the
// spec's own example, 4.3, has a Name whose CRC does not verify).
//
// The package does no I/O.
package nsc
