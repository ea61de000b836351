package mmshtest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/transport/mmsh"
)

// Header is one request header line as received.
type Header struct {
	Name, Value string
}

// Request is a request the server received, recorded for tests.
type Request struct {
	// Kind is the MS-WMSP request type the server classified it as
	// ([MS-WMSP] 2.2.2, D1.2): Describe, Play, Pipeline, PlayNextEntry,
	// SelectStream, KeepAlive, Log, SendEvent, Stop, or Other.
	Kind   string
	Method string
	Target string
	Proto  string
	// Headers are the header lines in order, as sent.
	Headers []Header
	Body    []byte
	// Pragma are the tokens of all Pragma lines.
	Pragma mmsh.Pragma
	// Conn numbers the TCP connection the request came on (1, 2, ...).
	Conn int
	Time time.Time
}

// Values returns every value of a header, in order.
func (r *Request) Values(name string) []string {
	var out []string
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			out = append(out, h.Value)
		}
	}
	return out
}

// Get returns the first value of a header.
func (r *Request) Get(name string) string {
	if v := r.Values(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// PragmaLines returns the raw Pragma header values in order.
func (r *Request) PragmaLines() []string { return r.Values("Pragma") }

// Token returns a Pragma token's value.
func (r *Request) Token(name string) (string, bool) { return r.Pragma.Get(name) }

// Limits of the request parser.
const (
	maxRequestLine = 8 << 10
	maxHeaders     = 200
	maxBody        = 1 << 20
)

var errBadRequest = errors.New("mmshtest: bad request")

// readRequest reads one request, keeping the header lines as sent.
func readRequest(br *bufio.Reader) (*Request, error) {
	line, err := readLine(br)
	if err != nil {
		return nil, err
	}
	parts := strings.SplitN(line, " ", 3)
	if len(parts) != 3 || !strings.HasPrefix(parts[2], "HTTP/1.") {
		return nil, fmt.Errorf("%w: request line %q", errBadRequest, line)
	}
	r := &Request{Method: parts[0], Target: parts[1], Proto: parts[2], Time: time.Now()}
	for {
		l, err := readLine(br)
		if err != nil {
			return nil, err
		}
		if l == "" {
			break
		}
		if len(r.Headers) >= maxHeaders {
			return nil, fmt.Errorf("%w: too many headers", errBadRequest)
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("%w: header line %q", errBadRequest, l)
		}
		r.Headers = append(r.Headers, Header{Name: name, Value: strings.TrimSpace(value)})
	}
	if cl := r.Get("Content-Length"); cl != "" {
		n, err := strconv.Atoi(cl)
		if err != nil || n < 0 || n > maxBody {
			return nil, fmt.Errorf("%w: Content-Length %q", errBadRequest, cl)
		}
		r.Body = make([]byte, n)
		if _, err := io.ReadFull(br, r.Body); err != nil {
			return nil, err
		}
	}
	r.Pragma = mmsh.ParsePragma(r.PragmaLines()...)
	r.Kind = classify(r)
	return r, nil
}

func readLine(br *bufio.Reader) (string, error) {
	var b []byte
	for {
		frag, err := br.ReadSlice('\n')
		b = append(b, frag...)
		if len(b) > maxRequestLine {
			return "", fmt.Errorf("%w: line too long", errBadRequest)
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// classify applies the request-type rules of [MS-WMSP] 2.2.2.x.
func classify(r *Request) string {
	p := r.Pragma
	has := p.Has
	flag := p.Flag
	ct := strings.ToLower(r.Get("Content-Type"))
	switch r.Method {
	case "OPTIONS":
		return "KeepAlive"
	case "GET":
		switch {
		case flag("pipeline-request"):
			return "Pipeline"
		case flag("xPlayNextEntry"):
			return "PlayNextEntry"
		case flag("xPlayStrm"):
			return "Play"
		case has("stream-switch-entry"):
			return "SelectStream"
		}
		return "Describe"
	case "POST":
		switch {
		case flag("xStopStrm"):
			return "Stop"
		case flag("xKeepAliveInPause"):
			return "KeepAlive"
		case has("log-line") || strings.HasPrefix(ct, "application/x-wms-logstats"):
			return "Log"
		case strings.HasPrefix(ct, "application/x-wms-sendevent"):
			return "SendEvent"
		case strings.HasPrefix(ct, "application/x-wms-getcontentinfo"):
			return "GetContentInfo"
		case has("stream-switch-entry"):
			return "SelectStream"
		}
	}
	return "Other"
}

// selection parses stream-switch-entry (2.2.1.4.27): stream numbers are
// hexadecimal; thinning 0 on, 1 key frames, 2 off. from:to:0 switches
// from one stream to another.
func selection(r *Request) (on map[int]int, off map[int]bool, err error) {
	v, ok := r.Pragma.Get("stream-switch-entry")
	if !ok {
		return nil, nil, nil
	}
	on, off = map[int]int{}, map[int]bool{}
	entries := strings.Fields(v)
	if n, ok, _ := r.Pragma.Uint32("stream-switch-count"); !ok || int(n) != len(entries) {
		return nil, nil, fmt.Errorf("stream-switch-count does not match %d entries", len(entries))
	}
	for _, e := range entries {
		f := strings.Split(e, ":")
		if len(f) != 3 || len(f[0]) == 0 || len(f[0]) > 4 || len(f[1]) == 0 || len(f[1]) > 4 {
			return nil, nil, fmt.Errorf("bad entry %q", e)
		}
		to, err1 := strconv.ParseUint(f[1], 16, 16)
		th, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil || th < 0 || th > 2 {
			return nil, nil, fmt.Errorf("bad entry %q", e)
		}
		if !strings.EqualFold(f[0], "ffff") {
			from, err := strconv.ParseUint(f[0], 16, 16)
			if err != nil {
				return nil, nil, fmt.Errorf("bad entry %q", e)
			}
			off[int(from)] = true
		}
		if th == 2 {
			off[int(to)] = true
			delete(on, int(to))
		} else {
			on[int(to)] = th
			delete(off, int(to))
		}
	}
	return on, off, nil
}
