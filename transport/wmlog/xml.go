package wmlog

import (
	"bytes"
	"encoding/xml"
	"strings"
	"time"
)

// ContentType is the Content-Type of an XML log POSTed to Windows Media
// Services ([MS-WMSP] 2.2.1.2.5, 2.2.2.4).
const ContentType = "application/x-wms-LogStats;charset=UTF-8"

// xmlTags lists the per-field elements of the XML log in the order of the
// MS-WMLOG 2.4 xml-log rule (which omits cs-media-name and cs-media-role;
// they travel in the Summary only).
var xmlTags = []string{
	"c-ip", "date", "time", "c-dns", "cs-uri-stem", "c-starttime",
	"x-duration", "c-rate", "c-status", "c-playerid", "c-playerversion",
	"c-playerlanguage", "cs-User-Agent", "cs-Referer", "c-hostexe",
	"c-hostexever", "c-os", "c-osversion", "c-cpu", "filelength",
	"filesize", "avgbandwidth", "protocol", "transport", "audiocodec",
	"videocodec", "c-channelURL", "sc-bytes", "c-bytes", "s-pkts-sent",
	"c-pkts-received", "c-pkts-lost-client", "c-pkts-lost-net",
	"c-pkts-lost-cont-net", "c-resendreqs", "c-pkts-recovered-ECC",
	"c-pkts-recovered-resent", "c-buffercount", "c-totalbuffertime",
	"c-quality", "s-ip", "s-dns", "s-totalclients", "s-cpu-util", "cs-url",
}

// XML renders the record as an XML log for a media server (MS-WMLOG 2.4):
// legacy (2.5.3) and streaming (2.6.2) logs summarise log_data44 plus the
// three optional fields, rendering logs (2.7.2) log_data52. The content
// description and client data blocks follow when present.
func (r *Record) XML(kind Kind) []byte {
	fields := r.Fields(kind, ToMediaServer)
	vals := make(map[string]string, len(fields))
	sum := make([]string, len(fields))
	for i, p := range fields {
		vals[p.Name] = p.Value
		sum[i] = p.Value
	}
	var b bytes.Buffer
	b.WriteString("<XML>\r\n<Summary>")
	xmlEscape(&b, strings.Join(sum, " "))
	b.WriteString("</Summary>\r\n")
	for _, t := range xmlTags {
		element(&b, t, vals[t])
	}
	if len(r.ContentDescription) > 0 {
		b.WriteString("<ContentDescription>\r\n")
		for _, p := range r.ContentDescription {
			if n := xmlName(p.Name); n != "" {
				element(&b, n, p.Value)
			}
		}
		b.WriteString("</ContentDescription>\r\n")
	}
	for _, ns := range r.ClientData {
		n := xmlName(ns.Name)
		if n == "" {
			continue
		}
		b.WriteString("<" + n + ">\r\n")
		for _, p := range ns.Fields {
			if fn := xmlName(p.Name); fn != "" {
				element(&b, fn, p.Value)
			}
		}
		b.WriteString("</" + n + ">\r\n")
	}
	b.WriteString("</XML>\r\n")
	return b.Bytes()
}

// ConnectTime renders a connect-time log (MS-WMLOG 2.8): the minimal facts
// about the client sent at the start of a session.
func ConnectTime(now time.Time, h Host, transport string) []byte {
	var b bytes.Buffer
	b.WriteString("<XML>\r\n<Summary></Summary>\r\n")
	element(&b, "c-dns", "-")
	element(&b, "c-ip", "0.0.0.0")
	element(&b, "c-os", Value(h.OS))
	element(&b, "c-osversion", Value(h.OSVersion))
	element(&b, "date", now.UTC().Format("2006-01-02"))
	element(&b, "time", now.UTC().Format("15:04:05"))
	element(&b, "c-cpu", Value(h.CPU))
	element(&b, "transport", Value(transport))
	b.WriteString("</XML>\r\n")
	return b.Bytes()
}

func element(b *bytes.Buffer, name, value string) {
	b.WriteString("<" + name + ">")
	xmlEscape(b, value)
	b.WriteString("</" + name + ">\r\n")
}

func xmlEscape(b *bytes.Buffer, s string) {
	// xml.EscapeText only fails when the writer fails; bytes.Buffer never does.
	_ = xml.EscapeText(b, []byte(s))
}

// xmlName makes a content-description or namespace name usable as an XML
// element name: letters, digits, '_', '-' and '.' are kept, anything else
// becomes '_'; a name that does not start with a letter or '_' gets a '_'
// prefix. Empty names give "".
func xmlName(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	n := b.String()
	if c := n[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') {
		n = "_" + n
	}
	if len(n) >= 3 && strings.EqualFold(n[:3], "xml") {
		n = "_" + n
	}
	return n
}
