package transport

import (
	"context"
	"errors"
	"testing"
)

// stepDialer records the URLs it was asked for and fails with err.
type stepDialer struct {
	urls []string
	err  error
}

func (d *stepDialer) Dial(_ context.Context, raw string, _ Config) (Session, error) {
	d.urls = append(d.urls, raw)
	if d.err != nil {
		return nil, d.err
	}
	return nil, nil
}

func TestRolloverOrderAndMemory(t *testing.T) {
	refused := errors.New("connection refused")
	udp := &stepDialer{err: refused}
	tcp := &stepDialer{err: refused}
	http := &stepDialer{}
	r := &Rollover{Steps: []RolloverStep{{"rtspu", udp}, {"rtspt", tcp}, {"mmsh", http}}}
	if _, err := r.Dial(context.Background(), "mms://Host:1755/a.wmv", Config{}); err != nil {
		t.Fatal(err)
	}
	if len(udp.urls) != 1 || udp.urls[0] != "rtspu://Host:1755/a.wmv" || len(tcp.urls) != 1 || tcp.urls[0] != "rtspt://Host:1755/a.wmv" ||
		len(http.urls) != 1 || http.urls[0] != "mmsh://Host:1755/a.wmv" {
		t.Fatalf("tried %q %q %q", udp.urls, tcp.urls, http.urls)
	}
	// The same host goes to what worked first.
	if _, err := r.Dial(context.Background(), "mms://host/b.wmv", Config{}); err != nil {
		t.Fatal(err)
	}
	if len(udp.urls) != 1 || len(http.urls) != 2 {
		t.Fatalf("second dial tried %q %q %q", udp.urls, tcp.urls, http.urls)
	}
	// Another host starts from the top.
	r.Dial(context.Background(), "mms://other/c.wmv", Config{})
	if len(udp.urls) != 2 {
		t.Fatalf("another host did not start with the first step: %q", udp.urls)
	}
}

func TestRolloverStopsOnAuthAndReportsAll(t *testing.T) {
	auth := &stepDialer{err: fmtErr(ErrAuthRequired)}
	next := &stepDialer{}
	r := &Rollover{Steps: []RolloverStep{{"rtsp", auth}, {"mmsh", next}}}
	if _, err := r.Dial(context.Background(), "mms://h/a", Config{}); !errors.Is(err, ErrAuthRequired) || len(next.urls) != 0 {
		t.Fatalf("err %v, next tried %q", err, next.urls)
	}
	a, b := errors.New("a failed"), errors.New("b failed")
	r = &Rollover{Steps: []RolloverStep{{"rtsp", &stepDialer{err: a}}, {"mmsh", &stepDialer{err: b}}}}
	_, err := r.Dial(context.Background(), "mms://h/a", Config{})
	var re *RolloverError
	if !errors.As(err, &re) || !errors.Is(err, a) || !errors.Is(err, b) || len(re.Tried) != 2 {
		t.Fatalf("err %v", err)
	}
}

// TestRolloverStopsOnMetafile: a step that met a playlist (a web server
// answering with an ASX) ends the rollover with it, for the player to
// open; the later steps are not tried.
func TestRolloverStopsOnMetafile(t *testing.T) {
	meta := &stepDialer{err: &MetafileError{URL: "http://h/a.asx", Body: []byte("<asx version=3>")}}
	refused := &stepDialer{err: errors.New("refused")}
	next := &stepDialer{}
	r := &Rollover{Steps: []RolloverStep{{"rtsp", refused}, {"mmsh", meta}, {"mmst", next}}}
	_, err := r.Dial(context.Background(), "mms://h/a.asx", Config{})
	var me *MetafileError
	if !errors.As(err, &me) || me.URL != "http://h/a.asx" || len(next.urls) != 0 {
		t.Fatalf("err %v, next tried %q", err, next.urls)
	}
}

func fmtErr(err error) error { return &wrapped{err} }

type wrapped struct{ err error }

func (w *wrapped) Error() string { return "server: " + w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }
