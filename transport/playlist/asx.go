package playlist

import (
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// The ASX content model (Windows Media Metafile Elements Reference; the
// table of sstr-asf digest 3.1): which elements each element may hold. It
// repairs what real files leave open: a start tag its parent may not hold
// closes the open elements up to the nearest one that may (an unclosed
// <REF HREF=x> ends at the next REF or at </ENTRY>). REPEAT inside REPEAT
// or EVENT is read as nested blocks. Elements not named here are unknown:
// allowed anywhere inside ASX and ignored with their content.
var children = map[string]map[string]bool{
	"":         set("ASX"),
	"ASX":      set("ENTRY", "ENTRYREF", "REPEAT", "EVENT", "TITLE", "AUTHOR", "COPYRIGHT", "ABSTRACT", "MOREINFO", "BANNER", "BASE", "PARAM", "LOGURL", "PREVIEWDURATION", "SKIN"),
	"REPEAT":   set("ENTRY", "ENTRYREF", "REPEAT"),
	"EVENT":    set("ENTRY", "ENTRYREF", "REPEAT"),
	"ENTRY":    set("REF", "TITLE", "AUTHOR", "COPYRIGHT", "ABSTRACT", "MOREINFO", "BANNER", "BASE", "PARAM", "LOGURL", "DURATION", "STARTTIME", "STARTMARKER", "ENDMARKER", "PREVIEWDURATION"),
	"REF":      set("DURATION", "STARTTIME", "STARTMARKER", "ENDMARKER"),
	"BANNER":   set("ABSTRACT", "MOREINFO"),
	"ENTRYREF": {}, "TITLE": {}, "AUTHOR": {}, "COPYRIGHT": {}, "ABSTRACT": {}, "MOREINFO": {},
	"BASE": {}, "PARAM": {}, "LOGURL": {}, "DURATION": {}, "STARTTIME": {}, "STARTMARKER": {},
	"ENDMARKER": {}, "PREVIEWDURATION": {}, "SKIN": {},
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func known(name string) bool { _, ok := children[name]; return ok }

// textElements collect their character data.
var textElements = set("TITLE", "AUTHOR", "COPYRIGHT", "ABSTRACT")

// mayHold tells whether an open element named parent may hold child.
func mayHold(parent, child string) bool {
	if !known(child) {
		return parent != "" // unknown elements: anywhere inside ASX
	}
	if !known(parent) {
		return false // inside an unknown element only unknown ones
	}
	return children[parent][child]
}

// frame is an open element.
type frame struct {
	name string
	// The model object the element fills; nil when it was dropped (over
	// a limit, or its parent was), and then its content is dropped too.
	entry  *Entry
	ref    *Ref
	repeat *Repeat
	event  *Event
	banner *Banner
	// items is where ENTRY, ENTRYREF and REPEAT children go (ASX, REPEAT,
	// EVENT).
	items *[]Item
	text  strings.Builder
	// live is false for a dropped element.
	live bool
}

type asxParser struct {
	pl       *Playlist
	w        warner
	r        resolver
	stack    []*frame
	rootSeen bool
	// items counts the ENTRY, ENTRYREF and REPEAT elements kept.
	items, droppedItems int
	tooDeep             int
}

func parseASX(text, enc string, base *url.URL, encWarning string) (*Playlist, error) {
	p := &asxParser{pl: newPlaylist(KindASX, base)}
	if encWarning != "" {
		p.w.warn("%s", encWarning)
	}
	p.r = resolver{base: base, remote: isRemote(base), warn: p.w.warn}
	p.stack = []*frame{{name: "", live: true}}
	z := tokenizer{s: text}
	for {
		t, ok := z.next()
		if !ok {
			break
		}
		switch t.kind {
		case tokText:
			p.text(t.text)
		case tokStart:
			p.start(t)
		case tokEnd:
			p.end(t.name)
		}
	}
	for len(p.stack) > 1 {
		p.pop()
	}
	if !p.rootSeen {
		return nil, ErrNotPlaylist
	}
	if p.droppedItems > 0 {
		p.w.warn("%d entries beyond the limit of %d dropped", p.droppedItems, MaxEntries)
	}
	if p.tooDeep > 0 {
		p.w.warn("%d elements nested deeper than %d ignored", p.tooDeep, maxDepth)
	}
	p.pl.Warnings = p.w.done()
	if len(p.pl.Items) == 0 {
		return nil, emptyError(p.pl.Warnings)
	}
	return p.pl, nil
}

func (p *asxParser) top() *frame { return p.stack[len(p.stack)-1] }

func (p *asxParser) text(s string) {
	// Text inside an unknown element within TITLE (<TITLE>a <b>b</b>)
	// still belongs to the TITLE.
	for i := len(p.stack) - 1; i > 0; i-- {
		f := p.stack[i]
		if textElements[f.name] {
			if f.live && f.text.Len() < maxText {
				f.text.WriteString(s[:min(len(s), maxText-f.text.Len())])
			}
			return
		}
		if known(f.name) {
			return
		}
	}
}

func (p *asxParser) start(t token) {
	if t.name == "ASX" && p.rootSeen {
		return // only the first ASX counts
	}
	// The nearest open element that may hold this one; none: ignored.
	at := -1
	for i := len(p.stack) - 1; i >= 0; i-- {
		if mayHold(p.stack[i].name, t.name) {
			at = i
			break
		}
		if i == 0 {
			break
		}
	}
	if at < 0 {
		return
	}
	if at+1 >= maxDepth {
		p.tooDeep++
		return
	}
	for len(p.stack) > at+1 {
		p.pop()
	}
	parent := p.top()
	f := &frame{name: t.name, live: parent.live && known(t.name)}
	p.stack = append(p.stack, f)
	if f.live {
		p.open(parent, f, t.attrs)
	}
	if t.selfClose {
		p.pop()
	}
}

func (p *asxParser) end(name string) {
	for i := len(p.stack) - 1; i > 0; i-- {
		if p.stack[i].name == name {
			for len(p.stack) > i {
				p.pop()
			}
			return
		}
	}
	// A close tag of nothing open: ignored.
}

func get(attrs []attr, name string) (string, bool) {
	for _, a := range attrs {
		if a.name == name {
			return a.value, true
		}
	}
	return "", false
}

func yes(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "YES") }

// countItem admits one more ENTRY, ENTRYREF or REPEAT under MaxEntries.
func (p *asxParser) countItem() bool {
	if p.items >= MaxEntries {
		p.droppedItems++
		return false
	}
	p.items++
	return true
}

// open fills the model from a start tag's attributes.
func (p *asxParser) open(parent, f *frame, attrs []attr) {
	href, _ := get(attrs, "HREF")
	switch f.name {
	case "ASX":
		p.rootSeen = true
		f.items = &p.pl.Items
		p.pl.Version, _ = get(attrs, "VERSION")
		if v := strings.TrimSpace(p.pl.Version); v != "3" && v != "3.0" {
			p.w.warn("ASX VERSION %s read as 3.0", quoteShort(p.pl.Version))
		}
		v, _ := get(attrs, "PREVIEWMODE")
		p.pl.PreviewMode = yes(v)
	case "ENTRY":
		if parent.items == nil || !p.countItem() {
			f.live = false
			return
		}
		f.entry = &Entry{ClientSkip: true}
		if v, ok := get(attrs, "CLIENTSKIP"); ok {
			switch {
			case yes(v):
			case strings.EqualFold(strings.TrimSpace(v), "NO"):
				f.entry.ClientSkip = false
			default:
				p.w.warn("CLIENTSKIP %s read as YES", quoteShort(v))
			}
		}
		v, _ := get(attrs, "SKIPIFREF")
		f.entry.SkipIfRef = yes(v)
	case "ENTRYREF":
		if parent.items == nil || !p.countItem() {
			return
		}
		if u := p.r.resolve("ENTRYREF", href, mediaSchemes); u != "" {
			*parent.items = append(*parent.items, &EntryRef{Href: u})
		}
	case "REPEAT":
		if parent.items == nil || !p.countItem() {
			f.live = false
			return
		}
		f.repeat = &Repeat{Count: -1}
		f.items = &f.repeat.Items
		if v, ok := get(attrs, "COUNT"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
			switch {
			case err == nil:
				f.repeat.Count = int(min(n, math.MaxInt32))
			case errors.Is(err, strconv.ErrRange):
				f.repeat.Count = math.MaxInt32
			default:
				p.w.warn("REPEAT COUNT %s read as 1", quoteShort(v))
				f.repeat.Count = 1
			}
		}
	case "EVENT":
		name, _ := get(attrs, "NAME")
		if strings.TrimSpace(name) == "" || len(p.pl.Events) >= maxEvents {
			p.w.warn("EVENT without NAME, or beyond %d events, ignored", maxEvents)
			f.live = false
			return
		}
		f.event = &Event{Name: strings.TrimSpace(name)}
		f.items = &f.event.Items
		wd, _ := get(attrs, "WHENDONE")
		switch strings.ToUpper(strings.TrimSpace(wd)) {
		case "RESUME":
		case "NEXT":
			f.event.WhenDone = Next
		case "BREAK":
			f.event.WhenDone = Break
		default:
			p.w.warn("EVENT %s: WHENDONE %s read as RESUME", quoteShort(f.event.Name), quoteShort(wd))
		}
	case "REF":
		if parent.entry == nil {
			f.live = false
			return
		}
		if len(parent.entry.Refs) >= maxRefs {
			p.w.warn("more than %d REFs in an ENTRY: the rest ignored", maxRefs)
			f.live = false
			return
		}
		u := p.r.resolve("REF", href, mediaSchemes)
		if u == "" {
			f.live = false
			return
		}
		f.ref = &Ref{URL: u}
	case "BANNER":
		u := p.r.resolve("BANNER", href, p.imageSchemes())
		if u == "" {
			f.live = false
			return
		}
		f.banner = &Banner{Href: u}
	case "MOREINFO":
		u := p.r.resolve("MOREINFO", href, webSchemes)
		switch {
		case u == "":
		case parent.banner != nil:
			parent.banner.MoreInfo = u
		case parent.entry != nil:
			parent.entry.MoreInfo = u
		case parent.name == "ASX":
			p.pl.MoreInfo = u
		}
	case "BASE":
		u := p.r.resolve("BASE", href, mediaSchemes)
		if u == "" {
			return
		}
		if !strings.HasSuffix(u, "/") {
			u += "/" // the reference: a '/' is appended if missing
		}
		if parent.entry != nil {
			parent.entry.Base = u
		} else {
			p.pl.Base = u
		}
	case "PARAM":
		name, _ := get(attrs, "NAME")
		value, _ := get(attrs, "VALUE")
		params := &p.pl.Params
		if parent.entry != nil {
			params = &parent.entry.Params
		}
		if len(*params) >= maxParams {
			p.w.warn("more than %d PARAMs: the rest ignored", maxParams)
			return
		}
		*params = append(*params, Param{Name: name, Value: value})
	case "LOGURL":
		u := p.r.resolve("LOGURL", href, webSchemes)
		logs := &p.pl.LogURLs
		if parent.entry != nil {
			logs = &parent.entry.LogURLs
		}
		if u == "" {
			return
		}
		if len(*logs) >= maxLogURLs {
			p.w.warn("more than %d LOGURLs: the rest ignored", maxLogURLs)
			return
		}
		*logs = append(*logs, u)
	case "DURATION", "STARTTIME":
		v, _ := get(attrs, "VALUE")
		d, err := ParseClock(v)
		if err != nil {
			p.w.warn("%s ignored: %v", f.name, err)
			return
		}
		start := f.name == "STARTTIME"
		switch {
		case parent.ref != nil && start:
			parent.ref.Start, parent.ref.HasStart = d, true
		case parent.ref != nil:
			parent.ref.Duration, parent.ref.HasDuration = d, true
		case parent.entry != nil && start:
			parent.entry.Start, parent.entry.HasStart = d, true
		case parent.entry != nil:
			parent.entry.Duration, parent.entry.HasDuration = d, true
		}
	case "STARTMARKER", "ENDMARKER":
		m := &Marker{}
		if v, ok := get(attrs, "NUMBER"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 31)
			if err != nil {
				p.w.warn("%s NUMBER %s ignored", f.name, quoteShort(v))
				return
			}
			m.Number = int(n)
		} else if v, ok := get(attrs, "NAME"); ok {
			m.Name = v
		} else {
			p.w.warn("%s without NUMBER or NAME ignored", f.name)
			return
		}
		start := f.name == "STARTMARKER"
		switch {
		case parent.ref != nil && start:
			parent.ref.StartMarker = m
		case parent.ref != nil:
			parent.ref.EndMarker = m
		case parent.entry != nil && start:
			parent.entry.StartMarker = m
		case parent.entry != nil:
			parent.entry.EndMarker = m
		}
	}
}

// imageSchemes are the schemes of a BANNER image: the web's, and local
// files for a local metafile.
func (p *asxParser) imageSchemes() map[string]bool {
	if p.r.remote {
		return webSchemes
	}
	return map[string]bool{"http": true, "https": true, "file": true}
}

// pop closes the top element and hands what it built to its parent.
func (p *asxParser) pop() {
	f := p.top()
	p.stack = p.stack[:len(p.stack)-1]
	if !f.live {
		return
	}
	parent := p.top()
	switch f.name {
	case "TITLE", "AUTHOR", "COPYRIGHT", "ABSTRACT":
		v := strings.TrimSpace(f.text.String())
		var dst *string
		switch {
		case parent.banner != nil && f.name == "ABSTRACT":
			dst = &parent.banner.Abstract
		case parent.entry != nil:
			dst = entryField(parent.entry, f.name)
		case parent.name == "ASX":
			dst = playlistField(p.pl, f.name)
		}
		if dst != nil && *dst == "" {
			*dst = v
		}
	case "ENTRY":
		if len(f.entry.Refs) == 0 {
			p.w.warn("an ENTRY with no usable REF skipped")
			return
		}
		*parent.items = append(*parent.items, f.entry)
	case "REF":
		parent.entry.Refs = append(parent.entry.Refs, *f.ref)
	case "REPEAT":
		if len(f.repeat.Items) > 0 {
			*parent.items = append(*parent.items, f.repeat)
		}
	case "EVENT":
		p.pl.Events = append(p.pl.Events, *f.event)
	case "BANNER":
		switch {
		case parent.entry != nil:
			parent.entry.Banner = f.banner
		case parent.name == "ASX":
			p.pl.Banner = f.banner
		}
	}
}

func entryField(e *Entry, name string) *string {
	switch name {
	case "TITLE":
		return &e.Title
	case "AUTHOR":
		return &e.Author
	case "COPYRIGHT":
		return &e.Copyright
	}
	return &e.Abstract
}

func playlistField(pl *Playlist, name string) *string {
	switch name {
	case "TITLE":
		return &pl.Title
	case "AUTHOR":
		return &pl.Author
	case "COPYRIGHT":
		return &pl.Copyright
	}
	return &pl.Abstract
}
