package manifest

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf16"
)

// ContentType is the media type some servers give a manifest. Servers
// also send text/xml, application/xml or application/octet-stream (a
// static file server), so Sniff looks at the content too.
const ContentType = "application/vnd.ms-sstr+xml"

// Sniff reports whether an HTTP response with the given Content-Type and
// first bytes is a Smooth Streaming manifest: the type is ContentType, or
// the content's root element is <SmoothStreamingMedia ([MS-SSTR] 2.2.2)
// after an optional byte-order mark (UTF-8 or UTF-16), white space, the
// XML declaration, comments and processing instructions. head needs to
// hold no more than the start of the root element.
func Sniff(contentType string, head []byte) bool {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && strings.EqualFold(mt, ContentType) {
		return true
	}
	const max = 4096
	if len(head) > max {
		head = head[:max]
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		head = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		be := head[0] == 0xFE
		head = head[2:]
		u := make([]uint16, len(head)/2)
		for i := range u {
			if be {
				u[i] = uint16(head[2*i])<<8 | uint16(head[2*i+1])
			} else {
				u[i] = uint16(head[2*i]) | uint16(head[2*i+1])<<8
			}
		}
		head = []byte(string(utf16.Decode(u)))
	}
	for {
		head = bytes.TrimLeft(head, " \t\r\n")
		switch {
		case bytes.HasPrefix(head, []byte("<?")):
			end := bytes.Index(head, []byte("?>"))
			if end < 0 {
				return false
			}
			head = head[end+2:]
		case bytes.HasPrefix(head, []byte("<!--")):
			end := bytes.Index(head[4:], []byte("-->"))
			if end < 0 {
				return false
			}
			head = head[4+end+3:]
		default:
			const root = "<SmoothStreamingMedia"
			if !bytes.HasPrefix(head, []byte(root)) || len(head) == len(root) {
				return false
			}
			switch head[len(root)] {
			case ' ', '\t', '\r', '\n', '>', '/':
				return true
			}
			return false
		}
	}
}
