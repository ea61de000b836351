package rtsp

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultSessionTimeout is RFC 2326 §12.37's session timeout when the
// Session header has none (MS-RTSP 3.1.5.2).
const DefaultSessionTimeout = 60 * time.Second

// maxSessionID bounds a session ID. Windows Media servers send decimal
// IDs of up to 20 digits (MS-RTSP 3.2.5.1); the ID is kept as an opaque
// string (it may exceed int64), and anything much longer is hostile.
const maxSessionID = 256

// ParseSession parses "Session: <id>[;timeout=<seconds>]" and returns the
// ID and the keep-alive timeout (MS-RTSP 3.1.5.2, 3.1.2: at least 10 s,
// at most 4294967295 ms).
func ParseSession(v string) (id string, timeout time.Duration, err error) {
	id, params, _ := strings.Cut(strings.TrimSpace(v), ";")
	id = strings.TrimSpace(id)
	if id == "" || len(id) > maxSessionID || strings.ContainsAny(id, " \t\r\n,") {
		return "", 0, fmt.Errorf("%w: Session %q", ErrProtocol, v)
	}
	timeout = DefaultSessionTimeout
	for _, p := range strings.Split(params, ";") {
		name, val, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(name, "timeout") {
			continue
		}
		s, perr := strconv.ParseUint(strings.TrimSpace(val), 10, 32)
		if perr != nil {
			continue // a bad timeout keeps the default
		}
		timeout = min(max(time.Duration(s)*time.Second, 10*time.Second), 4294967295*time.Millisecond)
	}
	return id, timeout, nil
}

// EndOfStream is the body of the server's EndOfStream request (MS-RTSP
// 2.2.7.3).
type EndOfStream struct {
	Session string
	// EndOfEntry: the playlist entry ended and the next follows
	// (End-Of-Playlist-Entry: true); the state stays PLAYING.
	EndOfEntry bool
	// Administrative: an administrator ended the stream.
	Administrative bool
	// Receding: the start was reached while rewinding.
	Receding bool
}

// ParseEndOfStream parses the "Session:/EOF:/..." body; values compare
// case-insensitively (MS-RTSP 4.4.5 writes "EOF: True"). Unknown lines
// are ignored.
func ParseEndOfStream(body []byte) (EndOfStream, error) {
	var e EndOfStream
	eof := false
	for _, line := range strings.Split(string(body), "\n") {
		name, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		yes := strings.EqualFold(val, "true")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "session":
			e.Session = val
		case "eof":
			eof = yes
		case "end-of-playlist-entry":
			e.EndOfEntry = yes
		case "administrativedisconnection":
			e.Administrative = yes
		case "recedingeos":
			e.Receding = yes
		}
	}
	if !eof {
		return e, fmt.Errorf("%w: EndOfStream without \"EOF: true\"", ErrProtocol)
	}
	return e, nil
}
