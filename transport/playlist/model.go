package playlist

import (
	"strings"
	"time"
)

// Kind is the kind of a metafile.
type Kind int

const (
	// KindNone: not a metafile (media, or something else).
	KindNone Kind = iota
	// KindASX: an ASX v3 playlist.
	KindASX
	// KindReference: an INI-style [Reference] redirector.
	KindReference
)

func (k Kind) String() string {
	switch k {
	case KindASX:
		return "ASX"
	case KindReference:
		return "[Reference]"
	}
	return "none"
}

// Playlist is a parsed metafile. Its ASX-level metadata (Title … Base,
// Params, LogURLs) applies to every entry that does not set its own:
// Effective, Flatten and Cursor resolve that inheritance for the caller;
// the Entry values inside Items are as the file wrote them.
type Playlist struct {
	// Kind says which syntax the metafile used.
	Kind Kind
	// URL is the metafile's own URL (the base of its relative HREFs), ""
	// when Parse was given no base. It may hold credentials: print it
	// with Redact.
	URL string
	// Version is the ASX VERSION attribute ("3.0").
	Version string
	// Title, Author, Copyright and Abstract are the show's metadata
	// (ASX TITLE, AUTHOR, COPYRIGHT, ABSTRACT).
	Title, Author, Copyright, Abstract string
	// MoreInfo is the show's MOREINFO HREF (http or https only).
	MoreInfo string
	// Banner is the show's BANNER, nil when absent.
	Banner *Banner
	// Base is the ASX BASE HREF with a '/' appended: the prefix of URL
	// flips sent by script commands. It is not the base of REF HREFs.
	Base string
	// LogURLs are the LOGURL HREFs (http or https): play logs (MS-WMLOG)
	// go there as well as to the server.
	LogURLs []string
	// Params are the ASX-level PARAM name/value pairs, in file order.
	Params []Param
	// PreviewMode is the ASX PREVIEWMODE attribute (YES).
	PreviewMode bool
	// Items are the show, in order: *Entry, *EntryRef and *Repeat.
	Items []Item
	// Events are the EVENT blocks, played when the stream raises an
	// "event" script command of that name (Cursor.Event).
	Events []Event
	// Warnings say what was repaired, dropped or ignored (URLs
	// redacted), at most maxWarnings of them.
	Warnings []string
}

// Banner is an ASX BANNER: an image shown with the show or entry.
type Banner struct {
	// Href is the image URL (http or https; file too for a local
	// metafile).
	Href string
	// Abstract is the banner's tooltip text; MoreInfo the URL its click
	// opens (http or https).
	Abstract, MoreInfo string
}

// Param is an ASX PARAM: a name/value pair for the application.
type Param struct{ Name, Value string }

// Marker is a STARTMARKER or ENDMARKER: an ASF Marker Object entry, by
// name or by number (1-based, as the ASX reference counts them).
type Marker struct {
	// Name is the marker's name when NAME was given.
	Name string
	// Number is the marker's number when NUMBER was given (Name "").
	Number int
}

// Item is one element of a show: *Entry, *EntryRef or *Repeat.
type Item interface{ isItem() }

// Entry is an ASX ENTRY: one clip, with its REFs as a failover list.
type Entry struct {
	// Title, Author, Copyright and Abstract override the show's.
	Title, Author, Copyright, Abstract string
	// MoreInfo is the entry's MOREINFO HREF (http or https).
	MoreInfo string
	// Banner is the entry's BANNER, nil when absent.
	Banner *Banner
	// Base is the entry's BASE HREF (with a trailing '/').
	Base string
	// Refs are the media URLs in order: open the first that opens; once
	// one has opened, the others are not tried even if it fails later.
	Refs []Ref
	// Start is the STARTTIME (valid when HasStart); Duration the
	// DURATION (valid when HasDuration): play Duration of media from
	// Start. A REF's own values override these.
	Start, Duration       time.Duration
	HasStart, HasDuration bool
	// StartMarker and EndMarker are the STARTMARKER and ENDMARKER, nil
	// when absent.
	StartMarker, EndMarker *Marker
	// ClientSkip is CLIENTSKIP (default true): when false the user may
	// not skip forward past this entry.
	ClientSkip bool
	// SkipIfRef is SKIPIFREF: the entry is dropped when its file is
	// reached through an ENTRYREF.
	SkipIfRef bool
	// Params are the entry's PARAMs; LogURLs its LOGURLs.
	Params  []Param
	LogURLs []string
}

// Ref is one media URL of an entry.
type Ref struct {
	// URL is absolute, resolved against the metafile's URL (for a
	// [Reference] file, http:// rewritten to mmsh://). It may hold
	// credentials: print it with Redact.
	URL string
	// Start and Duration override the entry's when HasStart/HasDuration.
	Start, Duration       time.Duration
	HasStart, HasDuration bool
	// StartMarker and EndMarker override the entry's when not nil.
	StartMarker, EndMarker *Marker
}

// EntryRef is an ASX ENTRYREF: the entries of another metafile, spliced in
// by Resolve.
type EntryRef struct {
	// Href is the metafile's absolute URL.
	Href string
}

// Repeat is an ASX REPEAT block.
type Repeat struct {
	// Count is the COUNT attribute as written; -1 when absent (forever).
	Count int
	// Items are the block's entries (and nested blocks).
	Items []Item
}

// Plays is how many times the block plays: -1 for forever (COUNT
// absent), 1 for COUNT="0" or "1", else Count.
func (r *Repeat) Plays() int {
	if r.Count < 0 {
		return -1
	}
	return max(r.Count, 1)
}

// WhenDone says what follows an EVENT's entries.
type WhenDone int

const (
	// Resume the interrupted entry where it was interrupted (stored
	// content) or at the live point (a broadcast).
	Resume WhenDone = iota
	// Next: go to the entry after the interrupted one.
	Next
	// Break: leave the REPEAT block holding the interrupted entry, or
	// end the show when there is none.
	Break
)

func (w WhenDone) String() string {
	switch w {
	case Next:
		return "NEXT"
	case Break:
		return "BREAK"
	}
	return "RESUME"
}

// Event is an ASX EVENT.
type Event struct {
	// Name is matched case-insensitively against the value of an
	// "event" script command.
	Name     string
	WhenDone WhenDone
	// Items are the entries played when the event is raised.
	Items []Item
}

func (*Entry) isItem()    {}
func (*EntryRef) isItem() {}
func (*Repeat) isItem()   {}

// Effective returns a copy of e with the show's metadata filled in where e
// sets none (ENTRY values override ASX values): Title, Author, Copyright,
// Abstract, MoreInfo, Banner, Base; Params are the show's followed by the
// entry's, an entry PARAM replacing a show PARAM of the same name
// (case-insensitive); LogURLs are the show's followed by the entry's.
func (pl *Playlist) Effective(e *Entry) Entry {
	out := *e
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&out.Title, pl.Title)
	fill(&out.Author, pl.Author)
	fill(&out.Copyright, pl.Copyright)
	fill(&out.Abstract, pl.Abstract)
	fill(&out.MoreInfo, pl.MoreInfo)
	fill(&out.Base, pl.Base)
	if out.Banner == nil {
		out.Banner = pl.Banner
	}
	out.Refs = append([]Ref(nil), e.Refs...)
	out.Params = nil
	for _, p := range pl.Params {
		overridden := false
		for _, q := range e.Params {
			if strings.EqualFold(p.Name, q.Name) {
				overridden = true
			}
		}
		if !overridden {
			out.Params = append(out.Params, p)
		}
	}
	out.Params = append(out.Params, e.Params...)
	out.LogURLs = append(append([]string(nil), pl.LogURLs...), e.LogURLs...)
	return out
}
