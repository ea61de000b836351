// Package bufpool recycles the buffers of media samples: a session's
// demuxer takes a sample's Data from Get, the player gives it back with
// Put once its decoder is done with it (transport.Sample's Data is the
// receiver's to give back), so a long playback stops allocating a buffer
// per audio block and video frame. The Go garbage collector's cost of
// fresh buffers made the player's demux path slower than FFmpeg's
// (issue 12); recycled, it is not.
//
// The pool is bounded: buffers are kept by power-of-two capacity, 64 B to
// 16 MiB, at most about 8 MiB of each size (and at least 4 buffers, at
// most maxKept); a buffer put into a full class is left to the garbage
// collector.
package bufpool

import "math/bits"

const (
	minClass = 6  // 64 B
	maxClass = 24 // 16 MiB
	// classBytes bounds the bytes a class keeps.
	classBytes = 8 << 20
	// maxKept bounds the buffers of one class: more than a player's
	// queues hold at once (a 30 s buffer of 50 audio blocks a second),
	// and it keeps the small classes' slots from costing megabytes
	// before a single buffer is pooled (131072 slots for 64 B buffers
	// took 3 MiB of the window's memory; issue 12).
	maxKept = 2048
)

// kept is how many buffers class c keeps at most.
func kept(c int) int { return min(max(4, classBytes>>c), maxKept) }

var classes [maxClass + 1]chan []byte

func init() {
	for c := minClass; c <= maxClass; c++ {
		classes[c] = make(chan []byte, kept(c))
	}
}

// class is the power-of-two class holding n bytes.
func class(n int) int { return max(bits.Len(uint(max(n, 1)-1)), minClass) }

// Get returns a buffer of length n, recycled when one of its class is
// free (its content is whatever was there: the caller overwrites it).
// Buffers over 16 MiB are allocated and never kept.
func Get(n int) []byte {
	if n < 0 {
		n = 0
	}
	c := class(n)
	if c > maxClass {
		return make([]byte, n)
	}
	select {
	case b := <-classes[c]:
		return b[:n]
	default:
		return make([]byte, n, 1<<c)
	}
}

// Put gives b back for reuse. The caller must not use b, or any slice of
// its array, afterwards. Buffers Get did not make (a capacity that is not
// a class's) are left to the garbage collector.
func Put(b []byte) {
	n := cap(b)
	c := bits.Len(uint(n - 1))
	if n < 1<<minClass || n != 1<<c || c > maxClass {
		return
	}
	select {
	case classes[c] <- b[:0]:
	default:
	}
}

// Kept is the number of bytes the pool holds for reuse now (for the
// soak benchmark's readings).
func Kept() int64 {
	var n int64
	for c := minClass; c <= maxClass; c++ {
		n += int64(len(classes[c])) << c
	}
	return n
}
