package player

import (
	"net/url"

	"github.com/eddyplayer/eddy/transport"
)

// urlCredentials returns cfg with the user name and password of raw's
// user information ("mms://user:password@host/…", as Windows Media
// Player and VLC accept them) as the credentials offered when the server
// asks, unless credentials were given otherwise (the user's answer to a
// login prompt comes first).
func urlCredentials(cfg transport.Config, raw string) transport.Config {
	if cfg.Credentials != nil {
		return cfg
	}
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return cfg
	}
	pw, _ := u.User.Password()
	cfg.Credentials = &transport.Credentials{User: u.User.Username(), Password: pw}
	return cfg
}
