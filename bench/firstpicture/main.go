// Command firstpicture measures a video player's start-up as a person sees
// it: the time from launching the player to the first picture on the
// screen (issue 12). It starts the command given after its flags, then
// reads the X display's root window every -interval and stops at the
// first read in which at least -pixels pixels are within -tolerance of
// the colour -rgb (the colour the clip is made of, one no player's own
// interface shows). It prints the milliseconds, then ends the player.
//
//	firstpicture -rgb ffff00 -- bin/eddy clip.wmv
//
// The reader must take little of the machine it measures, or it measures
// itself: the players start up on the same two cores. Each read goes
// through the MIT-SHM extension (the X server copies the screen into
// memory shared with this process, nothing crosses the socket), counts
// every -stride'th pixel of every -stride'th row, and the reader then
// sleeps -interval. Reading the whole screen through XGetImage as fast as
// possible, as this command first did, kept 0.86 of a core busy here and
// Xvfb another third of one. Without MIT-SHM (a remote display) it falls
// back to XGetImage. The printed resolution is the longest gap between
// two reads.
package main

/*
#cgo pkg-config: x11 xext
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>

// screen is the root window and, with MIT-SHM, the shared image it is
// read into.
typedef struct {
	Display *d;
	Window root;
	int width, height;
	XImage *shm; // NULL: read with XGetImage
	XShmSegmentInfo info;
} screen;

// screen_open prepares to read the root window of d, through MIT-SHM when
// the server has it. It returns 0, or -1 when the root window's size
// cannot be read.
static int screen_open(screen *s, Display *d) {
	XWindowAttributes wa;
	s->d = d;
	s->root = DefaultRootWindow(d);
	s->shm = NULL;
	if (!XGetWindowAttributes(d, s->root, &wa)) return -1;
	s->width = wa.width;
	s->height = wa.height;
	if (!XShmQueryExtension(d)) return 0;
	XImage *img = XShmCreateImage(d, wa.visual, wa.depth, ZPixmap, NULL, &s->info, wa.width, wa.height);
	if (!img) return 0;
	s->info.shmid = shmget(IPC_PRIVATE, (size_t)img->bytes_per_line * img->height, IPC_CREAT | 0600);
	if (s->info.shmid < 0) { XDestroyImage(img); return 0; }
	s->info.shmaddr = img->data = shmat(s->info.shmid, NULL, 0);
	// Marked for removal now: it goes when both sides have detached,
	// however this process ends.
	shmctl(s->info.shmid, IPC_RMID, NULL);
	if (s->info.shmaddr == (char *)-1) { img->data = NULL; XDestroyImage(img); return 0; }
	s->info.readOnly = False;
	if (!XShmAttach(d, &s->info)) { shmdt(s->info.shmaddr); img->data = NULL; XDestroyImage(img); return 0; }
	XSync(d, False);
	s->shm = img;
	return 0;
}

static void screen_close(screen *s) {
	if (!s->shm) return;
	XShmDetach(s->d, &s->info);
	XSync(s->d, False);
	shmdt(s->info.shmaddr);
	s->shm->data = NULL;
	XDestroyImage(s->shm);
	s->shm = NULL;
}

static int shm_used(screen *s) { return s->shm != NULL; }

// screen_count returns how many of the sampled pixels (every stride'th of
// every stride'th row) are within tol of (r,g,b) in each channel, or -1
// when the screen cannot be read.
static long screen_count(screen *s, int r, int g, int b, int tol, int stride) {
	XImage *img = s->shm;
	if (img) {
		if (!XShmGetImage(s->d, s->root, img, 0, 0, AllPlanes)) return -1;
	} else {
		img = XGetImage(s->d, s->root, 0, 0, s->width, s->height, AllPlanes, ZPixmap);
		if (!img) return -1;
	}
	long n = 0;
	for (int y = 0; y < img->height; y += stride) {
		for (int x = 0; x < img->width; x += stride) {
			unsigned long p;
			if (img->bits_per_pixel == 32) {
				p = ((unsigned int *)(img->data + (long)y * img->bytes_per_line))[x];
			} else {
				p = XGetPixel(img, x, y);
			}
			int pr = (p & img->red_mask) >> 16, pg = (p & img->green_mask) >> 8, pb = p & img->blue_mask;
			if (abs(pr - r) <= tol && abs(pg - g) <= tol && abs(pb - b) <= tol) n++;
		}
	}
	if (img != s->shm) XDestroyImage(img);
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
	interval := flag.Duration("interval", 3*time.Millisecond, "pause between two reads of the screen")
	stride := flag.Int("stride", 4, "count every `N`th pixel of every Nth row (-pixels stays in pixels)")
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
	if *stride < 1 || *stride > 16 || *interval < 0 {
		fmt.Fprintln(os.Stderr, "firstpicture: -stride wants 1 to 16, -interval a duration >= 0")
		os.Exit(2)
	}
	// The samples that stand for -pixels pixels.
	samples := int64(*pixels) / int64(*stride**stride)
	if samples < 1 {
		samples = 1
	}
	ms, gap, err := measure(flag.Args(), rgbTarget{int(v >> 16), int(v >> 8 & 0xff), int(v & 0xff), *tol, *stride}, samples, *interval, *timeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "firstpicture:", err)
		os.Exit(1)
	}
	fmt.Printf("%d %d\n", ms, gap)
}

// rgbTarget is the colour looked for and how the screen is sampled.
type rgbTarget struct{ r, g, b, tol, stride int }

// count returns how many sampled pixels of the screen have the colour, or
// -1 when the screen cannot be read.
func (t rgbTarget) count(s *C.screen) int64 {
	return int64(C.screen_count(s, C.int(t.r), C.int(t.g), C.int(t.b), C.int(t.tol), C.int(t.stride)))
}

// measure runs args and returns the milliseconds to the first read that
// finds at least samples sampled pixels of the colour, and the longest gap
// between two screen reads until then.
func measure(args []string, t rgbTarget, samples int64, interval, timeout time.Duration) (ms, gap int64, err error) {
	name := C.CString(os.Getenv("DISPLAY"))
	defer C.free(unsafe.Pointer(name))
	d := C.XOpenDisplay(name)
	if d == nil {
		return 0, 0, errors.New("cannot open the display $DISPLAY")
	}
	defer C.XCloseDisplay(d)
	var s C.screen
	if C.screen_open(&s, d) != 0 {
		return 0, 0, errors.New("cannot read the root window's size")
	}
	defer C.screen_close(&s)
	if C.shm_used(&s) == 0 {
		fmt.Fprintln(os.Stderr, "firstpicture: no MIT-SHM on this display; reading through XGetImage, which loads the machine more")
	}
	if n := t.count(&s); n >= samples {
		return 0, 0, fmt.Errorf("the screen already shows %d sampled pixels of the colour", n)
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
		n := t.count(&s)
		now := time.Now()
		if step := now.Sub(last).Milliseconds(); step > gap {
			gap = step
		}
		last = now
		if n < 0 {
			return 0, 0, errors.New("cannot read the screen")
		}
		if n >= samples {
			return now.Sub(start).Milliseconds(), gap, nil
		}
		if now.Sub(start) > timeout {
			return 0, 0, fmt.Errorf("no picture within %v", timeout)
		}
		time.Sleep(interval)
	}
}
