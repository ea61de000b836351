package playlist

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/eddyplayer/eddy/asf"
)

// Limits on what one metafile may hold. Input beyond them is dropped with
// a warning (or, for MaxSize, refused), so memory stays bounded by the
// input's size whatever it says.
const (
	// MaxSize bounds a metafile (VLC's cap too, sstr-asf digest 3.1).
	MaxSize = 1 << 20
	// MaxEntries bounds the ENTRY, ENTRYREF and REPEAT elements of one
	// metafile, and (LoadOptions.MaxEntries' default) the entries of a
	// resolved show.
	MaxEntries = 4096
	// maxRefs bounds the REFs of one entry (and the RefN of a
	// [Reference] file).
	maxRefs = 64
	// maxParams bounds the PARAMs of one element, maxLogURLs its
	// LOGURLs (Effective copies the show's into every entry).
	maxParams  = 64
	maxLogURLs = 16
	// maxEvents bounds the EVENTs of a show.
	maxEvents = 256
	// maxDepth bounds element nesting; deeper elements are ignored.
	maxDepth = 64
	// maxText bounds the text kept of one TITLE, AUTHOR … element.
	maxText = 16 << 10
	// maxWarnings bounds Playlist.Warnings.
	maxWarnings = 100
)

// Sniff tells whether a resource is a metafile: by its content when head
// (its first bytes, up to 64 KiB is plenty) is not empty, otherwise by
// the extension of name (.asx, .wax, .wvx, .wmx; a URL's path or a file
// name) or the ASX-only MIME types (audio/x-ms-wax, video/x-ms-wvx,
// video/x-ms-wmx). Content wins: a file named .asx that holds ASF media
// (it starts with the ASF Header Object GUID) is KindNone, and so is one
// that holds neither an <ASX element nor a [Reference] first line. The
// content test looks for "<asx" (any case) after a BOM, white space, an
// <?xml?> prolog or leading junk, in UTF-8, UTF-16 or Windows-1252, and
// for a first line "[Reference]" (sstr-asf digest 3.1, 3.2). video/x-ms-asf
// says nothing: servers send it for media and metafiles alike.
func Sniff(name, contentType string, head []byte) Kind {
	if len(head) > 0 {
		if bytes.HasPrefix(head, asf.GUIDHeader[:]) {
			return KindNone
		}
		text, _, _ := decodeText(head[:min(len(head), MaxSize)])
		return contentKind(text)
	}
	if u, err := url.Parse(name); err == nil && u.Path != "" {
		name = u.Path
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".asx", ".wax", ".wvx", ".wmx":
		return KindASX
	}
	ct := strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	switch ct {
	case "audio/x-ms-wax", "video/x-ms-wvx", "video/x-ms-wmx", "video/x-ms-asx":
		return KindASX
	}
	return KindNone
}

// contentKind recognises decoded metafile text.
func contentKind(text string) Kind {
	first, _, _ := strings.Cut(strings.TrimLeft(text, " \t\r\n\uFEFF"), "\n")
	if strings.EqualFold(strings.TrimSpace(first), "[Reference]") {
		return KindReference
	}
	if asxStart(text) >= 0 {
		return KindASX
	}
	return KindNone
}

// asxStart returns the offset of the first "<asx" start tag (any case)
// in text, -1 when there is none.
func asxStart(text string) int {
	for off := 0; ; {
		i := strings.IndexByte(text[off:], '<')
		if i < 0 {
			return -1
		}
		off += i
		s := text[off:]
		if len(s) >= 4 && strings.EqualFold(s[1:4], "asx") && (len(s) == 4 || !isNameChar(s[4])) {
			return off
		}
		off++
	}
}

// Parse reads a metafile: an ASX playlist or a [Reference] redirector,
// told apart by content (see Sniff). base is the metafile's own URL: the
// base of relative HREFs, and the origin deciding the security rules (a
// base whose scheme is not file is the network: local files are then
// dropped). A nil base leaves relative HREFs as they are and counts as
// local. Data over MaxSize is refused with ErrTooLarge; bytes that are no
// metafile give ErrNotPlaylist; a metafile with nothing playable gives
// ErrEmpty, saying why. What was repaired or dropped is in Warnings.
func Parse(data []byte, base *url.URL) (*Playlist, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, len(data))
	}
	text, enc, w := decodeText(data)
	switch contentKind(text) {
	case KindReference:
		return parseReference(text, base, w)
	case KindASX:
		return parseASX(text, enc, base, w)
	}
	return nil, ErrNotPlaylist
}

// ParseASX is Parse for bytes known to be an ASX playlist.
func ParseASX(data []byte, base *url.URL) (*Playlist, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, len(data))
	}
	text, enc, w := decodeText(data)
	return parseASX(text, enc, base, w)
}

// ParseReference is Parse for bytes known to be a [Reference] redirector
// (sstr-asf digest 3.2): one entry whose Refs are the values of the keys
// starting with "Ref" (any case) after the first line, in file order,
// empty ones skipped, http:// rewritten to mmsh:// (a Windows Media
// server's redirector names MMS over HTTP, as Windows Media Player reads
// it), relative ones resolved against base.
func ParseReference(data []byte, base *url.URL) (*Playlist, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, len(data))
	}
	text, _, w := decodeText(data)
	return parseReference(text, base, w)
}

// warner collects warnings, at most maxWarnings.
type warner struct {
	list    []string
	dropped int
}

func (w *warner) warn(format string, args ...any) {
	if len(w.list) >= maxWarnings {
		w.dropped++
		return
	}
	w.list = append(w.list, fmt.Sprintf(format, args...))
}

func (w *warner) done() []string {
	if w.dropped > 0 {
		w.list = append(w.list, fmt.Sprintf("%d more warnings", w.dropped))
	}
	return w.list
}

func newPlaylist(kind Kind, base *url.URL) *Playlist {
	pl := &Playlist{Kind: kind}
	if base != nil {
		pl.URL = base.String()
	}
	return pl
}

func parseReference(text string, base *url.URL, encWarning string) (*Playlist, error) {
	var w warner
	if encWarning != "" {
		w.warn("%s", encWarning)
	}
	pl := newPlaylist(KindReference, base)
	r := resolver{base: base, remote: isRemote(base), warn: w.warn}
	e := &Entry{ClientSkip: true}
	lines := strings.Split(strings.TrimLeft(text, " \t\r\n\uFEFF"), "\n")
	for _, line := range lines[1:] {
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || len(k) < 3 || !strings.EqualFold(k[:3], "ref") {
			continue
		}
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if len(e.Refs) >= maxRefs {
			w.warn("more than %d Ref lines: the rest ignored", maxRefs)
			break
		}
		u := r.resolve(k, v, mediaSchemes)
		if u == "" {
			continue
		}
		// http in a redirector means MMS over HTTP (sstr-asf digest 3.2).
		if rest, ok := strings.CutPrefix(u, "http://"); ok {
			u = "mmsh://" + rest
		}
		e.Refs = append(e.Refs, Ref{URL: u})
	}
	pl.Warnings = w.done()
	if len(e.Refs) == 0 {
		return nil, emptyError(pl.Warnings)
	}
	pl.Items = []Item{e}
	return pl, nil
}

// emptyError is ErrEmpty with the first warning, which usually says why.
func emptyError(warnings []string) error {
	if len(warnings) > 0 {
		return fmt.Errorf("%w (%s)", ErrEmpty, warnings[0])
	}
	return ErrEmpty
}
