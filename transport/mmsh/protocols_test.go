package mmsh_test

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
)

// TestHTTPOff: with MMS over HTTP turned off (transport.Config.NoHTTP)
// the dialer refuses at once with ErrProtocolOff, connecting nowhere.
func TestHTTPOff(t *testing.T) {
	d := &mmsh.Dialer{DialContext: func(context.Context, string, string) (net.Conn, error) {
		t.Fatal("a connection was made")
		return nil, nil
	}}
	if _, err := d.Dial(context.Background(), "mmsh://example.com/live", transport.Config{NoHTTP: true}); !errors.Is(err, transport.ErrProtocolOff) {
		t.Fatalf("%v", err)
	}
}
