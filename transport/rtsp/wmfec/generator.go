package wmfec

import "sync"

const (
	// MaxSpan is the most source packets one FEC packet can protect: the
	// Mask has 24 bits ([MS-RTSP] 2.2.2.1, 2.2.2.4).
	MaxSpan = 24
	// MaxFECIndex is the largest FecIndex the 5-bit field can carry
	// ([MS-RTSP] 2.2.2.4).
	MaxFECIndex = 31
)

// vandermonde returns the n×k Vandermonde matrix of [MS-RTSP] 2.2.2.2.2,
// row-major: row r is 1, x, x^2, ..., x^(k-1) with x = r+1 ("Assign Xi = I",
// the first row all ones as in Figure 9 of 4.2).
func vandermonde(n, k int) []byte {
	v := make([]byte, n*k)
	for r := 0; r < n; r++ {
		for c := 0; c < k; c++ {
			v[r*k+c] = gfPow(byte(r+1), c)
		}
	}
	return v
}

// systematic returns the n×k systematic generator G = V · (V's first k
// rows)^-1 of [MS-RTSP] 2.2.2.2.2: its first k rows are the identity, so the
// first k encoded packets are the source packets, and row k+f codes the FEC
// packet whose FecIndex is f (Figure 10 of 4.2). Any k rows of V are
// invertible (distinct x), so the inverse always exists for n ≤ 255.
func systematic(n, k int) []byte {
	v := vandermonde(n, k)
	top, ok := invert(v[:k*k], k)
	if !ok {
		panic("wmfec: singular Vandermonde matrix") // unreachable: distinct nonzero x
	}
	g := make([]byte, n*k)
	for r := 0; r < n; r++ {
		for c := 0; c < k; c++ {
			var s byte
			for i := 0; i < k; i++ {
				s ^= gfMul(v[r*k+i], top[i*k+c])
			}
			g[r*k+c] = s
		}
	}
	return g
}

// generators caches, for each span size k (the number of source packets a
// FEC packet protects, the count of Mask bits), the FEC rows k..k+31 of the
// systematic generator: row f of a cached entry is the coefficients of the
// FEC packet with FecIndex f. Row k+f of G does not depend on n (it is the
// Vandermonde row of x = k+f+1 times the inverse of the first k rows), so k
// alone keys the cache.
var generators [MaxSpan + 1]struct {
	once sync.Once
	rows []byte // (MaxFECIndex+1) × k
}

// fecRows returns the cached FEC rows for span size k, 1 ≤ k ≤ MaxSpan.
func fecRows(k int) []byte {
	e := &generators[k]
	e.once.Do(func() {
		g := systematic(k+MaxFECIndex+1, k)
		e.rows = g[k*k:]
	})
	return e.rows
}
