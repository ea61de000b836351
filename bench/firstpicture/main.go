// Command firstpicture measures a video player's start-up as a person sees
// it: the time from launching the player to the first picture on the
// screen (issue 12). It starts the command given after its flags, then
// reads the X display's root window (XGetImage) as fast as it can and
// stops at the first read in which at least -pixels pixels are within
// -tolerance of the colour -rgb (the colour the clip is made of, one no
// player's own interface shows). It prints the milliseconds, then ends the
// player.
//
//	firstpicture -rgb ffff00 -- bin/eddy clip.wmv
//
// Each read of a 1280x800 root window takes a few milliseconds on Xvfb;
// the printed resolution is the longest gap between two reads.
package main

/*
#cgo pkg-config: x11
#include <stdlib.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

// count returns how many pixels of the root window are within tol of
// (r,g,b) in each channel, or -1 when the screen cannot be read.
static long count(Display *d, int r, int g, int b, int tol) {
	Window root = DefaultRootWindow(d);
	XWindowAttributes wa;
	if (!XGetWindowAttributes(d, root, &wa)) return -1;
	XImage *img = XGetImage(d, root, 0, 0, wa.width, wa.height, AllPlanes, ZPixmap);
	if (!img) return -1;
	long n = 0;
	for (int y = 0; y < img->height; y++) {
		for (int x = 0; x < img->width; x++) {
			unsigned long p = XGetPixel(img, x, y);
			int pr = (p & img->red_mask) >> 16, pg = (p & img->green_mask) >> 8, pb = p & img->blue_mask;
			if (abs(pr - r) <= tol && abs(pg - g) <= tol && abs(pb - b) <= tol) n++;
		}
	}
	XDestroyImage(img);
	return n;
}
*/
import "C"

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
	"unsafe"
)

func main() {
	rgb := flag.String("rgb", "ffff00", "the clip's colour, `RRGGBB` in hex")
	tol := flag.Int("tolerance", 40, "how far each channel may be from -rgb")
	pixels := flag.Int("pixels", 5000, "how many pixels of the colour make a picture")
	timeout := flag.Duration("timeout", 30*time.Second, "give up after this long")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: firstpicture [flags] -- player args...")
		os.Exit(2)
	}
	v, err := strconv.ParseUint(*rgb, 16, 32)
	if err != nil || len(*rgb) != 6 {
		fmt.Fprintln(os.Stderr, "firstpicture: -rgb wants RRGGBB in hex")
		os.Exit(2)
	}
	ms, gap, err := measure(flag.Args(), int(v>>16), int(v>>8&0xff), int(v&0xff), *tol, int64(*pixels), *timeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "firstpicture:", err)
		os.Exit(1)
	}
	fmt.Printf("%d %d\n", ms, gap)
}

// measure runs args and returns the milliseconds to the first picture and
// the longest gap between two screen reads until then.
func measure(args []string, r, g, b, tol int, pixels int64, timeout time.Duration) (ms, gap int64, err error) {
	name := C.CString(os.Getenv("DISPLAY"))
	defer C.free(unsafe.Pointer(name))
	d := C.XOpenDisplay(name)
	if d == nil {
		return 0, 0, errors.New("cannot open the display $DISPLAY")
	}
	defer C.XCloseDisplay(d)
	if n := C.count(d, C.int(r), C.int(g), C.int(b), C.int(tol)); n >= C.long(pixels) {
		return 0, 0, fmt.Errorf("the screen already shows %d pixels of the colour", n)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		cmd.Wait()
	}()
	last := start
	for {
		n := C.count(d, C.int(r), C.int(g), C.int(b), C.int(tol))
		now := time.Now()
		if step := now.Sub(last).Milliseconds(); step > gap {
			gap = step
		}
		last = now
		if n < 0 {
			return 0, 0, errors.New("cannot read the screen")
		}
		if int64(n) >= pixels {
			return now.Sub(start).Milliseconds(), gap, nil
		}
		if now.Sub(start) > timeout {
			return 0, 0, fmt.Errorf("no picture within %v", timeout)
		}
	}
}
