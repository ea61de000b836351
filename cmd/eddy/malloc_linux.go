//go:build linux && cgo

package main

/*
#include <malloc.h>

// eddy_tune_malloc keeps large blocks in the C heap (see tuneMalloc);
// 1 when glibc took both settings.
static int eddy_tune_malloc(void) {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
	int ok = mallopt(M_MMAP_THRESHOLD, 32 << 20);
	return ok && mallopt(M_TRIM_THRESHOLD, 64 << 20);
#else
	return 0;
#endif
}

*/
import "C"

// tuneMalloc makes the C allocator keep blocks up to 32 MiB in its heap
// instead of mapping each one afresh, and keep up to 64 MiB freed at the
// heap's top. The OpenGL driver without a GPU (Mesa's software renderer)
// allocates and frees a window-sized buffer (2.5 MB for 1000x640) for
// every frame it presents; glibc mapped each from the kernel and unmapped
// it again, 10,000 page faults a second while a video played, a third of
// the window's CPU on this project's virtual machine (issue 12). It
// reports whether the allocator took the settings (not glibc: no).
func tuneMalloc() bool { return C.eddy_tune_malloc() == 1 }
