package manifest

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// FragmentURL is the URL of the fragment of quality level q that starts
// at start (in TimeScale units: a Fragment's Start), made from the
// stream's Url template ([MS-SSTR] 2.2.2.4, 3.1.4.2) and resolved against
// base, the manifest's URL (RFC 3986 5.2: "QualityLevels(…)/Fragments(…)"
// beside ".../Name.ism/Manifest" gives ".../Name.ism/QualityLevels(…)/
// Fragments(…)"). The placeholders are replaced as text: {bitrate} and
// {Bitrate} by q.Bitrate, {start time} and {start_time} by start, both in
// decimal, and {CustomAttributes} by q's custom attributes as
// "Name=Value" joined by "," (each part escaped as a path segment; the ","
// before the placeholder goes too when q has none). The result must be
// http or https.
//
// The manifest URL's query string (a CDN's access token, "?token=…") is
// carried onto fragment URLs of the same host, after the template's own
// query if it has one: RFC 3986 resolution drops it, and the CDN refuses
// fragments without it. It is not sent to another host: a token is the
// manifest server's.
func (s *StreamIndex) FragmentURL(base *url.URL, q *QualityLevel, start uint64) (*url.URL, error) {
	if s.URL == "" {
		return nil, fmt.Errorf("%w: stream %s has no Url", ErrTemplate, quoteShort(s.Name))
	}
	tmpl := s.URL
	if !strings.Contains(tmpl, "{start time}") && !strings.Contains(tmpl, "{start_time}") {
		return nil, fmt.Errorf("%w: Url %s has no {start time}", ErrTemplate, quoteShort(tmpl))
	}
	var ca []string
	for _, a := range q.CustomAttributes {
		ca = append(ca, escapeAttr(a.Name)+"="+escapeAttr(a.Value))
	}
	custom := strings.Join(ca, ",")
	if custom == "" {
		tmpl = strings.ReplaceAll(tmpl, ",{CustomAttributes}", "")
	}
	bitrate := strconv.FormatUint(uint64(q.Bitrate), 10)
	t := strconv.FormatUint(start, 10)
	ref := strings.NewReplacer(
		"{bitrate}", bitrate, "{Bitrate}", bitrate,
		"{start time}", t, "{start_time}", t,
		"{CustomAttributes}", custom,
		" ", "%20", // a space left in the template is not a URL character
	).Replace(tmpl)
	u, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTemplate, err)
	}
	if base != nil {
		u = base.ResolveReference(u)
		if base.RawQuery != "" && strings.EqualFold(u.Host, base.Host) && u.Scheme == base.Scheme {
			if u.RawQuery == "" {
				u.RawQuery = base.RawQuery
			} else {
				u.RawQuery += "&" + base.RawQuery
			}
		}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%w: fragment URL %s is not http or https", ErrTemplate, quoteShort(u.Redacted()))
	}
	return u, nil
}

// escapeAttr escapes a custom attribute's name or value as a path
// segment, ':' included (a colon in the first segment of a relative
// reference would read as a scheme).
func escapeAttr(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
}
