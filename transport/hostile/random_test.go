package hostile_test

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/hostile"
	"github.com/eddyplayer/eddy/transport/mmsh"
)

// randomClass makes one scenario of a class of randomized faults from a
// seed.
type randomClass struct {
	class string
	make  func(r *rand.Rand, m *hostile.Media) scenario
}

// flipBits returns b with n random bits flipped in [from, len(b)).
func flipBits(r *rand.Rand, b []byte, from, n int) []byte {
	out := append([]byte(nil), b...)
	for range n {
		i := from + r.IntN(len(b)-from)
		out[i] ^= 1 << r.IntN(8)
	}
	return out
}

// recoverOr accepts a run that plays the whole file, or an error e
// accepts.
func recoverOr(e expectation) expectation {
	return expectation{recover: true, exact: true, match: e.match, desc: "plays the whole file, or " + e.desc}
}

// randomClasses are the randomized faults: random truncation points, drip
// rates and starts, lying lengths, bit flips of the served bytes.
func randomClasses() []randomClass {
	httpScenario := func(class, name string, ranges bool, on onGet, e expectation) scenario {
		return scenario{name: name, class: class, scheme: "http", path: "/a.wma", handler: fileHandler(ranges, on), expect: e}
	}
	mmshScenario := func(class, name string, setup func(m *hostile.Media, w *hostile.WMSP), e expectation) scenario {
		return scenario{name: name, class: class, scheme: "mmsh", path: "/a.wma", handler: wmspHandler(setup), expect: e}
	}
	mmspScenario := func(scheme, name string, setup func(m *hostile.Media, w *hostile.MMSP), e expectation) scenario {
		return scenario{name: name, scheme: scheme, path: "/a.wma", handler: mmspHandler(setup), expect: e}
	}
	// mmspData answers StartPlaying with the data packets as bytes
	// (2.2.2) that change changes, then ReportEndOfStream unless cut.
	mmspData := func(change func(b []byte) []byte, end bool) func(m *hostile.Media, w *hostile.MMSP) {
		return onMID(hostile.MIDStartPlaying, func(m *hostile.Media, s *hostile.MMSPSession, msg hostile.ClientMessage) error {
			inc := startInc(msg)
			if err := started(s, inc); err != nil {
				return err
			}
			var body []byte
			for i, p := range m.Packets {
				body = append(body, hostile.MMSPacket(uint32(i), byte(inc), byte(i), p)...)
			}
			if err := s.C.Write(change(body)); err != nil || !end {
				return errors.New("cut")
			}
			return s.Send(hostile.EndOfStream(0, inc))
		})
	}
	return []randomClass{
		{"random mmsp: data cut, connection closed", func(r *rand.Rand, m *hostile.Media) scenario {
			n := len(m.Packets) * (8 + m.PacketSize)
			at := 1 + r.IntN(n-1)
			return mmspScenario("mmst", fmt.Sprintf("cut at byte %d of %d", at, n), mmspData(func(b []byte) []byte { return b[:at] }, false),
				errIs(io.ErrUnexpectedEOF))
		}},
		{"random mmsp: bit flips in the data", func(r *rand.Rand, m *hostile.Media) scenario {
			flips := 1 + r.IntN(16)
			seed := r.Uint64()
			return mmspScenario("mmst", fmt.Sprintf("%d bits flipped", flips), mmspData(func(b []byte) []byte {
				return flipBits(rand.New(rand.NewPCG(seed, 3)), b, 0, flips)
			}, true), survives())
		}},
		{"random mmsp: UDP datagrams lost", func(r *rand.Rand, m *hostile.Media) scenario {
			lost := map[int]bool{r.IntN(len(m.Packets) - 1): true, r.IntN(len(m.Packets) - 1): true}
			sc := mmspScenario("mmsu", fmt.Sprintf("packets %v lost", lost), func(m *hostile.Media, w *hostile.MMSP) {
				w.LoseUDP = func(n int) bool { return lost[n] }
			}, expectation{recover: true, desc: "plays on to the end"})
			sc.check = func(res hostile.Result, st *counters) error {
				// Each lost packet (none is the last) is counted lost.
				if res.Stats.PacketsLost != int64(len(lost)) || res.Stats.PacketsReceived != int64(len(m.Packets)-len(lost)) {
					return fmt.Errorf("%d lost, %d received; want %d and %d", res.Stats.PacketsLost, res.Stats.PacketsReceived, len(lost), len(m.Packets)-len(lost))
				}
				return nil
			}
			return sc
		}},
		{"random http: cut once, then served whole", func(r *rand.Rand, m *hostile.Media) scenario {
			at, ranges := 1+r.IntN(len(m.File)-1), r.IntN(2) == 0
			return httpScenario("", fmt.Sprintf("cut at %d, ranges %v", at, ranges), ranges, func(m *hostile.Media, c *hostile.Conn, req *hostile.Request, n int, resp *hostile.Response) {
				if n == 1 {
					cut(at)(m, c, req, n, resp)
					return
				}
				resp.Write(c)
			}, recovers())
		}},
		{"random http: cut at the same byte every time", func(r *rand.Rand, m *hostile.Media) scenario {
			at, ranges := 1+r.IntN(len(m.File)-1), r.IntN(2) == 0
			return httpScenario("", fmt.Sprintf("cut at byte %d, ranges %v", at, ranges), ranges, func(m *hostile.Media, c *hostile.Conn, req *hostile.Request, n int, resp *hostile.Response) {
				start, _ := hostile.RangeStart(req)
				if !ranges {
					start = 0
				}
				cut(max(0, at-int(start)))(m, c, req, n, resp)
			}, errIs(transport.ErrTruncated))
		}},
		{"random http: lying Content-Length", func(r *rand.Rand, m *hostile.Media) scenario {
			cl := r.IntN(2 * len(m.File))
			e := errIs(transport.ErrTruncated)
			switch {
			case cl >= len(m.File):
				e = recovers()
			case cl < 16:
				e = errSaying("not an ASF file")
			}
			return httpScenario("", fmt.Sprintf("Content-Length %d", cl), false, func(m *hostile.Media, c *hostile.Conn, req *hostile.Request, n int, resp *hostile.Response) {
				resp.Set("Content-Length", strconv.Itoa(cl))
				resp.Body = m.File[:min(cl, len(m.File))]
				resp.Write(c)
			}, e)
		}},
		{"random http: drip", func(r *rand.Rand, m *hostile.Media) scenario {
			from, every := r.IntN(len(m.File)), time.Duration(5+r.IntN(120))*time.Millisecond
			return httpScenario("", fmt.Sprintf("drip from byte %d every %v", from, every), false, func(m *hostile.Media, c *hostile.Conn, req *hostile.Request, n int, resp *hostile.Response) {
				c.Write(resp.Head())
				c.Write(resp.Body[:from])
				c.Drip(resp.Body[from:], every)
			}, recoverOr(timedOut("")))
		}},
		{"random http: bit flips", func(r *rand.Rand, m *hostile.Media) scenario {
			flips, ranges := 1+r.IntN(16), r.IntN(2) == 0
			data := flipBits(r, m.File, 0, flips)
			return httpScenario("", fmt.Sprintf("%d bits flipped, ranges %v", flips, ranges), ranges, func(m *hostile.Media, c *hostile.Conn, req *hostile.Request, n int, resp *hostile.Response) {
				f := &hostile.HTTPFile{Data: data, Ranges: ranges}
				f.Response(req).Write(c)
			}, survives())
		}},
		{"random mmsh: first Play cut", func(r *rand.Rand, m *hostile.Media) scenario {
			body := (&hostile.WMSP{Media: m}).PlayResponse(0).Body
			at := 1 + r.IntN(len(body)-1)
			return mmshScenario("", fmt.Sprintf("first Play cut at byte %d of its body", at), func(m *hostile.Media, w *hostile.WMSP) {
				w.OnPlay = func(c *hostile.Conn, req *hostile.Request, n int, resp *hostile.Response) {
					if n == 1 {
						c.Write(resp.Head())
						c.Write(resp.Body[:at])
						return
					}
					resp.Write(c)
				}
			}, recovers())
		}},
		{"random mmsh: drip", func(r *rand.Rand, m *hostile.Media) scenario {
			from, every := r.IntN(len(m.Packets)), time.Duration(5+r.IntN(120))*time.Millisecond
			return mmshScenario("", fmt.Sprintf("every Play drips from packet %d every %v", from, every), func(m *hostile.Media, w *hostile.WMSP) {
				w.OnPlay = func(c *hostile.Conn, req *hostile.Request, n int, resp *hostile.Response) {
					start := hostile.StartPacket(req, len(m.Packets))
					c.Write(resp.Head())
					c.Write(hostile.HeaderPackets(m.Header, 0))
					c.Write(w.DataPackets(start, max(start, from)))
					c.Drip(append(w.DataPackets(max(start, from), len(m.Packets)), hostile.Notify(hostile.PacketE, hostile.SOK)...), every)
				}
			}, errIs(mmsh.ErrTimeout))
		}},
		{"random mmsh: bit flips in the Play body", func(r *rand.Rand, m *hostile.Media) scenario {
			flips := 1 + r.IntN(16)
			seed := r.Uint64()
			return mmshScenario("", fmt.Sprintf("%d bits flipped", flips), func(m *hostile.Media, w *hostile.WMSP) {
				w.OnPlay = func(c *hostile.Conn, req *hostile.Request, n int, resp *hostile.Response) {
					if n == 1 {
						resp.Body = flipBits(rand.New(rand.NewPCG(seed, 1)), resp.Body, 0, flips)
					}
					resp.Write(c)
				}
			}, survives())
		}},
		{"random mmsh: bit flips in the Describe body", func(r *rand.Rand, m *hostile.Media) scenario {
			flips := 1 + r.IntN(8)
			seed := r.Uint64()
			return mmshScenario("", fmt.Sprintf("%d bits flipped", flips), func(m *hostile.Media, w *hostile.WMSP) {
				w.OnDescribe = func(c *hostile.Conn, req *hostile.Request, n int, resp *hostile.Response) {
					resp.Body = flipBits(rand.New(rand.NewPCG(seed, 2)), resp.Body, 0, flips)
					resp.Write(c)
				}
			}, survives())
		}},
	}
}

// TestRandom runs each randomized class: two seeds in a normal run, many
// with -hostile.long (scripts/hostile.sh).
func TestRandom(t *testing.T) {
	n := 2
	if *long {
		n = *seeds
	}
	m := media(t)
	ref := reference(t, m)
	for _, rc := range randomClasses() {
		t.Run(rc.class, func(t *testing.T) {
			for seed := 1; seed <= n; seed++ {
				if *onlySeed != 0 && seed != *onlySeed {
					continue
				}
				sc := rc.make(rand.New(rand.NewPCG(uint64(seed), 0x5eed)), m)
				sc.class = rc.class
				name := fmt.Sprintf("seed %d: %s", seed, sc.name)
				if sc.knownIssue != "" && !*runKnown {
					report.Skip(sc.class)
					t.Logf("%s: skipped: %s", name, sc.knownIssue)
					continue
				}
				res, problem := runScenario(sc, m, ref)
				report.Add(sc.class, problem == "", res.Took, name+": "+problem)
				if problem != "" {
					t.Errorf("%s: %s", name, problem)
				}
			}
		})
	}
}

// TestSelfChecks proves that the harness itself can fail: a run that
// ends early, takes too long, ends with another error, leaks a goroutine
// or a file descriptor is not handled cleanly.
func TestSelfChecks(t *testing.T) {
	m := media(t)
	ref := reference(t, m)
	check := func(what string, sc scenario) {
		t.Helper()
		sc.name, sc.scheme, sc.path = what, "http", "/a.wma"
		if _, problem := runScenario(sc, m, ref); problem == "" {
			t.Errorf("%s passed", what)
		}
	}
	check("a truncated run expected to recover", scenario{handler: fileHandler(false, cut(20000)), expect: recovers()})
	check("a run slower than the bound", scenario{handler: fileHandler(false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Write(resp.Head())
		// Paced so that every read of the client gets its bytes in time,
		// and the whole file takes longer than the bound.
		for off := 0; off < len(resp.Body); off += 4096 {
			c.Write(resp.Body[off:min(off+4096, len(resp.Body))])
			time.Sleep(timeBound / 10)
		}
	}), expect: recovers()})
	check("a 503 expected to time out", scenario{handler: fileHandler(false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		hostile.Empty(503, "Service Unavailable").Write(c)
	}), expect: errIs(os.ErrDeadlineExceeded)})
	release := make(chan struct{})
	check("a leaked goroutine", scenario{handler: fileHandler(false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		go func() { <-release }()
		resp.Write(c)
	}), expect: recovers()})
	close(release)
	var leaked *os.File
	check("a leaked descriptor", scenario{handler: fileHandler(false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		leaked, _ = os.Open(os.DevNull)
		resp.Write(c)
	}), expect: recovers()})
	if leaked != nil {
		leaked.Close()
	}
}
