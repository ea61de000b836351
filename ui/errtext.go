package ui

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"

	"github.com/eddyplayer/eddy/transport"
)

// explain says in a user's words what went wrong and what to try; the
// error's own text (the client's details: addresses, packets, dial
// errors) stays for the dialog's Details. summary is "" when the error is
// of no kind the window knows: the dialog then leads with its innermost
// cause.
func explain(err error) (summary, hint string) {
	if err == nil {
		return "", ""
	}
	var dns *net.DNSError
	var st *transport.StatusError
	var ne net.Error
	switch {
	case errors.Is(err, transport.ErrEncrypted):
		return "This content is protected (DRM), which Eddy cannot play.", ""
	case errors.Is(err, syscall.ECONNREFUSED):
		return "The server refused the connection.", "Check the address and the port, or try again later: the server may be down."
	case errors.As(err, &dns):
		return "The server's name could not be found.", "Check the address for a typing mistake, and that this computer is connected to the network."
	case errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH):
		return "The server cannot be reached from this network.", "Check this computer's network connection."
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE):
		return "The server closed the connection.", "Try again; if it happens again, the server may be overloaded."
	case errors.As(err, &st):
		switch {
		case st.Code == http.StatusNotFound:
			return "The server has no file or stream at this address.", "Check the address; the stream may have ended or moved."
		case st.Code == http.StatusForbidden:
			return "The server does not allow access to this file or stream.", ""
		case st.Code >= 500:
			return "The server had a problem (" + st.Status + ").", "Try again later."
		}
		return "The server refused the request (" + st.Status + ").", "Check the address."
	case errors.Is(err, fs.ErrNotExist):
		return "The file does not exist.", "Check the file's name and folder."
	case errors.Is(err, fs.ErrPermission):
		return "The file cannot be read: permission denied.", ""
	case errors.Is(err, transport.ErrTruncated):
		return "The file or stream ends before its own header says it should.", "It may be incomplete; the part before the end can still play."
	case errors.Is(err, transport.ErrUnsupportedURL):
		return "Eddy does not know how to open this kind of address.", "Eddy opens files, http(s)://, mms://, mmsh://, rtsp:// and playlists."
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.As(err, &ne) && ne.Timeout() || strings.Contains(err.Error(), "timed out"):
		return "The server did not answer in time.", "The server may be busy or unreachable; try again later."
	}
	return "", ""
}
