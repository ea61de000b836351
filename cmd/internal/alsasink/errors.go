package alsasink

import "errors"

// ErrDevice is wrapped by every error of a device that cannot be opened
// or that fails while playing (unplugged, busy, gone from the
// configuration).
var ErrDevice = errors.New("audio device")

// DeviceError is the error of the ALSA PCM Name: "audio device NAME: "
// and the cause (alsa-lib's words). It matches ErrDevice and the cause.
type DeviceError struct {
	Name string
	Err  error
}

func (e *DeviceError) Error() string { return "audio device " + quote(e.Name) + ": " + e.Err.Error() }

// Unwrap returns ErrDevice and the cause.
func (e *DeviceError) Unwrap() []error { return []error{ErrDevice, e.Err} }

// quote quotes a device name only when it needs it to be read back.
func quote(s string) string {
	for _, r := range s {
		if r <= ' ' || r == '"' {
			return `"` + s + `"`
		}
	}
	if s == "" {
		return `""`
	}
	return s
}
