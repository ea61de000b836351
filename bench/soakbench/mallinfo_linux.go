package main

/*
#include <malloc.h>
*/
import "C"

// cHeap is the C heap's bytes in use and the bytes glibc keeps free in
// its arenas (mallinfo2: FFmpeg's decoders and buffers live there; what
// they free stays with the allocator until it is trimmed).
func cHeap() (inUse, free int64) {
	m := C.mallinfo2()
	return int64(m.uordblks) + int64(m.hblkhd), int64(m.fordblks)
}
