package wmsdp

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"github.com/eddyplayer/eddy/asf"
)

// Media types of the a=pgmpu data URLs (MS-RTSP 2.2.5.2.3.1, 2.2.5.2.3.2).
const (
	mediaTypeHeader      = "application/vnd.ms.wms-hdr.asfv1"
	mediaTypeContentDesc = "application/x-wms-contentdesc"
)

// dataURL is an RFC 2397 data URL: data:[<mediatype>][;base64],<data>.
type dataURL struct {
	mediaType string // lower case, without parameters
	base64    bool
	data      string // still encoded
}

// parseDataURL splits an RFC 2397 data URL (RFC 2397 3). The media type and
// "data:" are case-insensitive.
func parseDataURL(s string) (dataURL, error) {
	const scheme = "data:"
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return dataURL{}, fmt.Errorf("%q is not a data URL (RFC 2397)", clip([]byte(s)))
	}
	rest := s[len(scheme):]
	comma := strings.IndexByte(rest, ',')
	if comma < 0 {
		return dataURL{}, fmt.Errorf("data URL %q has no comma (RFC 2397 3)", clip([]byte(s)))
	}
	params := strings.Split(rest[:comma], ";")
	d := dataURL{mediaType: strings.ToLower(strings.TrimSpace(params[0])), data: rest[comma+1:]}
	if len(params) > 1 && strings.EqualFold(strings.TrimSpace(params[len(params)-1]), "base64") {
		d.base64 = true
	}
	return d, nil
}

// decodeBase64 decodes standard base64 with or without its "=" padding and
// with any ASCII whitespace inside (a server may fold the long line), and
// refuses before decoding anything that would exceed max bytes.
func decodeBase64(s string, max int) ([]byte, error) {
	s = strings.TrimRight(s, "= \t\r\n")
	// Measure before copying anything.
	n := len(s)
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) {
			n--
		}
	}
	if d := base64.RawStdEncoding.DecodedLen(n); d > max {
		return nil, fmt.Errorf("%w: base64 of %d bytes, limit %d", ErrTooLarge, d, max)
	}
	clean := make([]byte, 0, n)
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			clean = append(clean, s[i])
		}
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, err := base64.RawStdEncoding.Decode(out, clean)
	if err != nil {
		return nil, fmt.Errorf("bad base64: %w", err)
	}
	return out[:n], nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// headerGUIDHex is the ASF Header Object GUID as hex text, the start of a
// header written in hex.
var headerGUIDHex = hex.EncodeToString(asf.GUIDHeader[:])

// decodeConfig decodes config= of an ASF a=fmtp line. GStreamer's rtpasfpay
// writes base64 there; hex is accepted too, but only when it spells the ASF
// Header Object GUID first, so neither reading can be taken for the other
// (hex digits are base64 characters as well).
func decodeConfig(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) >= len(headerGUIDHex) && strings.EqualFold(s[:len(headerGUIDHex)], headerGUIDHex) {
		if len(s)/2 > MaxHeaderSize {
			return nil, fmt.Errorf("%w: hex of %d bytes, limit %d", ErrTooLarge, len(s)/2, MaxHeaderSize)
		}
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return decodeBase64(s, MaxHeaderSize)
}

// decodeContentDesc percent-decodes the content description list of an
// application/x-wms-contentdesc data URL (MS-RTSP 2.2.5.2.3.2: UTF-8,
// percent-encoded, never base64).
func decodeContentDesc(d dataURL) ([]byte, error) {
	if d.base64 {
		return nil, fmt.Errorf("content description list is base64; MS-RTSP 2.2.5.2.3.2 forbids it")
	}
	s, err := url.PathUnescape(d.data)
	if err != nil {
		return nil, fmt.Errorf("content description list: %w", err)
	}
	return []byte(s), nil
}
