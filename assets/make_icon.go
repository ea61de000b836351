//go:build ignore

// make_icon draws Eddy's application icon, a play triangle inside a
// whirlpool ("eddy") spiral on a rounded water-blue square, and writes it as
// a PNG, 512×512 unless -size says otherwise. It uses only the standard
// library; the drawing is analytic, anti-aliased by 4×4 supersampling, so
// the output is the same on every machine.
//
// Usage: go run assets/make_icon.go [-o assets/icon.png] [-size 512]
//
// Both committed icons: go run assets/make_icon.go && go run
// assets/make_icon.go -size 256 -o assets/icon256.png
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

const (
	size   = 512   // the drawing's own coordinates
	radius = 104.0 // corner radius of the rounded square
	margin = 16.0
	ss     = 4 // supersampling per axis
)

func main() {
	out := flag.String("o", "assets/icon.png", "output PNG file")
	n := flag.Int("size", size, "width and height of the PNG in pixels")
	flag.Parse()
	if *n < 16 || *n > 4096 {
		fmt.Fprintln(os.Stderr, "make_icon: -size wants 16 to 4096")
		os.Exit(2)
	}
	if err := write(*out, *n); err != nil {
		fmt.Fprintln(os.Stderr, "make_icon:", err)
		os.Exit(1)
	}
}

// write draws the icon n pixels square into path.
func write(path string, n int) error {
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	scale := float64(size) / float64(n) // drawing units per pixel
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					px := (float64(x) + (float64(sx)+0.5)/ss) * scale
					py := (float64(y) + (float64(sy)+0.5)/ss) * scale
					cr, cg, cb, ca := shade(px, py)
					r += cr * ca
					g += cg * ca
					b += cb * ca
					a += ca
				}
			}
			samples := float64(ss * ss)
			if a == 0 {
				continue
			}
			img.SetNRGBA(x, y, color.NRGBA{
				R: to8(r / a), G: to8(g / a), B: to8(b / a), A: to8(a / samples),
			})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func to8(v float64) uint8 {
	return uint8(math.Round(math.Max(0, math.Min(1, v)) * 255))
}

// shade returns the colour (0..1 components) and coverage at a sample point.
func shade(x, y float64) (r, g, b, a float64) {
	if !inRoundedSquare(x, y) {
		return 0, 0, 0, 0
	}
	// Diagonal gradient: deep indigo at the top left to sky blue at the
	// bottom right.
	t := (x + y) / (2 * size)
	r = lerp(0.12, 0.05, t)
	g = lerp(0.23, 0.65, t)
	b = lerp(0.54, 0.91, t)

	cx, cy := size/2.0, size/2.0
	dx, dy := x-cx, y-cy
	// Soft highlight in the upper left.
	hl := math.Exp(-(sq(x-150)+sq(y-120))/(2*sq(150))) * 0.18
	r, g, b = r+hl, g+hl, b+hl

	// The eddy: an Archimedean spiral stroke, widening as it goes out.
	if d, w := spiralDistance(dx, dy); d < w {
		k := 0.85
		r, g, b = lerp(r, 1, k), lerp(g, 1, k), lerp(b, 1, k)
	}
	// The play triangle, slightly right of centre for optical balance.
	if inTriangle(x, y, cx-58, cy-80, cx-58, cy+80, cx+84, cy) {
		r, g, b = 1, 1, 1
	}
	return r, g, b, 1
}

// spiralDistance returns the distance from (dx, dy) to the spiral
// r = r0 + k·θ (θ from 0 to θmax) and the stroke half-width there.
func spiralDistance(dx, dy float64) (dist, halfWidth float64) {
	const (
		r0   = 118.0
		k    = 62.0 / (2 * math.Pi) // radius gained per turn
		tmax = 1.45 * 2 * math.Pi
	)
	rr := math.Hypot(dx, dy)
	phi := math.Atan2(dy, dx)
	if phi < 0 {
		phi += 2 * math.Pi
	}
	dist = math.Inf(1)
	halfWidth = 0
	for turn := 0; turn < 3; turn++ {
		th := phi + float64(turn)*2*math.Pi
		if th > tmax {
			break
		}
		d := math.Abs(rr - (r0 + k*th))
		if d < dist {
			dist = d
			// Taper: thin at the start, thicker outside, rounded ends.
			halfWidth = 5 + 9*th/tmax
			if th < 0.4 {
				halfWidth *= th / 0.4
			}
			if th > tmax-0.3 {
				halfWidth *= (tmax - th) / 0.3
			}
		}
	}
	return dist, halfWidth
}

func inRoundedSquare(x, y float64) bool {
	lo, hi := margin, size-margin
	if x < lo || x > hi || y < lo || y > hi {
		return false
	}
	cx := math.Max(lo+radius, math.Min(hi-radius, x))
	cy := math.Max(lo+radius, math.Min(hi-radius, y))
	return sq(x-cx)+sq(y-cy) <= sq(radius)
}

func inTriangle(px, py, ax, ay, bx, by, cx, cy float64) bool {
	s1 := cross(ax, ay, bx, by, px, py)
	s2 := cross(bx, by, cx, cy, px, py)
	s3 := cross(cx, cy, ax, ay, px, py)
	neg := s1 < 0 || s2 < 0 || s3 < 0
	pos := s1 > 0 || s2 > 0 || s3 > 0
	return !(neg && pos)
}

func cross(ax, ay, bx, by, px, py float64) float64 {
	return (bx-ax)*(py-ay) - (by-ay)*(px-ax)
}

func lerp(a, b, t float64) float64 { return a + (b-a)*t }

func sq(v float64) float64 { return v * v }
