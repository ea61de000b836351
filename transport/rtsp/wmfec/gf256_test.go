package wmfec

import (
	"bytes"
	"fmt"
	"testing"
)

// hexRows parses rows of space-separated hex bytes.
func hexRows(t testing.TB, rows ...string) [][]byte {
	t.Helper()
	out := make([][]byte, len(rows))
	for i, r := range rows {
		var b []byte
		for _, f := range bytes.Fields([]byte(r)) {
			var v byte
			if _, err := fmt.Sscanf(string(f), "%x", &v); err != nil {
				t.Fatalf("row %d: %q: %v", i, f, err)
			}
			b = append(b, v)
		}
		out[i] = b
	}
	return out
}

// slowMul multiplies in GF(2^8) modulo 0x11D by shift and add, independently
// of the tables.
func slowMul(a, b byte) byte {
	var p uint16
	x, y := uint16(a), uint16(b)
	for y != 0 {
		if y&1 != 0 {
			p ^= x
		}
		y >>= 1
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11D
		}
	}
	return byte(p)
}

// TestFieldTablesFigure8 holds the tables to the first cells of MS-RTSP 4.2
// Figure 8 and to its three misprinted cells, corrected.
func TestFieldTablesFigure8(t *testing.T) {
	wantExp := hexRows(t, "01 02 04 08 10 20 40 80 1D 3A 74 E8 CD 87 13 26 4C")[0]
	for i, w := range wantExp {
		if gf.exp[i] != w {
			t.Errorf("exp[%d] = %#02x, Figure 8 says %#02x", i, gf.exp[i], w)
		}
	}
	wantLog := []uint16{512, 0, 1, 25, 2, 50, 26, 198, 3, 223, 51, 238, 27, 104, 199, 75}
	for i, w := range wantLog {
		if gf.log[i] != w {
			t.Errorf("log[%d] = %d, Figure 8 says %d", i, gf.log[i], w)
		}
	}
	// The errata: Figure 8 prints exp[0x4A] = 99, log[0x12] = 227,
	// log[0xDE] = 65, and exp[0xFF] = 1.
	if gf.exp[0x4A] != 0x89 || gf.log[0x12] != 224 || gf.log[0xDE] != 62 || gf.exp[0xFF] != 1 {
		t.Errorf("exp[0x4A]=%#x log[0x12]=%d log[0xDE]=%d exp[0xFF]=%d; want 0x89 224 62 1",
			gf.exp[0x4A], gf.log[0x12], gf.log[0xDE], gf.exp[0xFF])
	}
}

// TestFieldArithmetic checks every product and inverse against shift-and-add
// multiplication modulo x^8+x^4+x^3+x^2+1.
func TestFieldArithmetic(t *testing.T) {
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			if got, want := gfMul(byte(a), byte(b)), slowMul(byte(a), byte(b)); got != want {
				t.Fatalf("%#x·%#x = %#x, want %#x", a, b, got, want)
			}
		}
		if a != 0 && slowMul(byte(a), gf.inv[a]) != 1 {
			t.Fatalf("inv[%#x] = %#x is not an inverse", a, gf.inv[a])
		}
		if a != 0 && gf.exp[gf.log[a]] != byte(a) {
			t.Fatalf("exp[log[%#x]] = %#x", a, gf.exp[gf.log[a]])
		}
	}
	if gfPow(7, 3) != slowMul(7, slowMul(7, 7)) || gfPow(0, 0) != 1 || gfPow(0, 5) != 0 {
		t.Error("gfPow")
	}
}

// figure9 is the 10×6 Vandermonde matrix of MS-RTSP 4.2 Figure 9.
var figure9 = []string{
	"1 1 1 1 1 1",
	"1 2 4 8 10 20",
	"1 3 5 f 11 33",
	"1 4 10 40 1d 74",
	"1 5 11 55 1c 6c",
	"1 6 14 78 d 2e",
	"1 7 15 6b c 24",
	"1 8 40 3a cd 26",
	"1 9 41 73 cc e2",
	"1 a 44 92 dd 1",
}

// figure10 is the systematic generator of MS-RTSP 4.2 Figure 10.
var figure10 = []string{
	"1 0 0 0 0 0",
	"0 1 0 0 0 0",
	"0 0 1 0 0 0",
	"0 0 0 1 0 0",
	"0 0 0 0 1 0",
	"0 0 0 0 0 1",
	"ba 69 d3 d2 68 bb",
	"fe 60 89 60 f7 81",
	"56 3a 7b 93 ac 29",
	"d8 02 cd 25 95 a6",
}

func TestVandermondeFigure9(t *testing.T) {
	want := bytes.Join(hexRows(t, figure9...), nil)
	if got := vandermonde(10, 6); !bytes.Equal(got, want) {
		t.Errorf("V =\n% x\nwant\n% x", got, want)
	}
}

func TestGeneratorFigure10(t *testing.T) {
	want := bytes.Join(hexRows(t, figure10...), nil)
	if got := systematic(10, 6); !bytes.Equal(got, want) {
		t.Errorf("G =\n% x\nwant\n% x", got, want)
	}
	if got := fecRows(6)[:4*6]; !bytes.Equal(got, want[6*6:]) {
		t.Errorf("cached FEC rows for k=6 = % x, want % x", got, want[6*6:])
	}
}

// TestGeneratorRows checks FEC rows for other span sizes, and that every
// row of every cached generator sums to 1 (V's first column is all ones),
// which keeps a span of one payload type coded in 7 bits.
func TestGeneratorRows(t *testing.T) {
	cases := []struct {
		k    int
		rows []string
	}{
		{1, []string{"01", "01", "01"}},
		{2, []string{"f4 f5", "02 03", "f6 f7", "f7 f6"}},
		{3, []string{"07 09 0f", "07 08 0e"}},
		{4, []string{"52 f7 02 a6", "f7 07 04 f5", "02 04 d5 d2", "2c 62 44 0b"}},
		{24, []string{"01 97 52 26 a1 69 f4 14 98 45 92 b0 5f 16 7c e0 ee 1a 55 a3 96 a9 03 df"}},
	}
	for _, c := range cases {
		want := bytes.Join(hexRows(t, c.rows...), nil)
		if got := fecRows(c.k)[:len(want)]; !bytes.Equal(got, want) {
			t.Errorf("k=%d: FEC rows % x, want % x", c.k, got, want)
		}
	}
	for k := 1; k <= MaxSpan; k++ {
		rows := fecRows(k)
		for f := 0; f <= MaxFECIndex; f++ {
			var s byte
			for _, c := range rows[f*k : (f+1)*k] {
				s ^= c
			}
			if s != 1 {
				t.Fatalf("k=%d FecIndex %d: row sums to %#x", k, f, s)
			}
		}
	}
}

// TestAnyRowsInvertible checks the property recovery rests on (MS-RTSP
// 2.2.2.2.1): for every span size, any e FEC rows restricted to any e
// missing columns form an invertible matrix. Exhaustive over the loss sets
// of up to 3 packets and the FEC index sets within 0..e, for every k.
func TestAnyRowsInvertible(t *testing.T) {
	for k := 1; k <= MaxSpan; k++ {
		rows := fecRows(k)
		for e := 1; e <= min(3, k); e++ {
			forEachSubset(k, e, func(miss []int) {
				forEachSubset(e+1, e, func(fs []int) { // FecIndex sets within 0..e
					a := make([]byte, e*e)
					for i, f := range fs {
						for j, m := range miss {
							a[i*e+j] = rows[f*k+m]
						}
					}
					if _, ok := invert(a, e); !ok {
						t.Fatalf("k=%d: FEC rows %v on columns %v are singular", k, fs, miss)
					}
				})
			})
		}
	}
}

// forEachSubset calls fn with every e-subset of 0..n-1 in increasing order.
func forEachSubset(n, e int, fn func([]int)) {
	s := make([]int, e)
	var rec func(i, from int)
	rec = func(i, from int) {
		if i == e {
			fn(s)
			return
		}
		for v := from; v < n; v++ {
			s[i] = v
			rec(i+1, v+1)
		}
	}
	rec(0, 0)
}

func TestInvertSingular(t *testing.T) {
	if _, ok := invert([]byte{1, 2, 1, 2}, 2); ok {
		t.Error("a matrix with two equal rows was inverted")
	}
	a := []byte{1, 2, 3, 4}
	inv, ok := invert(a, 2)
	if !ok {
		t.Fatal("not inverted")
	}
	// a · inv = I
	for r := 0; r < 2; r++ {
		for c := 0; c < 2; c++ {
			v := gfMul(a[r*2], inv[c]) ^ gfMul(a[r*2+1], inv[2+c])
			if want := byte(0); r == c && v != 1 || r != c && v != want {
				t.Fatalf("a·inv[%d][%d] = %#x", r, c, v)
			}
		}
	}
}
