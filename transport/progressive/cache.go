package progressive

import (
	"io"
	"sync"
)

// readAheadSize is the block a cachedReader fetches at once: packets are a
// few KB, so reading them one system call (or one HTTP range) at a time
// would be slow.
const readAheadSize = 256 << 10

// partialReaderAt is a source that can return fewer bytes than asked for
// without an error (HTTP): readAtLeast returns once need bytes came, plus
// those already received. A read-ahead block then costs no waiting: a
// read waits only for the bytes its caller needs, so a source's deadline
// applies to what the demuxer asked for, not to a whole block.
type partialReaderAt interface {
	readAtLeast(p []byte, off int64, need int) (int, error)
}

// cachedReader is an io.ReaderAt that serves small reads from one
// read-ahead block of the underlying ReaderAt. Memory stays bounded at one
// block. Only the end of the source (io.EOF) is remembered; any other
// error is returned once and the next read tries again.
type cachedReader struct {
	mu    sync.Mutex
	r     io.ReaderAt
	size  int64 // -1 when unknown
	block []byte
	off   int64 // file offset of block[0]
	n     int   // valid bytes in block
	eof   bool  // the source ends at off+n
}

func newCachedReader(r io.ReaderAt, size int64) *cachedReader {
	return &cachedReader{r: r, size: size, block: make([]byte, readAheadSize), off: -1}
}

// ReadAt implements io.ReaderAt.
func (c *cachedReader) ReadAt(p []byte, off int64) (int, error) {
	if len(p) > len(c.block)/2 {
		// Large reads (an index) bypass the cache.
		return c.r.ReadAt(p, off)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	done := 0
	for done < len(p) {
		pos := off + int64(done)
		if c.off >= 0 && pos >= c.off && pos < c.off+int64(c.n) {
			done += copy(p[done:], c.block[pos-c.off:c.n])
			continue
		}
		if c.eof && pos == c.off+int64(c.n) {
			return done, io.EOF
		}
		n, err := c.fill(pos, len(p)-done)
		done += copy(p[done:], c.block[pos-c.off:][:n])
		if done < len(p) {
			if err != nil {
				return done, err
			}
			if n == 0 {
				return done, io.ErrNoProgress
			}
		}
	}
	return done, nil
}

// fill reads the bytes at pos, waiting for at least need of them, and
// returns how many came. When pos follows the block and the block has
// room, they are added to it: a source that delivers a little at a time
// (a drip) keeps what came before, so a read that goes back into it (the
// ASF header, read whole after its first bytes) is served from memory,
// which a source without Range requests could not serve again. Otherwise
// a new block starts at pos.
func (c *cachedReader) fill(pos int64, need int) (int, error) {
	start := 0
	if c.off >= 0 && !c.eof && pos == c.off+int64(c.n) && c.n < len(c.block) {
		start = c.n
	} else {
		c.off, c.n, c.eof = pos, 0, false
	}
	want := len(c.block) - start
	if c.size >= 0 && pos+int64(want) > c.size {
		want = int(max(c.size-pos, 0))
	}
	if want == 0 {
		c.eof = true
		return 0, io.EOF
	}
	buf := c.block[start : start+want]
	var n int
	var err error
	if pr, ok := c.r.(partialReaderAt); ok {
		n, err = pr.readAtLeast(buf, pos, min(need, want))
	} else {
		n, err = c.r.ReadAt(buf, pos)
	}
	c.n = start + n
	if err == io.EOF || err == nil && n == want && start+want < len(c.block) {
		c.eof = true
	}
	return n, err
}
