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

// pcm is never opened in a build without cgo.
type pcm struct {
	format   audio.Format
	buffer   int
	period   int
	canPause bool
}

func openPCM(string, []audio.Format, time.Duration) (*pcm, error) { return nil, errNoCgo }

func (*pcm) write([]byte) (int, bool, error) { return 0, false, errNoCgo }
func (*pcm) wait(time.Duration) error        { return errNoCgo }
func (*pcm) delay() (int, error)             { return 0, errNoCgo }
func (*pcm) start() error                    { return errNoCgo }
func (*pcm) running() bool                   { return false }
func (*pcm) pause(bool) error                { return errNoCgo }
func (*pcm) drop() error                     { return errNoCgo }
func (*pcm) close()                          {}
