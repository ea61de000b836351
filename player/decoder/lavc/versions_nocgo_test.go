//go:build !cgo

package lavc

import "testing"

// TestLibrariesWithoutCgo: a build without cgo links no FFmpeg library
// and lists none.
func TestLibrariesWithoutCgo(t *testing.T) {
	if l := Libraries(); l != nil {
		t.Errorf("Libraries() = %q without cgo", l)
	}
}
