package progressive

import (
	"io"
	"sync"
)

// readAheadSize is the block a cachedReader fetches at once: packets are a
// few KB, so reading them one system call (or one HTTP range) at a time
// would be slow.
const readAheadSize = 256 << 10

// cachedReader is an io.ReaderAt that serves small reads from one
// read-ahead block of the underlying ReaderAt. Memory stays bounded at one
// block.
type cachedReader struct {
	mu    sync.Mutex
	r     io.ReaderAt
	size  int64 // -1 when unknown
	block []byte
	off   int64 // file offset of block[0]
	n     int   // valid bytes in block
	err   error // error that ended the last fill (io.EOF at the end)
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
		if c.off < 0 || pos < c.off || pos >= c.off+int64(c.n) {
			if c.off >= 0 && pos == c.off+int64(c.n) && c.err != nil {
				return done, c.err
			}
			c.fill(pos)
			if c.n == 0 {
				if c.err == nil {
					c.err = io.ErrNoProgress
				}
				return done, c.err
			}
			continue
		}
		done += copy(p[done:], c.block[pos-c.off:c.n])
	}
	return done, nil
}

func (c *cachedReader) fill(pos int64) {
	want := len(c.block)
	if c.size >= 0 && pos+int64(want) > c.size {
		want = int(max(c.size-pos, 0))
	}
	c.off = pos
	c.n, c.err = 0, nil
	if want == 0 {
		c.err = io.EOF
		return
	}
	n, err := c.r.ReadAt(c.block[:want], pos)
	c.n = n
	if err == nil && n == want && want < len(c.block) {
		err = io.EOF
	}
	c.err = err
}
