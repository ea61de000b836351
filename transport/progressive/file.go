package progressive

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
)

// MatchFile accepts file:// URLs (and bare paths, which transport.ParseURL
// turns into file:// URLs).
func MatchFile(u *url.URL) bool { return u.Scheme == "file" }

// FileDialer opens local ASF files.
type FileDialer struct{}

// Dial implements transport.Dialer.
func (FileDialer) Dial(ctx context.Context, raw string, cfg transport.Config) (transport.Session, error) {
	u, err := transport.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	path := u.Path
	if u.Opaque != "" {
		path = u.Opaque
	}
	if u.Host != "" && u.Host != "localhost" {
		return nil, fmt.Errorf("%w: file URL with remote host %q", transport.ErrUnsupportedURL, u.Host)
	}
	// os errors name the path already.
	f, err := os.Open(filepath.Clean(path))
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("opening %s: is a directory", path)
	}
	cr := newCachedReader(f, st.Size())
	af, err := asf.OpenFile(cr, st.Size())
	if err != nil {
		// A playlist metafile (a local .asx) is handed back to be opened
		// as a playlist.
		me, merr := detectMetafile(cr, u, "")
		f.Close()
		if me != nil {
			return nil, me
		}
		if merr != nil {
			return nil, fmt.Errorf("reading %s: %w", path, merr)
		}
		return nil, fmt.Errorf("reading %s: %w", path, truncation(err))
	}
	s, err := NewSession(af, f, u.String(), "file", true, cfg)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.info.Local = true
	return s, nil
}
