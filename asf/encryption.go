package asf

import "fmt"

// EncryptionInfo describes the DRM objects of a header. Eddy does not play
// protected content (see ErrEncrypted); this is for the error message and
// for probing.
type EncryptionInfo struct {
	// ContentEncryption is set by a Content Encryption Object (ASF spec
	// §3.14, Windows Media DRM 1), whose fields follow.
	ContentEncryption bool
	ProtectionType    string // "DRM"
	KeyID             string
	LicenseURL        string
	// ExtendedContentEncryption is set by an Extended Content Encryption
	// Object (ASF spec §3.15, WMDRM 7+); ExtendedData is its opaque data
	// (usually a UTF-16 WRMHEADER XML document).
	ExtendedContentEncryption bool
	ExtendedData              []byte
	// AdvancedContentEncryption is set by an Advanced Content Encryption
	// Object in the Header Extension (ASF spec §4.10, PlayReady).
	AdvancedContentEncryption bool
}

// parseContentEncryption reads the Content Encryption Object: {Secret Data
// Length DWORD, Secret Data, Protection Type Length DWORD, Protection Type,
// Key ID Length DWORD, Key ID, License URL Length DWORD, License URL}; the
// strings are NUL-terminated ASCII.
func parseContentEncryption(e *EncryptionInfo, body []byte) error {
	e.ContentEncryption = true
	r := newReader(body)
	field := func() []byte {
		n := r.u32()
		if r.err == nil && uint64(n) > uint64(r.remaining()) {
			r.setErr(fmt.Errorf("%w: field of %d bytes, %d left", ErrTruncated, n, r.remaining()))
			return nil
		}
		return r.bytes(int(n))
	}
	field() // secret data
	e.ProtectionType = cString(field())
	e.KeyID = cString(field())
	e.LicenseURL = cString(field())
	return r.err
}

// parseExtendedContentEncryption reads {Data Size DWORD, Data}.
func parseExtendedContentEncryption(e *EncryptionInfo, body []byte) error {
	e.ExtendedContentEncryption = true
	r := newReader(body)
	n := r.u32()
	e.ExtendedData = r.bytesCopy(int(min(uint64(n), uint64(r.remaining()))))
	return r.err
}

func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
