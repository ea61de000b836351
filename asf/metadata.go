package asf

import "fmt"

// MetadataRecord is a Description Record of the Metadata Object (ASF spec
// §4.7) or of the Metadata Library Object (§4.8).
type MetadataRecord struct {
	Attribute
	// Library is true for a Metadata Library record.
	Library bool
	// LanguageIndex indexes Header.Languages (Metadata Library only).
	LanguageIndex uint16
	// Stream is the stream number the record applies to, 0 for the file.
	Stream uint16
}

// parseMetadata reads a Metadata or Metadata Library object: a WORD count,
// then {Language List Index (or Reserved) WORD, Stream Number WORD, Name
// Length WORD, Data Type WORD, Data Length DWORD, Name, Data}.
func parseMetadata(body []byte, library bool) ([]MetadataRecord, error) {
	r := newReader(body)
	n := int(r.u16())
	if r.err != nil {
		return nil, r.err
	}
	if n*12 > r.remaining() {
		return nil, fmt.Errorf("%w: %d description records in %d bytes", ErrTruncated, n, r.remaining())
	}
	recs := make([]MetadataRecord, 0, n)
	for i := 0; i < n; i++ {
		m := MetadataRecord{Library: library}
		lang := r.u16()
		if library {
			m.LanguageIndex = lang
		}
		m.Stream = r.u16()
		nameLen := int(r.u16())
		m.Type = AttrType(r.u16())
		dataLen := r.u32()
		m.Name = r.utf16(nameLen)
		if r.err == nil && uint64(dataLen) > uint64(r.remaining()) {
			return recs, fmt.Errorf("%w: record %q data length %d, %d bytes left", ErrTruncated, m.Name, dataLen, r.remaining())
		}
		m.Value = r.bytesCopy(int(dataLen))
		if r.err != nil {
			return recs, r.err
		}
		recs = append(recs, m)
	}
	return recs, nil
}
