// Package porttest holds runs of local UDP ports for the tests of
// transport.Config.UDPPorts: a range whose ports are taken, or were free a
// moment ago.
package porttest

import (
	"net"
	"testing"
)

// Hold opens n consecutive UDP ports on 127.0.0.1, from an even one when
// even is set, and holds them until the test ends; release(i) frees the
// i-th (from 0) early. It returns the first port. The test is skipped when
// no such run is found.
func Hold(t testing.TB, n int, even bool) (first int, release func(i int)) {
	t.Helper()
	lo := net.IPv4(127, 0, 0, 1)
	for try := 0; try < 50; try++ {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: lo})
		if err != nil {
			t.Fatal(err)
		}
		p := c.LocalAddr().(*net.UDPAddr).Port
		held := []*net.UDPConn{c}
		for i := 1; i < n && p+i <= 65535 && (!even || p%2 == 0); i++ {
			o, err := net.ListenUDP("udp", &net.UDPAddr{IP: lo, Port: p + i})
			if err != nil {
				break
			}
			held = append(held, o)
		}
		if len(held) == n && (!even || p%2 == 0) {
			t.Cleanup(func() {
				for _, c := range held {
					c.Close()
				}
			})
			return p, func(i int) { held[i].Close() }
		}
		for _, c := range held {
			c.Close()
		}
	}
	t.Skip("no run of free UDP ports found")
	return 0, nil
}
