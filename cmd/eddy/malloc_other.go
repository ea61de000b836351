//go:build !linux || !cgo

package main

// tuneMalloc does nothing where the C allocator is not glibc's (see
// malloc_linux.go).
func tuneMalloc() bool { return false }
