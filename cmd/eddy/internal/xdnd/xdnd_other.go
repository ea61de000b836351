//go:build !cgo || !linux

package xdnd

import "errors"

// Drop needs cgo and X11 (Linux).
func Drop(display string, target uint64, x, y int, uris []string) error {
	return errors.New("xdnd: needs cgo and X11")
}
