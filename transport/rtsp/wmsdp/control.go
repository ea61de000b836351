package wmsdp

import (
	"fmt"
	"net/url"
	"strings"
)

// resolveControl turns an a=control value (or the URL of an FEC a=fmtp) into
// an absolute URL (MS-RTSP 2.2.5.2.1, 2.2.5.4; RFC 2326 C.1.1):
//   - "*" names base itself (RFC 2326 C.1.1: "an empty embedded URL ... inherits
//     the entire base URL");
//   - an absolute URL stands as it is;
//   - a relative one is resolved against base (RFC 3986 5.2) with a "/"
//     added to the end of base's path first: Windows Media streams live
//     under the content URL ("rtsp://host/file.wmv/audio"), and RFC 3986
//     alone would replace the file name ("rtsp://host/audio");
//     shared/notes/rtsp.md 5.3.
//
// The result must be an rtsp, rtspu or rtspt URL with a host: it goes on the
// request line of SETUP, PLAY and the rest.
func resolveControl(base *url.URL, ref string) (*url.URL, error) {
	ref = strings.TrimSpace(ref)
	var u *url.URL
	switch {
	case ref == "":
		return nil, fmt.Errorf("empty control URL")
	case ref == "*":
		if base == nil {
			return nil, fmt.Errorf("control URL \"*\" with no base URL")
		}
		u = cloneURL(base)
	default:
		r, err := url.Parse(ref)
		if err != nil {
			return nil, fmt.Errorf("control URL %q: %w", clip([]byte(ref)), err)
		}
		if r.IsAbs() {
			u = r
			break
		}
		if base == nil {
			return nil, fmt.Errorf("relative control URL %q with no base URL", clip([]byte(ref)))
		}
		u = withSlash(base).ResolveReference(r)
	}
	switch u.Scheme {
	case "rtsp", "rtspu", "rtspt":
	default:
		return nil, fmt.Errorf("control URL %q: scheme %q is not rtsp, rtspu or rtspt", clip([]byte(u.String())), u.Scheme)
	}
	if u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("control URL %q has no host", clip([]byte(u.String())))
	}
	return u, nil
}

func cloneURL(u *url.URL) *url.URL {
	c := *u
	if u.User != nil {
		user := *u.User
		c.User = &user
	}
	return &c
}

// withSlash returns a copy of u whose path ends in "/".
func withSlash(u *url.URL) *url.URL {
	c := cloneURL(u)
	if !strings.HasSuffix(c.Path, "/") {
		c.Path += "/"
		if c.RawPath != "" {
			c.RawPath += "/"
		}
	}
	return c
}
