//go:build linux && cgo

package main

import "testing"

// TestTuneMalloc: glibc takes both settings (a value outside its bounds
// would be refused, and the window would map and unmap a buffer for each
// frame again). Their effect is measured by bench/window.sh: the page
// faults and CPU of the playing window.
func TestTuneMalloc(t *testing.T) {
	if !tuneMalloc() {
		t.Fatal("glibc refused the settings")
	}
}
