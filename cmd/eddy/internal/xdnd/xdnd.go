//go:build cgo && linux

// Package xdnd drops files and URLs on an X11 window the way a file
// manager or a browser does, through the XDND protocol (version 5,
// freedesktop.org's "Drag-and-Drop Protocol for the X Window System"):
// the window test uses it to drop on Eddy's real window under Xvfb, where
// xdotool can move the pointer but not drag anything.
package xdnd

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>
#include <X11/Xatom.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>

static int xdnd_ignore_errors(Display *d, XErrorEvent *e) { return 0; }

static void xdnd_send(Display *dpy, Window target, Atom type, long l0, long l1, long l2, long l3, long l4) {
	XEvent ev;
	memset(&ev, 0, sizeof ev);
	ev.xclient.type = ClientMessage;
	ev.xclient.display = dpy;
	ev.xclient.window = target;
	ev.xclient.message_type = type;
	ev.xclient.format = 32;
	ev.xclient.data.l[0] = l0;
	ev.xclient.data.l[1] = l1;
	ev.xclient.data.l[2] = l2;
	ev.xclient.data.l[3] = l3;
	ev.xclient.data.l[4] = l4;
	XSendEvent(dpy, target, False, NoEventMask, &ev);
	XFlush(dpy);
}

// xdnd_next waits up to ms milliseconds for an event.
static int xdnd_next(Display *dpy, XEvent *ev, int ms) {
	while (!XPending(dpy)) {
		struct pollfd p = { ConnectionNumber(dpy), POLLIN, 0 };
		if (poll(&p, 1, ms) <= 0) return 0;
	}
	XNextEvent(dpy, ev);
	return 1;
}

// xdnd_drop drops the text/uri-list data on target at root position
// (x, y). It returns 0 when the target took the drop and said it
// finished, else a negative step number.
static int xdnd_drop(const char *display, unsigned long target, int x, int y, const char *data) {
	Display *dpy = XOpenDisplay(display);
	if (!dpy) return -1;
	XSetErrorHandler(xdnd_ignore_errors);
	Window root = DefaultRootWindow(dpy);
	Window src = XCreateSimpleWindow(dpy, root, 0, 0, 1, 1, 0, 0, 0);
	Atom aware = XInternAtom(dpy, "XdndAware", False);
	Atom enter = XInternAtom(dpy, "XdndEnter", False);
	Atom position = XInternAtom(dpy, "XdndPosition", False);
	Atom status = XInternAtom(dpy, "XdndStatus", False);
	Atom drop = XInternAtom(dpy, "XdndDrop", False);
	Atom finished = XInternAtom(dpy, "XdndFinished", False);
	Atom leave = XInternAtom(dpy, "XdndLeave", False);
	Atom selection = XInternAtom(dpy, "XdndSelection", False);
	Atom copy = XInternAtom(dpy, "XdndActionCopy", False);
	Atom urilist = XInternAtom(dpy, "text/uri-list", False);
	int rc = 0;

	// The target must say it takes drops (XdndAware, version >= 5 or
	// any: GLFW announces 5).
	Atom type; int format; unsigned long n, after; unsigned char *prop = NULL;
	if (XGetWindowProperty(dpy, target, aware, 0, 1, False, AnyPropertyType, &type, &format, &n, &after, &prop) != Success || n == 0) {
		rc = -2; goto out;
	}
	XFree(prop);
	XSetSelectionOwner(dpy, selection, src, CurrentTime);
	xdnd_send(dpy, target, enter, src, 5L << 24, urilist, 0, 0);
	xdnd_send(dpy, target, position, src, 0, ((long)x << 16) | (y & 0xffff), CurrentTime, copy);

	XEvent ev;
	int accepted = 0;
	for (;;) {
		if (!xdnd_next(dpy, &ev, 5000)) { rc = -3; goto out; }
		if (ev.type == ClientMessage && ev.xclient.message_type == status) {
			accepted = ev.xclient.data.l[1] & 1;
			break;
		}
	}
	if (!accepted) {
		xdnd_send(dpy, target, leave, src, 0, 0, 0, 0);
		rc = -4; goto out;
	}
	xdnd_send(dpy, target, drop, src, 0, CurrentTime, 0, 0);
	for (;;) {
		if (!xdnd_next(dpy, &ev, 5000)) { rc = -5; goto out; }
		if (ev.type == SelectionRequest) {
			XSelectionRequestEvent *r = &ev.xselectionrequest;
			XEvent reply;
			memset(&reply, 0, sizeof reply);
			reply.xselection.type = SelectionNotify;
			reply.xselection.display = dpy;
			reply.xselection.requestor = r->requestor;
			reply.xselection.selection = r->selection;
			reply.xselection.target = r->target;
			reply.xselection.time = r->time;
			reply.xselection.property = None;
			if (r->target == urilist) {
				XChangeProperty(dpy, r->requestor, r->property, urilist, 8, PropModeReplace,
					(const unsigned char *)data, (int)strlen(data));
				reply.xselection.property = r->property;
			}
			XSendEvent(dpy, r->requestor, False, NoEventMask, &reply);
			XFlush(dpy);
		} else if (ev.type == ClientMessage && ev.xclient.message_type == finished) {
			break;
		}
	}
out:
	XDestroyWindow(dpy, src);
	XCloseDisplay(dpy);
	return rc;
}
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
)

// Drop drops uris (file:// URIs for files, or any URL) on the X11 window
// target of display at the screen position (x, y), as a text/uri-list:
// XdndEnter, XdndPosition, XdndDrop, the selection handed over, until
// the target's XdndFinished. It fails when the target is not XDND-aware,
// refuses the drop or does not answer within 5 s.
func Drop(display string, target uint64, x, y int, uris []string) error {
	cd := C.CString(display)
	defer C.free(unsafe.Pointer(cd))
	data := C.CString(strings.Join(uris, "\r\n") + "\r\n")
	defer C.free(unsafe.Pointer(data))
	rc := C.xdnd_drop(cd, C.ulong(target), C.int(x), C.int(y), data)
	if rc != 0 {
		step := map[C.int]string{-1: "cannot open the display", -2: "the window does not take drops (no XdndAware)",
			-3: "no XdndStatus within 5 s", -4: "the window refused the drop", -5: "no XdndFinished within 5 s"}[rc]
		return fmt.Errorf("xdnd: dropping on window %#x of %s: %s", target, display, step)
	}
	return nil
}
