//go:build cgo && (linux || freebsd || openbsd || netbsd) && !wayland

package x11

/*
#cgo pkg-config: xcb
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xcb/xcb.h>

enum {
	EDDY_OK = 0,
	EDDY_NO_DISPLAY = 1,
	EDDY_NO_ATOM = 2,
	EDDY_NO_SUPPORT = 3,
	EDDY_BAD_WINDOW = 4,
	EDDY_REQUEST_FAILED = 5,
	EDDY_TIMEOUT = 6,
};

static xcb_atom_t eddy_atom(xcb_connection_t *c, const char *name) {
	xcb_intern_atom_reply_t *r = xcb_intern_atom_reply(c, xcb_intern_atom(c, 0, strlen(name), name), NULL);
	if (r == NULL) {
		return XCB_ATOM_NONE;
	}
	xcb_atom_t a = r->atom;
	free(r);
	return a;
}

// eddy_lists reports whether the property prop of win, a list of 32-bit
// values of type (ATOM[], WINDOW[]), holds a. The property is read in
// pages of 1024 values, at most 64 of them.
static int eddy_lists(xcb_connection_t *c, xcb_window_t win, xcb_atom_t prop, xcb_atom_t type, uint32_t a, int *failed) {
	uint32_t offset = 0;
	for (int page = 0; page < 64; page++) {
		xcb_generic_error_t *e = NULL;
		xcb_get_property_reply_t *r = xcb_get_property_reply(c,
			xcb_get_property(c, 0, win, prop, type, offset, 1024), &e);
		if (r == NULL) {
			free(e);
			*failed = 1;
			return 0;
		}
		int n = 0;
		if (r->format == 32 && r->type == type) {
			n = xcb_get_property_value_length(r) / 4;
			uint32_t *v = (uint32_t *)xcb_get_property_value(r);
			for (int i = 0; i < n; i++) {
				if (v[i] == a) {
					free(r);
					return 1;
				}
			}
		}
		uint32_t after = r->bytes_after;
		free(r);
		if (after == 0 || n == 0) {
			return 0;
		}
		offset += (uint32_t)n;
	}
	return 0;
}

// eddy_connect opens a connection (*cp; closed again on failure) and
// finds the root window of win's screen; win 0 checks nothing but the
// connection.
static int eddy_connect(xcb_connection_t **cp, xcb_window_t win, xcb_window_t *root) {
	xcb_connection_t *c = xcb_connect(NULL, NULL);
	if (xcb_connection_has_error(c)) {
		xcb_disconnect(c);
		return EDDY_NO_DISPLAY;
	}
	*cp = c;
	if (win == 0) {
		*root = xcb_setup_roots_iterator(xcb_get_setup(c)).data->root;
		return EDDY_OK;
	}
	xcb_generic_error_t *e = NULL;
	xcb_get_geometry_reply_t *g = xcb_get_geometry_reply(c, xcb_get_geometry(c, win), &e);
	if (g == NULL) {
		free(e);
		xcb_disconnect(c);
		*cp = NULL;
		return EDDY_BAD_WINDOW;
	}
	*root = g->root;
	free(g);
	return EDDY_OK;
}

static int eddy_set_above(uint32_t win, int on) {
	xcb_connection_t *c = NULL;
	xcb_window_t root;
	int rc = eddy_connect(&c, win, &root);
	if (rc != EDDY_OK) {
		return rc;
	}
	xcb_atom_t supported = eddy_atom(c, "_NET_SUPPORTED");
	xcb_atom_t state = eddy_atom(c, "_NET_WM_STATE");
	xcb_atom_t above = eddy_atom(c, "_NET_WM_STATE_ABOVE");
	if (supported == XCB_ATOM_NONE || state == XCB_ATOM_NONE || above == XCB_ATOM_NONE) {
		xcb_disconnect(c);
		return EDDY_NO_ATOM;
	}
	int failed = 0;
	if (!eddy_lists(c, root, supported, XCB_ATOM_ATOM, above, &failed)) {
		xcb_disconnect(c);
		return failed ? EDDY_REQUEST_FAILED : EDDY_NO_SUPPORT;
	}
	xcb_generic_error_t *e = NULL;
	xcb_get_window_attributes_reply_t *wa = xcb_get_window_attributes_reply(c, xcb_get_window_attributes(c, win), &e);
	if (wa == NULL) {
		free(e);
		xcb_disconnect(c);
		return EDDY_BAD_WINDOW;
	}
	int mapped = wa->map_state != XCB_MAP_STATE_UNMAPPED;
	free(wa);
	xcb_void_cookie_t ck;
	if (mapped) {
		// EWMH 1.5 _NET_WM_STATE: a ClientMessage to the root window,
		// data.l[0] the action (0 remove, 1 add), l[1] the property,
		// l[2] a second property (none), l[3] the source (1: an
		// application).
		xcb_client_message_event_t ev;
		memset(&ev, 0, sizeof ev);
		ev.response_type = XCB_CLIENT_MESSAGE;
		ev.format = 32;
		ev.window = win;
		ev.type = state;
		ev.data.data32[0] = on ? 1 : 0;
		ev.data.data32[1] = above;
		ev.data.data32[2] = 0;
		ev.data.data32[3] = 1;
		ck = xcb_send_event_checked(c, 0, root,
			XCB_EVENT_MASK_SUBSTRUCTURE_REDIRECT | XCB_EVENT_MASK_SUBSTRUCTURE_NOTIFY, (const char *)&ev);
	} else {
		// Not mapped: the window's own _NET_WM_STATE, read by the window
		// manager when it maps the window.
		xcb_get_property_reply_t *r = xcb_get_property_reply(c,
			xcb_get_property(c, 0, win, state, XCB_ATOM_ATOM, 0, 64), NULL);
		xcb_atom_t list[65];
		int n = 0;
		if (r != NULL && r->format == 32 && r->type == XCB_ATOM_ATOM) {
			int len = xcb_get_property_value_length(r) / 4;
			xcb_atom_t *v = (xcb_atom_t *)xcb_get_property_value(r);
			for (int i = 0; i < len && n < 64; i++) {
				if (v[i] != above) {
					list[n++] = v[i];
				}
			}
		}
		free(r);
		if (on) {
			list[n++] = above;
		}
		ck = xcb_change_property_checked(c, XCB_PROP_MODE_REPLACE, win, state, XCB_ATOM_ATOM, 32, n, list);
	}
	e = xcb_request_check(c, ck);
	rc = EDDY_OK;
	if (e != NULL) {
		free(e);
		rc = EDDY_REQUEST_FAILED;
	}
	xcb_disconnect(c);
	return rc;
}

static long eddy_ms_since(const struct timespec *t0) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

// eddy_wait_listed waits up to timeout_ms for the property prop_name
// (a list of type) of win (0: the root window) to hold value, or not to
// (want 0); value_name, when set, names an atom to use as the value. It
// asks for the window's PropertyNotify events before it first reads the
// property, so no change falls between a read and the wait.
static int eddy_wait_listed(uint32_t win, const char *prop_name, xcb_atom_t type, uint32_t value, const char *value_name,
		int want, int timeout_ms) {
	xcb_connection_t *c = NULL;
	xcb_window_t root;
	int rc = eddy_connect(&c, win, &root);
	if (rc != EDDY_OK) {
		return rc;
	}
	if (win == 0) {
		win = root;
	}
	xcb_atom_t prop = eddy_atom(c, prop_name);
	if (value_name != NULL) {
		value = eddy_atom(c, value_name);
	}
	if (prop == XCB_ATOM_NONE || value == XCB_ATOM_NONE) {
		xcb_disconnect(c);
		return EDDY_NO_ATOM;
	}
	uint32_t mask = XCB_EVENT_MASK_PROPERTY_CHANGE;
	xcb_generic_error_t *e = xcb_request_check(c, xcb_change_window_attributes_checked(c, win, XCB_CW_EVENT_MASK, &mask));
	if (e != NULL) {
		free(e);
		xcb_disconnect(c);
		return EDDY_BAD_WINDOW;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int fd = xcb_get_file_descriptor(c);
	for (;;) {
		int failed = 0;
		int is = eddy_lists(c, win, prop, type, value, &failed);
		if (failed) {
			rc = EDDY_BAD_WINDOW;
			break;
		}
		if (is == want) {
			rc = EDDY_OK;
			break;
		}
		// Wait for an event (the property's change among them), then
		// read it again.
		int got = 0;
		for (;;) {
			xcb_generic_event_t *ev;
			while ((ev = xcb_poll_for_event(c)) != NULL) {
				got = 1;
				free(ev);
			}
			if (got) {
				break;
			}
			if (xcb_connection_has_error(c)) {
				rc = EDDY_NO_DISPLAY;
				break;
			}
			long left = timeout_ms - eddy_ms_since(&t0);
			if (left <= 0) {
				rc = EDDY_TIMEOUT;
				break;
			}
			struct pollfd p = {.fd = fd, .events = POLLIN};
			poll(&p, 1, (int)left);
		}
		if (!got) {
			break;
		}
	}
	xcb_disconnect(c);
	return rc;
}

static int eddy_wait_above(uint32_t win, int want, int timeout_ms) {
	return eddy_wait_listed(win, "_NET_WM_STATE", XCB_ATOM_ATOM, 0, "_NET_WM_STATE_ABOVE", want, timeout_ms);
}

static int eddy_wait_managed(uint32_t win, int timeout_ms) {
	return eddy_wait_listed(0, "_NET_CLIENT_LIST", XCB_ATOM_WINDOW, win, NULL, 1, timeout_ms);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"time"
)

// Supported is true: this build can ask an X11 window manager.
const Supported = true

// errBadWindow: the handle names no window (it is gone).
var errBadWindow = errors.New("no such window")

func result(rc C.int) error {
	switch rc {
	case C.EDDY_OK:
		return nil
	case C.EDDY_NO_DISPLAY:
		return errors.New("cannot connect to the X server (DISPLAY)")
	case C.EDDY_NO_ATOM:
		return errors.New("the X server did not make the EWMH atoms")
	case C.EDDY_NO_SUPPORT:
		return ErrNoSupport
	case C.EDDY_BAD_WINDOW:
		return errBadWindow
	case C.EDDY_TIMEOUT:
		return ErrNotApplied
	}
	return errors.New("the X server refused the request")
}

// SetAbove asks the window manager to keep the X11 window win above the
// others (on) or to stop (EWMH _NET_WM_STATE_ABOVE). The window manager
// applies it on its own time; Above reads what it did.
func SetAbove(win uintptr, on bool) error {
	if win == 0 || win > 0xffffffff {
		return fmt.Errorf("always on top: %w", errBadWindow)
	}
	o := C.int(0)
	if on {
		o = 1
	}
	if err := result(C.eddy_set_above(C.uint32_t(win), o)); err != nil {
		return fmt.Errorf("always on top: %w", err)
	}
	return nil
}

// Above reports whether the window manager keeps win above the others:
// its _NET_WM_STATE lists _NET_WM_STATE_ABOVE.
func Above(win uintptr) (bool, error) {
	if win == 0 || win > 0xffffffff {
		return false, fmt.Errorf("always on top: %w", errBadWindow)
	}
	switch err := result(C.eddy_wait_above(C.uint32_t(win), 1, 0)); {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotApplied):
		return false, nil
	default:
		return false, fmt.Errorf("always on top: %w", err)
	}
}

// WaitAbove waits until the window manager has put win above the others
// (want) or taken it back, at most timeout (at most a minute):
// ErrNotApplied when it has not by then.
func WaitAbove(win uintptr, want bool, timeout time.Duration) error {
	if win == 0 || win > 0xffffffff {
		return fmt.Errorf("always on top: %w", errBadWindow)
	}
	ms := millis(timeout)
	w := C.int(0)
	if want {
		w = 1
	}
	if err := result(C.eddy_wait_above(C.uint32_t(win), w, ms)); err != nil {
		return fmt.Errorf("always on top: %w", err)
	}
	return nil
}

// WaitManaged waits until a window manager manages win (lists it in the
// root window's _NET_CLIENT_LIST), at most timeout (at most a minute):
// ErrNotApplied when none has by then. A window manager takes no
// request for a window before it manages it.
func WaitManaged(win uintptr, timeout time.Duration) error {
	if win == 0 || win > 0xffffffff {
		return fmt.Errorf("window manager: %w", errBadWindow)
	}
	if err := result(C.eddy_wait_managed(C.uint32_t(win), millis(timeout))); err != nil {
		return fmt.Errorf("window manager: %w", err)
	}
	return nil
}

func millis(d time.Duration) C.int {
	return C.int(min(max(d, 0), time.Minute) / time.Millisecond)
}
