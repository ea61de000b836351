package wms

import (
	"net/http/cookiejar"
	"net/url"
	"testing"
)

// TestCookiesSharedAcrossSchemes: a cookie set on an RTSP response is sent
// on HTTP and MS-WMSP requests to the same host and the other way round
// ([MS-RTSP] 2.2.6.4, 2.2.6.9: one store, the schemes equivalent); the
// Cookie value joins name=value pairs with "; " (RFC 6265 4.2.1).
func TestCookiesSharedAcrossSchemes(t *testing.T) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	rtsp, _ := url.Parse("rtsp://media.example.com:554/live/a.wmv")
	mmsh, _ := url.Parse("mmsh://media.example.com/live/a.wmv")
	http, _ := url.Parse("http://media.example.com/live/index.html")
	StoreCookies(jar, rtsp, []string{"wms=abc123; Path=/", "bad cookie without a name", "lang=en; Path=/live"})
	if got := CookieHeader(jar, mmsh); got != "lang=en; wms=abc123" {
		t.Errorf("MS-WMSP request Cookie %q", got)
	}
	StoreCookies(jar, http, []string{"sess=9; Path=/"})
	if got := CookieHeader(jar, rtsp); got != "lang=en; wms=abc123; sess=9" {
		t.Errorf("RTSP request Cookie %q", got)
	}
	other, _ := url.Parse("rtsp://elsewhere.example.com/live/a.wmv")
	if got := CookieHeader(jar, other); got != "" {
		t.Errorf("another host gets %q", got)
	}
	if u := CookieURL(rtsp); u.String() != "http://media.example.com:554/live/a.wmv" {
		t.Errorf("CookieURL %s", u)
	}
	// No jar: nothing stored, nothing sent, no panic.
	StoreCookies(nil, rtsp, []string{"a=b"})
	if got := CookieHeader(nil, rtsp); got != "" {
		t.Errorf("nil jar gives %q", got)
	}
}
