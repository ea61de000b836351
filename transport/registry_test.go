package transport

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"
)

// TestRedirectToTransport: a RedirectError naming a transport opens its
// Location with that transport, not the one whose match takes it (a
// Smooth manifest found at an ordinary http:// URL).
func TestRedirectToTransport(t *testing.T) {
	var got []string
	r := NewRegistry()
	r.Register("http", MatchSchemes("http"), DialerFunc(func(_ context.Context, raw string, _ Config) (Session, error) {
		got = append(got, "http "+raw)
		return nil, &RedirectError{Location: raw, Transport: "smooth", Reason: "Smooth Streaming manifest"}
	}))
	r.Register("smooth", func(*url.URL) bool { return false }, DialerFunc(func(_ context.Context, raw string, _ Config) (Session, error) {
		got = append(got, "smooth "+raw)
		return nil, errors.New("opened")
	}))
	_, err := r.Dial(context.Background(), "http://h/show.xml", Config{})
	if err == nil || err.Error() != "opened" || fmt.Sprint(got) != "[http http://h/show.xml smooth http://h/show.xml]" {
		t.Fatalf("err %v, dials %q", err, got)
	}
}
