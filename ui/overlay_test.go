package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
)

// TestCaptionOverlay: the caption of a text stream shows over the video
// while the player reports one, and goes with it.
func TestCaptionOverlay(t *testing.T) {
	f := newFixture(t)
	m := demoMedia()
	st := status(player.Playing, m, time.Second)
	st.Caption = "Hello there\nsecond line"
	f.emit(player.CaptionChanged, st)
	if !f.v.video.caption.Visible() || f.v.video.captionText.Text != "Hello there\nsecond line" {
		t.Fatalf("caption visible=%v text %q", f.v.video.caption.Visible(), f.v.video.captionText.Text)
	}
	st.Caption = ""
	f.emit(player.CaptionChanged, st)
	if f.v.video.caption.Visible() {
		t.Error("the caption stays after the player cleared it")
	}
}

// TestDVRSeekBar: a live presentation with a DVR window gets a seek bar
// up to its live edge (the player keeps seeks within the window); one
// without stays LIVE with no seeking.
func TestDVRSeekBar(t *testing.T) {
	f := newFixture(t)
	m := demoMedia()
	m.Seekable, m.Broadcast, m.SeekWindow = false, true, 20*time.Second
	st := status(player.Playing, m, 50*time.Second)
	st.Duration = 60 * time.Second
	f.emit(player.MediaChanged, st)
	if f.v.backBtn.Disabled() || f.v.total.Text != "LIVE" {
		t.Errorf("DVR: back disabled=%v total %q", f.v.backBtn.Disabled(), f.v.total.Text)
	}
	m2 := *m
	m2.SeekWindow = 0
	st2 := status(player.Playing, &m2, 50*time.Second)
	st2.Duration = 60 * time.Second
	f.emit(player.MediaChanged, st2)
	if !f.v.backBtn.Disabled() {
		t.Error("live without DVR: seeking offered")
	}
}

// TestErrorDialogKeys: Escape and Enter close the error dialog (issue 11:
// it closed only with the mouse), and do nothing else meanwhile.
func TestErrorDialogKeys(t *testing.T) {
	for _, key := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter} {
		f := newFixture(t)
		f.v.Open("http://example.com/x.wma")
		f.ctl.emit(player.Event{Kind: player.ErrorOccurred, Status: status(player.Failed, nil, 0), Err: errors.New("connection refused")})
		if len(f.win.Canvas().Overlays().List()) != 1 {
			t.Fatal("no error dialog")
		}
		f.ctl.take()
		f.v.TypedKey(&fyne.KeyEvent{Name: key})
		if n := len(f.win.Canvas().Overlays().List()); n != 0 {
			t.Errorf("%s: %d overlays after the key, want the dialog closed", key, n)
		}
		if f.v.errDialog != nil {
			t.Errorf("%s: the view still holds the dialog", key)
		}
		f.expectCalls() // the key did nothing else
	}
}

// TestErrorDialogWords: the error dialog says in a user's words what
// failed and what to try, names the location once, and keeps the
// client's own text (dial errors, addresses) in Details, closed at first,
// with a Copy Details button.
func TestErrorDialogWords(t *testing.T) {
	f := newFixture(t)
	const loc = "http://example.com/x.wma"
	f.v.Open(loc)
	dial := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 80}, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	err := fmt.Errorf("opening %s: GET %s: %w", loc, loc, dial)
	f.ctl.emit(player.Event{Kind: player.ErrorOccurred, Status: status(player.Failed, nil, 0), Err: err})
	texts := strings.Join(overlayTexts(f.win.Canvas()), "\n")
	for _, want := range []string{"The server refused the connection.", "Check the address and the port"} {
		if !strings.Contains(texts, want) {
			t.Errorf("dialog lacks %q:\n%s", want, texts)
		}
	}
	acc := f.v.errDetails
	if acc == nil || len(acc.Items) != 1 || acc.Items[0].Open {
		t.Fatalf("details %+v: want one item, closed", acc)
	}
	details := acc.Items[0].Detail.(*fyne.Container)
	var detailText []string
	for _, o := range details.Objects {
		if l, ok := o.(*widget.Label); ok {
			detailText = append(detailText, l.Text)
		}
	}
	if d := strings.Join(detailText, "\n"); !strings.Contains(d, "dial tcp 192.0.2.1:80") || !strings.Contains(d, "Cause: connection refused") {
		t.Errorf("details %q", d)
	}
	// The words above Details speak of no address or dial: the location
	// is in the heading, once.
	for _, l := range overlayTexts(f.win.Canvas()) {
		if strings.HasPrefix(l, "The server") || strings.HasPrefix(l, "Check the") {
			if strings.Contains(l, "http://") || strings.Contains(l, "dial") {
				t.Errorf("summary %q speaks in the client's terms", l)
			}
		}
		if strings.HasPrefix(l, "Eddy could not play") && strings.Count(l, loc) != 1 {
			t.Errorf("heading %q", l)
		}
	}
	var copyBtn *widget.Button
	for _, o := range details.Objects {
		if b, ok := o.(*widget.Button); ok {
			copyBtn = b
		}
	}
	if copyBtn == nil {
		t.Fatal("no Copy Details button")
	}
	test.Tap(copyBtn)
	if got := f.app.Clipboard().Content(); !strings.Contains(got, "dial tcp 192.0.2.1:80") {
		t.Errorf("clipboard %q", got)
	}
}

// TestExplain: the kinds of failure the error dialog puts in a user's
// words; any other error leads with its own innermost cause.
func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("opening x: %w", &net.DNSError{Err: "no such host", Name: "nohost.example", IsNotFound: true}), "name could not be found"},
		{&transport.StatusError{URL: "http://h/a", Method: "GET", Code: 404, Status: "404 Not Found"}, "no file or stream at this address"},
		{&transport.StatusError{URL: "http://h/a", Method: "GET", Code: 503, Status: "503 Service Unavailable"}, "server had a problem (503 Service Unavailable)"},
		{fmt.Errorf("opening x: %w", context.DeadlineExceeded), "did not answer in time"},
		{fmt.Errorf("open /a.wma: %w", fs.ErrNotExist), "file does not exist"},
		{fmt.Errorf("x: %w", transport.ErrEncrypted), "protected (DRM)"},
		{fmt.Errorf("x: %w", player.ErrNothingToPlay), ""}, // its cause names the codecs: better than any summary
		{nil, ""},
		{errors.New("something else"), ""},
	} {
		got, _ := explain(tc.err)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("explain(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
