//go:build !cgo

package alsasink

import (
	"errors"
	"time"

	"github.com/eddyplayer/eddy/player/audio"
)

// errNoCgo is why a build without cgo has no ALSA device.
var errNoCgo = errors.New("this build has no ALSA output (built without cgo)")

func listHints() ([]Device, error) { return nil, errNoCgo }

func openPCM(string, []audio.Format, time.Duration) (device, params, error) {
	return nil, params{}, errNoCgo
}
