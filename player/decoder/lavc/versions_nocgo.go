//go:build !cgo

package lavc

// Libraries returns nil in a build without cgo: no FFmpeg library is
// linked.
func Libraries() []string { return nil }
