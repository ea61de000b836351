package main

/*
#include <malloc.h>
*/
import "C"

// cHeap is the C heap's bytes in use (glibc's mallinfo2: FFmpeg's
// decoders and buffers live there).
func cHeap() int64 {
	m := C.mallinfo2()
	return int64(m.uordblks) + int64(m.hblkhd)
}
