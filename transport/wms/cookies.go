package wms

import (
	"net/http"
	"net/url"
	"strings"
)

// CookieURL is the URL cookies are stored and looked up under: the http
// form of u, same host and path. One jar then serves HTTP, MS-WMSP and
// RTSP, whose schemes are treated as the same origin ([MS-RTSP] 2.2.6.4:
// cookies obtained over HTTP are sent on RTSP requests and the other way
// round; [MS-WMSP] 2.2.1.3).
func CookieURL(u *url.URL) *url.URL {
	return &url.URL{Scheme: "http", Host: u.Host, Path: u.Path}
}

// CookieHeader is the value of the Cookie header for a request to target
// ([MS-WMSP] 2.2.1.3, 3.1.5.1; [MS-RTSP] 2.2.6.4, 3.1.5.1: sent whenever
// cookies apply): the jar's cookies for CookieURL(target) as name=value
// pairs joined by "; ", or "" when there are none (or no jar).
func CookieHeader(jar http.CookieJar, target *url.URL) string {
	if jar == nil {
		return ""
	}
	cs := jar.Cookies(CookieURL(target))
	if len(cs) == 0 {
		return ""
	}
	parts := make([]string, len(cs))
	for i, ck := range cs {
		parts[i] = ck.Name + "=" + ck.Value
	}
	return strings.Join(parts, "; ")
}

// StoreCookies keeps the cookies of a response's Set-Cookie header values
// (RFC 6265 4.1) in jar under CookieURL(target) ([MS-WMSP] 3.1.5.3;
// [MS-RTSP] 2.2.6.9, 3.1.5.2). Malformed values are skipped, as net/http
// does; a nil jar keeps nothing.
func StoreCookies(jar http.CookieJar, target *url.URL, setCookie []string) {
	if jar == nil || len(setCookie) == 0 {
		return
	}
	cs := (&http.Response{Header: http.Header{"Set-Cookie": setCookie}}).Cookies()
	if len(cs) > 0 {
		jar.SetCookies(CookieURL(target), cs)
	}
}
