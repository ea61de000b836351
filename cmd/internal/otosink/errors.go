package otosink

import "errors"

// ErrNoDevice is wrapped by the errors of New, Probe and Open when no
// sound device can be opened. errors.Is(err, ErrNoDevice) tells the app
// to fall back to a paced audio.NullSink.
var ErrNoDevice = errors.New("no sound device")

// DeviceError is the error for a missing or unusable sound device. Its
// message is "no sound device: " followed by the cause (alsa-lib's or
// oto's words); it matches both ErrNoDevice and the cause.
type DeviceError struct {
	Err error
}

func (e *DeviceError) Error() string { return "no sound device: " + e.Err.Error() }

// Unwrap returns ErrNoDevice and the cause.
func (e *DeviceError) Unwrap() []error { return []error{ErrNoDevice, e.Err} }
