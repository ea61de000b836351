package playlist

import (
	"net/url"
	"strings"
)

// mediaSchemes are the URL schemes a REF may use: the protocols Eddy
// plays. Anything else (javascript:, a custom handler) is dropped, so a
// metafile can never make Eddy run anything.
var mediaSchemes = map[string]bool{
	"http": true, "https": true, "mms": true, "mmsh": true, "mmst": true, "mmsu": true,
	"rtsp": true, "rtspt": true, "rtspu": true, "file": true,
}

// webSchemes are the schemes MOREINFO, BANNER and LOGURL may use.
var webSchemes = map[string]bool{"http": true, "https": true}

// isRemote tells whether a metafile at base came from the network: any
// base with a scheme other than file. A nil base (bytes from nowhere in
// particular) is treated as local.
func isRemote(base *url.URL) bool {
	return base != nil && base.Scheme != "" && base.Scheme != "file"
}

// Redact returns raw with any password hidden (url.URL.Redacted), for
// messages; a string that is no URL is returned with everything up to an
// '@' hidden.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if at := strings.LastIndexByte(raw, '@'); at >= 0 {
			return "…" + raw[at:]
		}
		return raw
	}
	return u.Redacted()
}

// resolver turns HREFs into absolute URLs against the metafile's URL and
// applies the security rules.
type resolver struct {
	base   *url.URL
	remote bool
	warn   func(format string, args ...any)
}

// resolve returns the absolute form of href, or "" (with a warning) when
// it is unusable: unparsable, a scheme outside allowed, or a local file
// named by a network metafile. what names the element for the warning.
func (r *resolver) resolve(what, href string, allowed map[string]bool) string {
	href = strings.TrimSpace(href)
	if href == "" {
		r.warn("%s without HREF ignored", what)
		return ""
	}
	// Windows paths in local metafiles: C:\Music\a.wma, ..\a.wma.
	if strings.Contains(href, `\`) && !strings.Contains(href, "://") {
		href = strings.ReplaceAll(href, `\`, "/")
	}
	href = strings.ReplaceAll(href, " ", "%20")
	u, err := url.Parse(href)
	if err != nil {
		r.warn("%s %s ignored: not a URL", what, quoteShort(Redact(href)))
		return ""
	}
	if r.base != nil {
		u = r.base.ResolveReference(u)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	local := u.Scheme == "file" || u.Scheme == "" || len(u.Scheme) == 1 // "c:" is a Windows drive
	if r.remote && local {
		r.warn("%s %s dropped: a playlist from the network may not name local files", what, quoteShort(u.Redacted()))
		return ""
	}
	if u.Scheme == "" && r.base == nil && allowed["file"] {
		// A relative path with nothing to resolve it against: the
		// caller's (a local metafile's) choice.
		return u.String()
	}
	if u.Scheme != "" && u.Scheme != "file" && len(u.Scheme) > 1 && u.Host == "" {
		r.warn("%s %s dropped: no host", what, quoteShort(u.Redacted()))
		return ""
	}
	if len(u.Scheme) == 1 || !allowed[u.Scheme] {
		r.warn("%s %s dropped: scheme %q is not allowed here", what, quoteShort(u.Redacted()), u.Scheme)
		return ""
	}
	return u.String()
}
