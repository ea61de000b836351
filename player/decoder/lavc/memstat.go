//go:build cgo

package lavc

/*
#include <malloc.h>

// eddy_heap_in_use is the C heap in use (all malloc arenas plus mmapped
// chunks), or -1 where glibc's mallinfo2 is not available.
static long long eddy_heap_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 m = mallinfo2();
	return (long long)(m.uordblks + m.hblkhd);
#else
	return -1;
#endif
}
*/
import "C"

// cHeapInUse reports the bytes of C heap in use (glibc mallinfo2), or -1
// when the C library cannot tell. FFmpeg allocates through malloc
// (posix_memalign), so the leak test measures its allocations with it.
func cHeapInUse() int64 { return int64(C.eddy_heap_in_use()) }
