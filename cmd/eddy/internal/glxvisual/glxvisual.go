// Package glxvisual reads what GLX says of an X window's visual: the bits
// of depth and stencil buffer an OpenGL context drawing into it has. The
// window tests of cmd/eddy use it to check the buffers Eddy asks GLFW for.
package glxvisual

/*
#cgo pkg-config: x11 gl
#include <stdlib.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <GL/glx.h>

// buffers fills depth and stencil for the visual of window win on the
// display called name. It returns 0, or a negative step that failed.
static int buffers(const char *name, unsigned long win, int *depth, int *stencil) {
	Display *d = XOpenDisplay(name);
	if (!d) return -1;
	int rc = 0;
	XWindowAttributes wa;
	XVisualInfo tmpl, *vi = NULL;
	int n = 0, use = 0;
	if (!XGetWindowAttributes(d, (Window)win, &wa)) { rc = -2; goto out; }
	tmpl.visualid = XVisualIDFromVisual(wa.visual);
	vi = XGetVisualInfo(d, VisualIDMask, &tmpl, &n);
	if (!vi || n < 1) { rc = -3; goto out; }
	if (glXGetConfig(d, vi, GLX_USE_GL, &use) != 0 || !use) { rc = -4; goto out; }
	if (glXGetConfig(d, vi, GLX_DEPTH_SIZE, depth) != 0) { rc = -5; goto out; }
	if (glXGetConfig(d, vi, GLX_STENCIL_SIZE, stencil) != 0) { rc = -6; goto out; }
out:
	if (vi) XFree(vi);
	XCloseDisplay(d);
	return rc;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Buffers returns the depth and stencil bits of the GLX visual of X
// window win on display (a DISPLAY value such as ":99").
func Buffers(display string, win uint64) (depth, stencil int, err error) {
	name := C.CString(display)
	defer C.free(unsafe.Pointer(name))
	var d, s C.int
	if rc := C.buffers(name, C.ulong(win), &d, &s); rc != 0 {
		steps := map[C.int]string{-1: "open the display", -2: "read the window's attributes", -3: "find its visual",
			-4: "use GL with its visual", -5: "read the depth size", -6: "read the stencil size"}
		return 0, 0, fmt.Errorf("glxvisual: cannot %s (window %#x on %s)", steps[rc], win, display)
	}
	return int(d), int(s), nil
}
