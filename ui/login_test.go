package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
)

const securedURL = "mms://media.example.com/secure/talk.wmv"

// authFailure is the event the player sends when the server wants
// credentials.
func authFailure(ae *transport.AuthRequiredError) player.Event {
	return player.Event{Kind: player.ErrorOccurred, Status: status(player.Failed, nil, 0),
		Err: fmt.Errorf("open %s: describe: %w", securedURL, ae)}
}

func TestLoginPromptRetriesWithCredentials(t *testing.T) {
	f := newFixture(t)
	f.v.Open(securedURL)
	f.expectCalls("Open(" + securedURL + ")")
	f.emit(player.StateChanged, status(player.Opening, nil, 0))
	f.ctl.emit(authFailure(&transport.AuthRequiredError{
		URL: "http://media.example.com/secure/talk.wmv", Schemes: []string{"NTLM", "Digest"}, Realm: "Staff only",
	}))

	p := f.v.login
	if p == nil {
		t.Fatal("no login prompt")
	}
	if n := len(f.win.Canvas().Overlays().List()); n != 1 {
		t.Errorf("%d overlays, want the prompt alone (no error dialog)", n)
	}
	texts := strings.Join(overlayTexts(f.win.Canvas()), "\n")
	for _, want := range []string{
		"media.example.com asks for a user name and password.",
		"Realm: “Staff only”",
		"Authentication: NTLM, Digest",
	} {
		if !strings.Contains(texts, want) {
			t.Errorf("prompt does not say %q; it says:\n%s", want, texts)
		}
	}
	if p.rejected.Visible() {
		t.Error("first prompt says the credentials were rejected")
	}
	if !p.password.Password {
		t.Error("the password entry shows the password")
	}
	if !p.loginBtn.Disabled() {
		t.Error("Log In enabled without a user name")
	}
	if f.win.Canvas().Focused() != p.user {
		t.Error("the user name field does not have the focus")
	}

	test.Type(p.user, `CORP\alice`)
	if p.loginBtn.Disabled() {
		t.Fatal("Log In disabled with a user name")
	}
	p.user.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // moves to the password
	if f.win.Canvas().Focused() != p.password {
		t.Error("Enter in the user name does not move to the password")
	}
	test.Type(p.password, "s3cret pw")
	if strings.Contains(test.RenderObjectToMarkup(f.win.Canvas().Overlays().Top()), "s3cret") {
		t.Error("the password is visible in the prompt")
	}
	p.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // submits
	f.expectCalls(`SetCredentials([CORP\alice s3cret pw])`, "Open("+securedURL+")")
	if f.v.login != nil || f.win.Canvas().Overlays().Top() != nil {
		t.Error("the prompt stays open after logging in")
	}
	if p.password.Text != "" {
		t.Error("the password is kept in the entry")
	}
	if got := f.v.Recent(); len(got) != 0 {
		t.Errorf("recent %q: nothing has played yet", got)
	}
	if got := f.app.Preferences().StringList(PrefRecent); strings.Contains(strings.Join(got, " "), "s3cret") {
		t.Errorf("the password reached the preferences: %q", got)
	}

	// The server refuses: the prompt comes back, says so, and keeps the
	// user name (not the password).
	f.emit(player.StateChanged, status(player.Opening, nil, 0))
	f.ctl.emit(authFailure(&transport.AuthRequiredError{
		URL: "http://media.example.com/secure/talk.wmv", Schemes: []string{"Digest"}, Realm: "Staff only", Rejected: true,
	}))
	p = f.v.login
	if p == nil {
		t.Fatal("no prompt after a rejection")
	}
	if !p.rejected.Visible() || !strings.Contains(p.rejected.Text, "not accepted") {
		t.Error("the prompt does not say the credentials were rejected")
	}
	if p.user.Text != `CORP\alice` || p.password.Text != "" {
		t.Errorf("prompt filled with user %q, password %q", p.user.Text, p.password.Text)
	}
	if f.win.Canvas().Focused() != p.password {
		t.Error("with the user name known, the password field should have the focus")
	}

	// Cancel: no retry; the failure stays on screen.
	test.Tap(p.cancel)
	f.expectCalls()
	if f.v.login != nil || f.win.Canvas().Overlays().Top() != nil {
		t.Error("the prompt stays open after Cancel")
	}
	if got := f.v.status.Message(); !strings.Contains(got, "rejected the credentials") {
		t.Errorf("status bar %q", got)
	}
	if f.v.video.title.Text != "Could not play" {
		t.Errorf("video area title %q", f.v.video.title.Text)
	}
	if got := f.v.Recent(); len(got) != 0 {
		t.Errorf("recent %q: a location that did not open is remembered", got)
	}

	// Logging in again, and it plays: remembered once, without the
	// password.
	f.v.showLogin(securedURL, &transport.AuthRequiredError{URL: securedURL, Schemes: []string{"Basic"}})
	p = f.v.login
	test.Type(p.password, "s3cret pw")
	p.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	f.expectCalls(`SetCredentials([CORP\alice s3cret pw])`, "Open("+securedURL+")")
	f.emit(player.StateChanged, status(player.Opening, nil, 0))
	f.emit(player.StateChanged, status(player.Playing, demoMedia(), 0))
	if got := f.v.Recent(); len(got) != 1 || got[0] != securedURL {
		t.Errorf("recent %q after the login played, want the location once", got)
	}
	if got := f.app.Preferences().StringList(PrefRecent); strings.Contains(strings.Join(got, " "), "s3cret") {
		t.Errorf("the password reached the preferences: %q", got)
	}
}

func TestLoginPromptForProxy(t *testing.T) {
	f := newFixture(t)
	f.v.Open(securedURL)
	f.ctl.take()
	f.ctl.emit(authFailure(&transport.AuthRequiredError{
		URL: "http://media.example.com/secure/talk.wmv", Proxy: true, Schemes: []string{"Basic"}, Realm: "proxy.corp",
	}))
	p := f.v.login
	if p == nil {
		t.Fatal("no login prompt")
	}
	texts := strings.Join(overlayTexts(f.win.Canvas()), "\n")
	for _, want := range []string{"Proxy Log In", "The proxy asks for a user name and password to reach media.example.com.", "Realm: “proxy.corp”"} {
		if !strings.Contains(texts+"\n"+test.RenderObjectToMarkup(f.win.Canvas().Overlays().Top()), want) {
			t.Errorf("prompt does not say %q; it says:\n%s", want, texts)
		}
	}
	test.Type(p.user, "bob")
	test.Tap(p.loginBtn)
	f.expectCalls("SetCredentials([bob ])", "Open("+securedURL+")")
}

// A bare transport.ErrAuthRequired (another protocol) still gets the
// prompt, naming the host of the location.
func TestLoginPromptWithoutDetails(t *testing.T) {
	f := newFixture(t)
	f.v.Open("http://example.org/live")
	f.ctl.take()
	f.ctl.emit(player.Event{Kind: player.ErrorOccurred, Status: status(player.Failed, nil, 0),
		Err: fmt.Errorf("open http://example.org/live: %w", transport.ErrAuthRequired)})
	p := f.v.login
	if p == nil {
		t.Fatal("no login prompt")
	}
	if p.heading.Text != "example.org asks for a user name and password." || p.realm.Visible() || p.schemes.Visible() {
		t.Errorf("heading %q, realm shown %v, schemes shown %v", p.heading.Text, p.realm.Visible(), p.schemes.Visible())
	}
	// A later ordinary error replaces the prompt with the error dialog.
	f.ctl.emit(player.Event{Kind: player.ErrorOccurred, Status: status(player.Failed, nil, 0), Err: errors.New("connection refused")})
	if f.v.login != nil || len(f.win.Canvas().Overlays().List()) != 1 {
		t.Errorf("prompt %v, %d overlays", f.v.login != nil, len(f.win.Canvas().Overlays().List()))
	}
	if p.password.Text != "" {
		t.Error("password kept after the prompt closed")
	}
}
