package playlist

import (
	"fmt"
	"strings"
	"time"
)

// MarshalASX writes pl as an ASX v3 document (UTF-8, upper-case names,
// double-quoted attributes, XML-escaped text) that Parse reads back into
// the same model (with its URLs already absolute). A [Reference] playlist
// is written as the equivalent ASX. Warnings are not written.
func (pl *Playlist) MarshalASX() []byte {
	var b strings.Builder
	b.WriteString(`<ASX VERSION="3.0"`)
	if pl.PreviewMode {
		b.WriteString(` PREVIEWMODE="YES"`)
	}
	b.WriteString(">\n")
	writeMeta(&b, "\t", pl.Title, pl.Author, pl.Copyright, pl.Abstract, pl.MoreInfo, pl.Banner, pl.Base, pl.Params, pl.LogURLs)
	writeItems(&b, "\t", pl.Items)
	for _, ev := range pl.Events {
		fmt.Fprintf(&b, "\t<EVENT NAME=\"%s\" WHENDONE=\"%s\">\n", esc(ev.Name), ev.WhenDone)
		writeItems(&b, "\t\t", ev.Items)
		b.WriteString("\t</EVENT>\n")
	}
	b.WriteString("</ASX>\n")
	return []byte(b.String())
}

func writeItems(b *strings.Builder, ind string, items []Item) {
	for _, it := range items {
		switch it := it.(type) {
		case *Entry:
			fmt.Fprintf(b, "%s<ENTRY", ind)
			if !it.ClientSkip {
				b.WriteString(` CLIENTSKIP="NO"`)
			}
			if it.SkipIfRef {
				b.WriteString(` SKIPIFREF="YES"`)
			}
			b.WriteString(">\n")
			in := ind + "\t"
			writeMeta(b, in, it.Title, it.Author, it.Copyright, it.Abstract, it.MoreInfo, it.Banner, it.Base, it.Params, it.LogURLs)
			writeTimes(b, in, it.Start, it.Duration, it.HasStart, it.HasDuration, it.StartMarker, it.EndMarker)
			for _, r := range it.Refs {
				fmt.Fprintf(b, "%s<REF HREF=\"%s\">\n", in, esc(r.URL))
				writeTimes(b, in+"\t", r.Start, r.Duration, r.HasStart, r.HasDuration, r.StartMarker, r.EndMarker)
				fmt.Fprintf(b, "%s</REF>\n", in)
			}
			fmt.Fprintf(b, "%s</ENTRY>\n", ind)
		case *EntryRef:
			fmt.Fprintf(b, "%s<ENTRYREF HREF=\"%s\"/>\n", ind, esc(it.Href))
		case *Repeat:
			if it.Count >= 0 {
				fmt.Fprintf(b, "%s<REPEAT COUNT=\"%d\">\n", ind, it.Count)
			} else {
				fmt.Fprintf(b, "%s<REPEAT>\n", ind)
			}
			writeItems(b, ind+"\t", it.Items)
			fmt.Fprintf(b, "%s</REPEAT>\n", ind)
		}
	}
}

func writeMeta(b *strings.Builder, ind, title, author, copyright, abstract, moreInfo string, banner *Banner, base string, params []Param, logs []string) {
	for _, f := range []struct{ name, v string }{{"TITLE", title}, {"AUTHOR", author}, {"COPYRIGHT", copyright}, {"ABSTRACT", abstract}} {
		if f.v != "" {
			fmt.Fprintf(b, "%s<%s>%s</%s>\n", ind, f.name, esc(f.v), f.name)
		}
	}
	if moreInfo != "" {
		fmt.Fprintf(b, "%s<MOREINFO HREF=\"%s\"/>\n", ind, esc(moreInfo))
	}
	if banner != nil {
		fmt.Fprintf(b, "%s<BANNER HREF=\"%s\">\n", ind, esc(banner.Href))
		if banner.Abstract != "" {
			fmt.Fprintf(b, "%s\t<ABSTRACT>%s</ABSTRACT>\n", ind, esc(banner.Abstract))
		}
		if banner.MoreInfo != "" {
			fmt.Fprintf(b, "%s\t<MOREINFO HREF=\"%s\"/>\n", ind, esc(banner.MoreInfo))
		}
		fmt.Fprintf(b, "%s</BANNER>\n", ind)
	}
	if base != "" {
		fmt.Fprintf(b, "%s<BASE HREF=\"%s\"/>\n", ind, esc(base))
	}
	for _, p := range params {
		fmt.Fprintf(b, "%s<PARAM NAME=\"%s\" VALUE=\"%s\"/>\n", ind, esc(p.Name), esc(p.Value))
	}
	for _, l := range logs {
		fmt.Fprintf(b, "%s<LOGURL HREF=\"%s\"/>\n", ind, esc(l))
	}
}

func writeTimes(b *strings.Builder, ind string, start, dur time.Duration, hasStart, hasDur bool, sm, em *Marker) {
	if hasStart {
		fmt.Fprintf(b, "%s<STARTTIME VALUE=\"%s\"/>\n", ind, FormatClock(start))
	}
	if hasDur {
		fmt.Fprintf(b, "%s<DURATION VALUE=\"%s\"/>\n", ind, FormatClock(dur))
	}
	for _, m := range []struct {
		name string
		m    *Marker
	}{{"STARTMARKER", sm}, {"ENDMARKER", em}} {
		switch {
		case m.m == nil:
		case m.m.Name != "":
			fmt.Fprintf(b, "%s<%s NAME=\"%s\"/>\n", ind, m.name, esc(m.m.Name))
		default:
			fmt.Fprintf(b, "%s<%s NUMBER=\"%d\"/>\n", ind, m.name, m.m.Number)
		}
	}
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

func esc(s string) string { return escaper.Replace(s) }
