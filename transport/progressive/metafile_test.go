package progressive

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/playlist"
)

// TestHTTPMetafile: a body that is an ASX playlist or a [Reference]
// redirector, in any of the forms real servers send, comes back whole as
// a *transport.MetafileError naming the URL that answered (after
// redirects) and the response's media type, for the player to open as a
// playlist.
func TestHTTPMetafile(t *testing.T) {
	const reference = "\xef\xbb\xbf[Reference]\r\nRef1=http://media.example.com/live?MSWMExt=.asf\r\nRef2=http://mirror.example.com/live\r\n"
	const asx = `<ASX version="3.0"><ENTRY><REF HREF="mms://x/y"/></ENTRY></ASX>`
	// UTF-16LE with a BOM, written byte by byte.
	utf16 := []byte{0xFF, 0xFE}
	for _, c := range []byte(`<asx version="3"><entry><ref href="a.wma"/></entry></asx>`) {
		utf16 = append(utf16, c, 0)
	}
	cases := []struct {
		name, path, ctype string
		body              []byte
	}{
		{"reference", "/live.asx", "video/x-ms-asf", []byte(reference)},
		{"asx", "/list", "video/x-ms-asf", []byte(asx)},
		{"asx with junk and prolog", "/x.php", "text/html; charset=utf-8", []byte("\r\n<?xml version=\"1.0\"?>\n" + asx)},
		{"asx UTF-16", "/list.wax", "audio/x-ms-wax", utf16},
		{"redirected", "/go", "video/x-ms-asf", []byte(asx)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/go" {
					http.Redirect(w, r, "/real/list.asx", http.StatusFound)
					return
				}
				w.Header().Set("Content-Type", c.ctype)
				w.Write(c.body)
			}))
			defer srv.Close()
			_, err := HTTPDialer{}.Dial(context.Background(), srv.URL+c.path, transport.Config{})
			var me *transport.MetafileError
			if !errors.As(err, &me) {
				t.Fatalf("err = %v", err)
			}
			wantURL := srv.URL + c.path
			if c.path == "/go" {
				wantURL = srv.URL + "/real/list.asx"
			}
			wantType, _, _ := strings.Cut(c.ctype, ";")
			if me.URL != wantURL || me.ContentType != wantType || !bytes.Equal(me.Body, c.body) {
				t.Errorf("got %q %q %q", me.URL, me.ContentType, me.Body)
			}
		})
	}
}

// TestHTTPMetafileLimits: a playlist over playlist.MaxSize is refused; a
// text body that is no playlist stays "not an ASF file"; credentials stay
// out of the message.
func TestHTTPMetafileLimits(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big.asx":
			io.WriteString(w, `<ASX VERSION="3.0">`)
			w.Write(bytes.Repeat([]byte(" "), playlist.MaxSize))
		case "/text.asx":
			io.WriteString(w, "hello, this is no playlist")
		}
	}))
	defer srv.Close()
	withCreds := strings.Replace(srv.URL, "http://", "http://u:s3cret@", 1)
	_, err := HTTPDialer{}.Dial(context.Background(), withCreds+"/big.asx", transport.Config{})
	if !errors.Is(err, playlist.ErrTooLarge) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("big: %v", err)
	}
	_, err = HTTPDialer{}.Dial(context.Background(), srv.URL+"/text.asx", transport.Config{})
	var me *transport.MetafileError
	if errors.As(err, &me) || err == nil || !strings.Contains(err.Error(), "not an ASF file") {
		t.Errorf("text: %v", err)
	}
	me = &transport.MetafileError{URL: withCreds + "/x.asx"}
	if strings.Contains(me.Error(), "s3cret") {
		t.Errorf("MetafileError shows the password: %s", me.Error())
	}
}

// TestFileMetafile: a local .asx (or a playlist under any name) comes back
// as a *transport.MetafileError with its file:// URL; a file named .asx
// that holds ASF media plays as media.
func TestFileMetafile(t *testing.T) {
	dir := t.TempDir()
	body := []byte("[Reference]\nRef1=http://h/live\n")
	for _, name := range []string{"list.asx", "list.wma"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := FileDialer{}.Dial(context.Background(), p, transport.Config{})
		var me *transport.MetafileError
		if !errors.As(err, &me) || me.URL != "file://"+filepath.ToSlash(p) || !bytes.Equal(me.Body, body) {
			t.Fatalf("%s: %v", name, err)
		}
	}
	media, err := os.ReadFile(wmaFixture)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "song.asx")
	os.WriteFile(p, media, 0o600)
	s, err := FileDialer{}.Dial(context.Background(), p, transport.Config{})
	if err != nil {
		t.Fatalf("ASF media named .asx: %v", err)
	}
	s.Close()
	// An empty .asx is neither.
	p = filepath.Join(dir, "empty.asx")
	os.WriteFile(p, nil, 0o600)
	if _, err := (FileDialer{}).Dial(context.Background(), p, transport.Config{}); err == nil || errors.As(err, new(*transport.MetafileError)) {
		t.Errorf("empty: %v", err)
	}
}
