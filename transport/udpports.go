package transport

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// ErrNoFreeUDPPort: no port of Config.UDPPorts (or, for a pair, no even
// port with the next one) could be opened. The UDP transports wrap it with
// the range; the mms:// rollover goes on over TCP, as Windows Media
// Player does when its Network tab's ports are taken.
var ErrNoFreeUDPPort = errors.New("no free UDP port in the range")

// maxPortTries bounds the tries of an unset range: the system's free
// ports are asked for this many times looking for an even one whose next
// is free too.
const maxPortTries = 20

// String gives the range as ParsePortRange reads it ("7000-7010"), or
// "any" when unset.
func (r PortRange) String() string {
	if r.IsZero() {
		return "any"
	}
	return fmt.Sprintf("%d-%d", r.First, r.Last)
}

// Valid reports whether r is unset or a range of real ports: 1 <= First
// <= Last.
func (r PortRange) Valid() bool {
	return r.IsZero() || (r.First >= 1 && r.First <= r.Last)
}

// ParsePortRange reads a range of UDP ports as Windows Media Player's
// Network tab takes it: "7000-7010", or one port "7000". Both ends are
// decimal port numbers from 1 to 65535 and the first is not above the
// last; anything else (spaces inside, signs, a reversed range) is an
// error.
func ParsePortRange(s string) (PortRange, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		b = a
	}
	first, err1 := parsePort(a)
	last, err2 := parsePort(b)
	if err := errors.Join(err1, err2); err != nil {
		return PortRange{}, fmt.Errorf("port range %q: %w", s, err)
	}
	if first > last {
		return PortRange{}, fmt.Errorf("port range %q: %d is above %d", s, first, last)
	}
	return PortRange{First: first, Last: last}, nil
}

func parsePort(s string) (uint16, error) {
	if s == "" || len(s) > 5 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is no port number", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%q is no port number (1-65535)", s)
	}
	return uint16(n), nil
}

// PortCandidates lists, in the order they are tried, the ports of r a
// socket is opened on: every port from First to Last, or with pair the
// even ports whose next port is in r too (an RTP port and its RTCP port,
// RFC 3550 11, MS-RTSP 2.2.6.10). An unset or invalid range gives none
// (the caller asks the system for a free port instead).
func PortCandidates(r PortRange, pair bool) []int {
	if r.IsZero() || !r.Valid() {
		return nil
	}
	var out []int
	for p := int(r.First); p <= int(r.Last); p++ {
		if !pair {
			out = append(out, p)
			continue
		}
		if p%2 == 0 && p+1 <= int(r.Last) {
			out = append(out, p)
		}
	}
	return out
}

// ListenUDP opens a UDP socket on ip at a port of r: the first of r's
// ports that is free, or any free port when r is unset. None free gives
// an error wrapping ErrNoFreeUDPPort that names the range.
func ListenUDP(ip net.IP, r PortRange) (*net.UDPConn, error) {
	if !r.Valid() {
		return nil, fmt.Errorf("UDP ports %d-%d: %w", r.First, r.Last, ErrNoFreeUDPPort)
	}
	if r.IsZero() {
		return net.ListenUDP("udp", &net.UDPAddr{IP: ip})
	}
	var last error
	for _, p := range PortCandidates(r, false) {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: ip, Port: p})
		if err == nil {
			return c, nil
		}
		last = err
	}
	return nil, fmt.Errorf("UDP ports %s: %w (last: %v)", r, ErrNoFreeUDPPort, last)
}

// ListenUDPPair opens two UDP sockets on ip at an even port and the next
// (RTP and RTCP): the first such pair of r that is free, or any free pair
// when r is unset. None free gives an error wrapping ErrNoFreeUDPPort
// that names the range.
func ListenUDPPair(ip net.IP, r PortRange) (rtp, rtcp *net.UDPConn, err error) {
	if !r.Valid() {
		return nil, nil, fmt.Errorf("UDP ports %d-%d: %w", r.First, r.Last, ErrNoFreeUDPPort)
	}
	var last error
	try := func(p int) bool {
		a, err := net.ListenUDP("udp", &net.UDPAddr{IP: ip, Port: p})
		if err != nil {
			last = err
			return false
		}
		port := a.LocalAddr().(*net.UDPAddr).Port
		if port%2 != 0 || port == 65535 {
			a.Close()
			return false
		}
		b, err := net.ListenUDP("udp", &net.UDPAddr{IP: ip, Port: port + 1})
		if err != nil {
			last = err
			a.Close()
			return false
		}
		rtp, rtcp = a, b
		return true
	}
	if r.IsZero() {
		for range maxPortTries {
			if try(0) {
				return rtp, rtcp, nil
			}
		}
		return nil, nil, fmt.Errorf("UDP ports (any): %w: no even port with its next free in %d tries (last: %v)", ErrNoFreeUDPPort, maxPortTries, last)
	}
	for _, p := range PortCandidates(r, true) {
		if try(p) {
			return rtp, rtcp, nil
		}
	}
	if last == nil {
		last = errors.New("the range holds no even port with its next")
	}
	return nil, nil, fmt.Errorf("UDP ports %s: %w (last: %v)", r, ErrNoFreeUDPPort, last)
}
