package ui

import (
	"errors"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/transport"
)

// loginPrompt is the dialog that asks for a user name and password when a
// server or proxy requires authentication (an ErrorOccurred event wrapping
// transport.ErrAuthRequired). Logging in hands the credentials to the
// player (Controller.SetCredentials) and opens the same location again.
//
// The password lives only in the password entry until the user confirms;
// it is then cleared from the entry, and the view keeps nothing of it (it
// is never logged, shown or stored in the preferences). The user name is
// remembered per host for this session, to fill in the next prompt.
type loginPrompt struct {
	dialog   *dialog.CustomDialog
	location string
	host     string
	userKey  string // where the user name is remembered

	heading  *widget.Label
	realm    *widget.Label
	schemes  *widget.Label
	rejected *widget.Label
	user     *widget.Entry
	password *widget.Entry
	loginBtn *widget.Button
	cancel   *widget.Button
}

// authInfo is what the window says about an authentication request.
type authInfo struct {
	host     string
	proxy    bool
	realm    string
	schemes  []string
	rejected bool
}

// describeAuth reads err (wrapping transport.ErrAuthRequired, usually
// through a *transport.AuthRequiredError) for the prompt; location is what the
// user opened.
func describeAuth(location string, err error) authInfo {
	info := authInfo{host: hostOf(location)}
	var ae *transport.AuthRequiredError
	if errors.As(err, &ae) {
		info.proxy, info.realm, info.rejected = ae.Proxy, ae.Realm, ae.Rejected
		info.schemes = append(info.schemes, ae.Schemes...)
		if ae.URL != "" {
			info.host = hostOf(ae.URL) // after redirects, the server that asks
		}
	}
	return info
}

// hostOf returns the host of a URL, or the location itself when it has
// none.
func hostOf(location string) string {
	if u, err := url.Parse(location); err == nil && u.Host != "" {
		return u.Host
	}
	return location
}

// showLogin shows the login prompt for location, replacing any error
// dialog or earlier prompt.
func (v *View) showLogin(location string, err error) {
	v.hideDialogs()
	info := describeAuth(location, err)
	p := &loginPrompt{location: location, host: info.host}
	key := info.host
	if info.proxy {
		key = "proxy for " + key
	}
	p.userKey = key

	title := "Log In"
	p.heading = &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}}
	if info.proxy {
		title = "Proxy Log In"
		p.heading.Text = "The proxy asks for a user name and password to reach " + info.host + "."
	} else {
		p.heading.Text = info.host + " asks for a user name and password."
	}
	p.realm = &widget.Label{Wrapping: fyne.TextWrapWord}
	if info.realm != "" {
		p.realm.Text = "Realm: “" + info.realm + "”"
	} else {
		p.realm.Hide()
	}
	p.schemes = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	if len(info.schemes) > 0 {
		p.schemes.Text = "Authentication: " + strings.Join(info.schemes, ", ")
	} else {
		p.schemes.Hide()
	}
	p.rejected = &widget.Label{
		Text:       "The user name or password was not accepted. Please try again.",
		Wrapping:   fyne.TextWrapWord,
		Importance: widget.DangerImportance,
	}
	if !info.rejected {
		p.rejected.Hide()
	}

	p.user = widget.NewEntry()
	p.user.SetPlaceHolder(`user, or DOMAIN\user`)
	p.user.SetText(v.loginUsers[p.userKey])
	p.password = widget.NewPasswordEntry()
	p.password.SetPlaceHolder("Password")
	p.loginBtn = widget.NewButtonWithIcon("Log In", theme.LoginIcon(), func() { v.submitLogin(p) })
	p.loginBtn.Importance = widget.HighImportance
	p.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { v.closeLogin(p) })
	update := func(string) {
		if strings.TrimSpace(p.user.Text) == "" {
			p.loginBtn.Disable()
		} else {
			p.loginBtn.Enable()
		}
	}
	p.user.OnChanged = update
	update("")
	p.user.OnSubmitted = func(string) { v.win.Canvas().Focus(p.password) }
	p.password.OnSubmitted = func(string) { v.submitLogin(p) }

	form := widget.NewForm(
		widget.NewFormItem("User name", p.user),
		widget.NewFormItem("Password", p.password),
	)
	body := container.NewVBox(p.heading, p.realm, p.schemes, p.rejected, form)
	content := container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.AccountIcon())), nil, body)
	p.dialog = dialog.NewCustomWithoutButtons(title, content, v.win)
	p.dialog.SetButtons([]fyne.CanvasObject{p.cancel, p.loginBtn})
	width := float32(460)
	if cs := v.win.Canvas().Size(); cs.Width > 0 && cs.Width*0.9 < width {
		width = cs.Width * 0.9
	}
	p.dialog.Resize(fyne.NewSize(width, 0))
	p.dialog.SetOnClosed(func() {
		p.password.SetText("")
		if v.login == p {
			v.login = nil
		}
	})
	v.login = p
	p.dialog.Show()
	if p.user.Text == "" {
		v.win.Canvas().Focus(p.user)
	} else {
		v.win.Canvas().Focus(p.password)
	}
}

// submitLogin gives the typed credentials to the player and opens the
// location again.
func (v *View) submitLogin(p *loginPrompt) {
	user := strings.TrimSpace(p.user.Text)
	if user == "" || v.login != p {
		return
	}
	password := p.password.Text
	p.password.SetText("")
	if v.loginUsers == nil {
		v.loginUsers = map[string]string{}
	}
	v.loginUsers[p.userKey] = user
	v.closeLogin(p)
	v.ctl.SetCredentials(user, password)
	v.open(p.location, p.location != v.demo) // remembered once it plays
}

func (v *View) closeLogin(p *loginPrompt) {
	p.password.SetText("")
	p.dialog.Hide()
	if v.login == p {
		v.login = nil
	}
}

// hideDialogs closes the error dialog and the login prompt.
func (v *View) hideDialogs() {
	if v.errDialog != nil {
		v.errDialog.Hide()
		v.errDialog = nil
	}
	if v.login != nil {
		v.closeLogin(v.login)
	}
}
