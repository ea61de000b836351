package hostile_test

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/hostile"
	"github.com/eddyplayer/eddy/transport/mmsh"
	"github.com/eddyplayer/eddy/transport/mmsp"
	"github.com/eddyplayer/eddy/transport/progressive"
)

var (
	long       = flag.Bool("hostile.long", false, "run the long randomized version (many seeds per class)")
	seeds      = flag.Int("hostile.seeds", 40, "seeds per randomized class with -hostile.long")
	runKnown   = flag.Bool("hostile.known", false, "run the scenarios marked with a known issue instead of skipping them")
	reportPath = flag.String("hostile.report", "", "write the per-class report (Markdown) to this file")
	onlySeed   = flag.Int("hostile.seed", 0, "run only this seed of each randomized class (to reproduce a failure)")
)

// timeout is the Config.Timeout of every run: small, so the table of
// faults that end by timing out takes seconds, and large enough that a
// loaded two-core machine running the race detector ends a one-timeout
// fault well within timeBound.
const timeout = 400 * time.Millisecond

// timeBound is how long a fault may take to end: a few timeouts. The
// defects the harness exists for take forever, or one timeout per
// reconnection (4 with the MS-WMSP client's three reconnections).
const timeBound = 3 * timeout

// defaultAlloc bounds the memory a run may allocate (all of it, garbage
// included): the client's buffers are bounded far below it; a client that
// buffers what a lying server declares (10 GB) or sends (an endless
// header) goes past it.
const defaultAlloc = 64 << 20

const fixture = "../../testdata/asf/c_wmav2.wma"

func TestMain(m *testing.M) {
	flag.Parse()
	// The runtime's network poller opens its descriptors once, at the
	// first use of the network: before any run counts descriptors.
	if ln, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
	}
	code := m.Run()
	if *reportPath != "" {
		if err := os.WriteFile(*reportPath, []byte(report.String()+"\n"), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// report tallies every run of the package's tests, per class.
var report hostile.Report

// expectation is the outcome a scenario must come to.
type expectation struct {
	// recover: the run plays to the end; exact: with every sample of the
	// file, each once; most: with at least 90% of them (a new header
	// mid-stream may cost the objects it cuts).
	recover, exact, most bool
	// survive: any end (io.EOF or an error) is fine, as long as it comes
	// in time, with bounded memory and no sample twice (random faults).
	survive bool
	// match checks the error when the run must fail; desc names it.
	match func(error) bool
	desc  string
	// minTook is how long the run must take at least (a timeout must not
	// end it early).
	minTook time.Duration
}

func recovers() expectation {
	return expectation{recover: true, exact: true, desc: "plays the whole file"}
}

func survives() expectation {
	return expectation{survive: true, desc: "ends in time, each sample at most once"}
}

func errIs(target error) expectation {
	return expectation{match: func(err error) bool { return errors.Is(err, target) }, desc: fmt.Sprintf("errors.Is %q", target)}
}

func errIsSaying(target error, text string) expectation {
	return expectation{match: func(err error) bool { return errors.Is(err, target) && strings.Contains(err.Error(), text) },
		desc: fmt.Sprintf("errors.Is %q, saying %q", target, text)}
}

func errSaying(text string) expectation {
	return expectation{match: func(err error) bool { return strings.Contains(err.Error(), text) }, desc: fmt.Sprintf("an error saying %q", text)}
}

func statusError(code int) expectation {
	return expectation{match: func(err error) bool {
		var se *transport.StatusError
		return errors.As(err, &se) && se.Code == code
	}, desc: fmt.Sprintf("*transport.StatusError %d", code)}
}

// either accepts an error either expectation accepts.
func either(a, b expectation) expectation {
	return expectation{match: func(err error) bool { return a.match(err) || b.match(err) }, desc: a.desc + " or " + b.desc}
}

func timedOut(text string) expectation { return errIsSaying(os.ErrDeadlineExceeded, text) }

// stalls expects an MS-WMSP exchange that runs out of its time: after the
// timeout, not before, an mmsh.ErrTimeout wrapping the I/O deadline's
// error, whose message matches the regular expression re, in which ADDR
// stands for the server's address.
func stalls(re string) expectation {
	rx := regexp.MustCompile(strings.ReplaceAll(re, "ADDR", `127\.0\.0\.1:\d+`))
	return expectation{match: func(err error) bool {
		return errors.Is(err, mmsh.ErrTimeout) && errors.Is(err, os.ErrDeadlineExceeded) && rx.MatchString(err.Error())
	}, desc: fmt.Sprintf("mmsh.ErrTimeout and the deadline's error, saying %q, after %v", re, timeout), minTook: timeout}
}

// counters give a scenario's check what its server counted.
type counters struct {
	file *hostile.HTTPFile
	wmsp *hostile.WMSP
	mmsp *hostile.MMSP
}

// scenario is one hostile server and the outcome the client must come to.
type scenario struct {
	name, class string
	// scheme and path make the URL: scheme://addr/path.
	scheme, path string
	// handler builds the server's connection handler; it may record its
	// server in st.
	handler func(m *hostile.Media, st *counters) func(*hostile.Conn)
	expect  expectation
	// knownIssue names the pending fix a failing expectation waits for:
	// the scenario is skipped unless -hostile.known is given.
	knownIssue string
	// credentials are offered to the server.
	credentials bool
	// maxAlloc overrides defaultAlloc.
	maxAlloc uint64
	// check makes scenario-specific assertions on the run.
	check func(res hostile.Result, st *counters) error
}

type onGet func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response)

// fileHandler serves the fixture as a plain HTTP file, with on (when not
// nil) answering instead.
func fileHandler(ranges bool, on onGet) func(m *hostile.Media, st *counters) func(*hostile.Conn) {
	return func(m *hostile.Media, st *counters) func(*hostile.Conn) {
		f := &hostile.HTTPFile{Data: m.File, Ranges: ranges}
		if on != nil {
			f.OnGet = func(c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) { on(m, c, r, n, resp) }
		}
		st.file = f
		return f.Handle
	}
}

// wmspHandler serves the fixture over MS-WMSP, with the hooks set by
// setup.
func wmspHandler(setup func(m *hostile.Media, w *hostile.WMSP)) func(m *hostile.Media, st *counters) func(*hostile.Conn) {
	return func(m *hostile.Media, st *counters) func(*hostile.Conn) {
		w := &hostile.WMSP{Media: m}
		if setup != nil {
			setup(m, w)
		}
		st.wmsp = w
		return w.Handle
	}
}

// cut answers with the head and the first n bytes of the body, then
// closes.
func cut(n int) onGet {
	return func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(resp.Body[:min(n, len(resp.Body))])
	}
}

// garbage returns n pseudo-random bytes (hostile.PseudoRandom), the first
// one 'X': neither '$' nor the start of an ASF GUID.
func garbage(n int, seed uint64) []byte {
	b := hostile.PseudoRandom(n, seed)
	b[0] = 'X'
	return b
}

// redirectTo answers 302 with a Location on the same server.
func redirectTo(c *hostile.Conn, scheme, path string) {
	hostile.Empty(302, "Found", hostile.Field{Name: "Location", Value: c.Server().URL(scheme, path)},
		hostile.Field{Name: "Server", Value: "Cougar/9.01.01.3814"}).Write(c)
}

// httpScenarios is the deterministic table for HTTP progressive download.
func httpScenarios() []scenario {
	var out []scenario
	add := func(name, class string, ranges bool, on onGet, e expectation) *scenario {
		out = append(out, scenario{name: "http/" + name, class: "http " + class, scheme: "http", path: "/a.wma", handler: fileHandler(ranges, on), expect: e})
		return &out[len(out)-1]
	}
	add("ok", "control", true, nil, recovers())
	add("ok, no Range support", "control", false, nil, recovers())
	add("close after the headers", "truncated body", false, cut(0), errIsSaying(transport.ErrTruncated, "after 0 of 54944 bytes"))
	add("Content-Length 10 GB, 1 KB sent", "lying length", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		resp.Set("Content-Length", strconv.Itoa(10<<30))
		c.Write(resp.Head())
		c.Write(m.File[:1024])
	}, errIsSaying(transport.ErrTruncated, "after 1024 of 10737418240 bytes"))
	add("Content-Length 10 GB, the whole file sent", "lying length", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		// The media is complete: the lie costs nothing.
		resp.Set("Content-Length", strconv.Itoa(10<<30))
		resp.Write(c)
	}, recovers())
	add("Content-Length short of the Data Object", "lying length", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		short := len(m.File) - 2*m.PacketSize
		resp.Set("Content-Length", strconv.Itoa(short))
		resp.Body = m.File[:short]
		resp.Write(c)
	}, errIsSaying(transport.ErrTruncated, "15 of the 17 data packets"))
	add("cut mid-body, resumed by Range", "truncated body", true, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		if n == 1 {
			cut(20000)(m, c, r, n, resp)
			return
		}
		resp.Write(c)
	}, recovers())
	add("reset mid-body, resumed by Range", "truncated body", true, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		if n == 1 {
			c.Write(resp.Head())
			c.Write(resp.Body[:20000])
			c.Reset()
			return
		}
		resp.Write(c)
	}, recovers())
	storm := add("every resume closes after the headers", "truncated body", true, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		if n == 1 {
			cut(20000)(m, c, r, n, resp)
			return
		}
		cut(0)(m, c, r, n, resp)
	}, errIsSaying(transport.ErrTruncated, "after 20000 of 54944 bytes"))
	storm.check = func(res hostile.Result, st *counters) error {
		if n := st.file.Gets(); n > 4 {
			return fmt.Errorf("%d requests: resuming is not bounded", n)
		}
		return nil
	}
	add("drop, then replay from byte 0 ignoring Range", "drop and replay", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		if n == 1 {
			cut(20000)(m, c, r, n, resp)
			return
		}
		resp.Write(c)
	}, recovers())
	add("drop, then replay from byte 0 cut at the same point", "drop and replay", false, cut(20000), errIsSaying(transport.ErrTruncated, "after 20000 of 54944 bytes"))
	add("garbage instead of the file", "garbage", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		resp.Body = garbage(len(m.File), 1)
		resp.Write(c)
	}, errSaying("not an ASF file"))
	add("garbage packets after a good header", "garbage", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		resp.Body = append(append([]byte(nil), m.Header...), garbage(len(m.File)-len(m.Header), 2)...)
		resp.Write(c)
	}, survives()).check = func(res hostile.Result, _ *counters) error {
		if res.Stats.CorruptPackets == 0 {
			return errors.New("no corrupt packet counted")
		}
		return nil
	}
	add("garbage instead of a response", "garbage", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		c.Write(garbage(4096, 3))
	}, errSaying("malformed HTTP"))
	add("endless header lines", "endless header", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		c.WriteString("HTTP/1.1 200 OK\r\n")
		c.Endless(hostile.HeaderLines())
	}, either(errSaying("headers exceeded"), timedOut("not opened within")))
	add("header lines dripped", "endless header", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		c.Drip(resp.Bytes(), 20*time.Millisecond)
	}, timedOut("not opened within"))
	add("stall after the headers", "stall", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Stall()
	}, timedOut("no data for"))
	add("stall after 1 KB", "stall", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(resp.Body[:1024])
		c.Stall()
	}, timedOut("no data for"))
	add("stall mid-body", "stall", true, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(resp.Body[:20000])
		c.Stall()
	}, timedOut(fmt.Sprintf("no data for %v", timeout)))
	add("body dripped from the start", "drip", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Drip(resp.Body, 50*time.Millisecond)
	}, timedOut("arriving too slowly"))
	add("body dripped after 20 KB", "drip", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(resp.Body[:20000])
		c.Drip(resp.Body[20000:], 50*time.Millisecond)
	}, timedOut("arriving too slowly"))
	add("503", "error status", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		hostile.Empty(503, "Service Unavailable").Write(c)
	}, statusError(503))
	loop401 := add("401 whatever the credentials", "401 loop", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		hostile.Empty(401, "Unauthorized", hostile.Field{Name: "WWW-Authenticate", Value: `Basic realm="x"`}).Write(c)
	}, statusError(401))
	loop401.credentials = true
	add("redirect to itself", "redirect loop", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		redirectTo(c, "http", "/a.wma")
	}, errSaying("redirects"))
	add("redirect chain of 3", "redirect chain", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, _ int, resp *hostile.Response) {
		switch p := r.Path(); p {
		case "/a.wma", "/b.wma", "/c.wma":
			redirectTo(c, "http", "/"+string(p[1]+1)+".wma")
		default:
			resp.Write(c)
		}
	}, recovers())
	add("redirect chain of 20", "redirect chain", false, func(m *hostile.Media, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		if n <= 20 {
			redirectTo(c, "http", fmt.Sprintf("/hop%d.wma", n))
			return
		}
		resp.Write(c)
	}, errSaying("redirects"))
	out = append(out, scenario{name: "http/answered by a Windows Media server", class: "http redirect chain", scheme: "http", path: "/a.wma",
		handler: func(m *hostile.Media, st *counters) func(*hostile.Conn) {
			// A plain GET from the progressive client gets a WMS answer; the
			// registry re-opens the URL as mmsh://, which gets MS-WMSP.
			w := &hostile.WMSP{Media: m}
			st.wmsp = w
			w.OnDescribe = func(c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
				if !strings.HasPrefix(r.Get("User-Agent"), "NSPlayer/") {
					w.Empty(200, "OK").Write(c)
					return
				}
				resp.Write(c)
			}
			return w.Handle
		}, expect: recovers()})
	return out
}

// mmshScenarios is the deterministic table for MS-WMSP.
func mmshScenarios() []scenario {
	var out []scenario
	add := func(name, class string, setup func(m *hostile.Media, w *hostile.WMSP), e expectation) *scenario {
		out = append(out, scenario{name: "mmsh/" + name, class: "mmsh " + class, scheme: "mmsh", path: "/a.wma", handler: wmspHandler(setup), expect: e})
		return &out[len(out)-1]
	}
	describe := func(f func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response)) func(m *hostile.Media, w *hostile.WMSP) {
		return func(m *hostile.Media, w *hostile.WMSP) {
			w.OnDescribe = func(c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) { f(m, c, resp) }
		}
	}
	// play misbehaves on every Play; the body it gets is the conforming one.
	play := func(f func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response)) func(m *hostile.Media, w *hostile.WMSP) {
		return func(m *hostile.Media, w *hostile.WMSP) {
			w.OnPlay = func(c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) { f(m, w, c, r, n, resp) }
		}
	}
	header := func(m *hostile.Media) []byte { return hostile.HeaderPackets(m.Header, 0) }
	playsOn := expectation{recover: true, most: true, desc: "plays on to the end (90% of the samples at least)"}

	add("ok", "control", nil, recovers())
	add("$H in 100-byte fragments", "control", func(m *hostile.Media, w *hostile.WMSP) {
		w.OnDescribe = func(c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
			resp.Body = hostile.HeaderPackets(m.Header, 100)
			resp.Set("Content-Length", strconv.Itoa(len(resp.Body)))
			resp.Write(c)
		}
	}, recovers())
	add("Describe closed after the headers", "truncated body", describe(func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		c.Write(resp.Head())
	}), errSaying("Describe"))
	add("Describe closed mid-$H", "truncated body", describe(func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(resp.Body[:100])
	}), errSaying("Describe"))
	add("every Play closed after the headers", "truncated body", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Write(resp.Head())
	}), errSaying("without $E"))
	cutPlay := func(at func(m *hostile.Media) int) func(m *hostile.Media, w *hostile.WMSP) {
		return play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
			if n == 1 {
				c.Write(resp.Head())
				c.Write(resp.Body[:at(m)])
				return
			}
			resp.Write(c)
		})
	}
	add("first Play closed after 4 packets, resumed", "truncated body", cutPlay(func(m *hostile.Media) int {
		return len(header(m)) + 4*(12+m.PacketSize)
	}), recovers())
	add("first Play closed inside a $D, resumed", "truncated body", cutPlay(func(m *hostile.Media) int {
		return len(header(m)) + 4*(12+m.PacketSize) + 100
	}), recovers())
	add("first Play closed inside its $H, resumed", "truncated body", cutPlay(func(m *hostile.Media) int {
		return len(header(m)) / 2
	}), recovers())
	add("$H PacketLength larger than what follows", "lying length", describe(func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		h := resp.Body
		lie := hostile.FrameLength(hostile.PacketH, false, uint16(len(h)-4+1000), h[4:])
		resp.Body = lie
		resp.Set("Content-Length", strconv.Itoa(len(lie)))
		resp.Write(c)
	}), errIs(mmsh.ErrMalformedPacket))
	add("$H PacketLength smaller than its PacketSize", "lying length", describe(func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		h := resp.Body
		resp.Body = hostile.FrameLength(hostile.PacketH, false, 100, h[4:])
		resp.Write(c)
	}), errIs(mmsh.ErrMalformedPacket))
	add("$D PacketLength 65535 on a 3200-byte packet", "lying length", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		d := hostile.DataPacket(0, 0, m.Packets[0])
		body := append(header(m), hostile.FrameLength(hostile.PacketD, false, 0xFFFF, d[4:])...)
		body = append(body, w.DataPackets(1, len(m.Packets))...)
		c.Write(resp.Head())
		c.Write(body)
	}), errIs(mmsh.ErrMalformedPacket))
	add("garbage Describe body", "garbage", describe(func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		resp.Body = garbage(len(resp.Body), 4)
		resp.Write(c)
	}), errIs(mmsh.ErrMalformedPacket))
	add("garbage Play body", "garbage", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(garbage(len(resp.Body), 5))
	}), errIs(mmsh.ErrMalformedPacket))
	add("garbage after 5 packets", "garbage", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(header(m))
		c.Write(w.DataPackets(0, 5))
		c.Write(garbage(20000, 6))
	}), errIs(mmsh.ErrMalformedPacket))
	// An endless object costs the client about its limit, once: the
	// fragments it keeps (mmsh.MaxHeaderSize, 16 MB, for $H), no copy.
	// Before it kept them that way, the endless $H cost 100–110 MB.
	endless := func(gen func(int) []byte) func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		return func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
			resp.Del("Content-Length")
			c.Write(resp.Head())
			c.Endless(gen)
		}
	}
	add("endless $H fragments", "endless header", describe(endless(endlessObject(hostile.PacketH, asfHeaderStart(mmsh.MaxHeaderSize-50), 60000))),
		either(errIs(mmsh.ErrTooLarge), errIs(mmsh.ErrTimeout))).maxAlloc = 24 << 20
	add("endless $H fragments in every Play", "endless header", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Endless(endlessObject(hostile.PacketH, asfHeaderStart(mmsh.MaxHeaderSize-50), 60000))
	}), either(errIs(mmsh.ErrTooLarge), errIs(mmsh.ErrTimeout))).maxAlloc = 24 << 20
	add("endless $H fragments, not an ASF header", "endless header", describe(endless(hostile.EndlessHeader(60000))),
		errIs(mmsh.ErrMalformedPacket)).maxAlloc = 4 << 20
	add("$H declaring a 4 GB header, endless", "endless header", describe(endless(endlessObject(hostile.PacketH, asfHeaderStart(4<<30), 60000))),
		errIs(mmsh.ErrTooLarge)).maxAlloc = 4 << 20
	add("$H running past the size it declares", "endless header", describe(endless(endlessObject(hostile.PacketH, asfHeaderStart(100000), 60000))),
		errIs(mmsh.ErrTooLarge)).maxAlloc = 4 << 20
	add("endless $M fragments", "endless header", describe(endless(endlessObject(hostile.PacketM, []byte("playlist-gen-id=1, "), 60000))),
		either(errIs(mmsh.ErrTooLarge), errIs(mmsh.ErrTimeout))).maxAlloc = 4 << 20
	add("endless header lines", "endless header", describe(func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		c.WriteString("HTTP/1.1 200 OK\r\n")
		c.Endless(hostile.HeaderLines())
	}), errIs(mmsh.ErrTooLarge))
	add("Describe gets no answer", "stall", describe(func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		c.Stall()
	}), stalls(`^mmsh: Describe http://ADDR/a\.wma: no data from ADDR for 400ms: mmsh: timed out: .*i/o timeout$`))
	add("Describe stalls after the headers", "stall", describe(func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Stall()
	}), stalls(`^mmsh: Describe http://ADDR/a\.wma: only \d+ bytes from ADDR in 400ms, no complete ASF header: mmsh: timed out: .*i/o timeout$`))
	add("Describe stalls inside its $H", "stall", describe(func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(resp.Body[:100])
		c.Stall()
	}), stalls(`^mmsh: Describe http://ADDR/a\.wma: only \d+ bytes from ADDR in 400ms, no complete ASF header: `))
	add("every Play gets no answer", "stall", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Stall()
	}), stalls(`^mmsh: Play http://ADDR/a\.wma: no data from ADDR for 400ms: mmsh: timed out: .*i/o timeout$`))
	add("resumed Play gets no answer", "stall", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		if n == 1 {
			c.Write(resp.Head())
			c.Write(header(m))
			c.Write(w.DataPackets(0, 5))
			return
		}
		c.Stall()
	}), stalls(`^mmsh: stream http://ADDR/a\.wma ended: the server closed the connection without \$E; reconnecting: mmsh: Play http://ADDR/a\.wma: no data from ADDR for \d+ms: mmsh: timed out: .*; no reconnection possible before the 400ms timeout$`))
	sideStalls := add("every Log and KeepAlive gets no answer", "stall", func(m *hostile.Media, w *hostile.WMSP) {
		w.OnOther = func(c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
			c.Stall()
		}
	}, recovers())
	sideStalls.check = func(res hostile.Result, st *counters) error {
		// Not fatal: the stream played on (recovers); the Log sent at
		// its $E stalls, the session closes all the same.
		if n := st.wmsp.Plays(); n != 1 {
			return fmt.Errorf("%d Plays", n)
		}
		return nil
	}
	add("every Play stalls after $H", "stall", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(header(m))
		c.Stall()
	}), errIs(mmsh.ErrTimeout))
	add("Play stalls after 5 packets, then after $H", "stall", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(header(m))
		if n == 1 {
			c.Write(w.DataPackets(0, 5))
		}
		c.Stall()
	}), errIs(mmsh.ErrTimeout))
	add("Describe dripped", "drip", describe(func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		c.Drip(resp.Bytes(), 50*time.Millisecond)
	}), stalls(`^mmsh: Describe http://ADDR/a\.wma: only \d bytes from ADDR in 400ms, no complete response: mmsh: timed out: .*i/o timeout$`))
	add("Describe body dripped", "drip", describe(func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Drip(resp.Body, 50*time.Millisecond)
	}), stalls(`^mmsh: Describe http://ADDR/a\.wma: only \d+ bytes from ADDR in 400ms, no complete ASF header: `))
	add("every Play answer dripped", "drip", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Drip(resp.Head(), 50*time.Millisecond)
	}), stalls(`^mmsh: Play http://ADDR/a\.wma: only \d bytes from ADDR in 400ms, no complete response: `))
	add("every Play dripped after $H", "drip", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(header(m))
		c.Drip(resp.Body[len(header(m)):], 50*time.Millisecond)
	}), errIs(mmsh.ErrTimeout))
	add("Describe 503", "error status", describe(func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		hostile.Empty(503, "Service Unavailable", hostile.Field{Name: "Server", Value: "Cougar/9.01.01.3814"}).Write(c)
	}), statusError(503))
	add("every Play 503", "error status", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		w.Empty(503, "Service Unavailable").Write(c)
	}), statusError(503))
	unauthorized := func(m *hostile.Media, w *hostile.WMSP) {
		w.OnDescribe = func(c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
			hostile.Empty(401, "Unauthorized", hostile.Field{Name: "Server", Value: "Cougar/9.01.01.3814"},
				hostile.Field{Name: "WWW-Authenticate", Value: `Basic realm="x"`}).Write(c)
		}
	}
	add("401 without credentials", "401 loop", unauthorized, errIs(transport.ErrAuthRequired))
	l401 := add("401 whatever the credentials", "401 loop", unauthorized, expectation{match: func(err error) bool {
		var ae *transport.AuthRequiredError
		return errors.As(err, &ae) && ae.Rejected
	}, desc: "*transport.AuthRequiredError, Rejected"})
	l401.credentials = true
	l401.check = func(res hostile.Result, st *counters) error {
		if n := st.wmsp.Describes(); n > 3 {
			return fmt.Errorf("%d Describes: the credentials are retried without bound", n)
		}
		return nil
	}
	add("redirect to itself", "redirect loop", describe(func(m *hostile.Media, c *hostile.Conn, resp *hostile.Response) {
		redirectTo(c, "http", "/a.wma")
	}), errIs(mmsh.ErrRedirectLoop))
	add("redirects between two paths", "redirect loop", func(m *hostile.Media, w *hostile.WMSP) {
		w.OnDescribe = func(c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
			if r.Path() == "/a.wma" {
				redirectTo(c, "mmsh", "/b.wma")
				return
			}
			redirectTo(c, "mmsh", "/a.wma")
		}
	}, errIs(mmsh.ErrRedirectLoop))
	add("redirect chain of 3", "redirect chain", func(m *hostile.Media, w *hostile.WMSP) {
		w.OnDescribe = func(c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
			switch p := r.Path(); p {
			case "/a.wma", "/b.wma", "/c.wma":
				redirectTo(c, "http", "/"+string(p[1]+1)+".wma")
			default:
				resp.Write(c)
			}
		}
	}, recovers())
	add("$E with E_FAIL after 5 packets", "$E mid-stream", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(header(m))
		c.Write(w.DataPackets(0, 5))
		c.Write(hostile.Notify(hostile.PacketE, hostile.EFail))
	}), expectation{match: func(err error) bool {
		var se *mmsh.ServerError
		return errors.As(err, &se) && se.HRESULT == hostile.EFail
	}, desc: "*mmsh.ServerError 0x80004005"})
	add("drop after 5 packets, replay from packet 0", "drop and replay", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(header(m))
		c.Write(w.DataPackets(0, 5))
	}), expectation{match: func(err error) bool { return err != nil }, desc: "an error: the server never gets past packet 4"})
	add("$H again mid-stream, no $C", "new header mid-stream", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(header(m))
		c.Write(w.DataPackets(0, 5))
		c.Write(header(m))
		c.Write(w.DataPackets(5, len(m.Packets)))
		c.Write(hostile.Notify(hostile.PacketE, hostile.SOK))
	}), playsOn)
	add("$H again mid-stream in 200-byte fragments, new incarnation, no $C", "new header mid-stream", play(func(m *hostile.Media, w *hostile.WMSP, c *hostile.Conn, r *hostile.Request, n int, resp *hostile.Response) {
		c.Write(resp.Head())
		c.Write(header(m))
		c.Write(w.DataPackets(0, 5))
		c.Write(hostile.HeaderFragments(m.Header, 200, 1))
		c.Write(w.DataPackets(5, len(m.Packets)))
		c.Write(hostile.Notify(hostile.PacketE, hostile.SOK))
	}), playsOn)
	return out
}

// media is the fixture, cut.
func media(t testing.TB) *hostile.Media {
	t.Helper()
	b, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	m, err := hostile.NewMedia(b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// reference plays the fixture from memory: the samples a recovery must
// deliver.
func reference(t testing.TB, m *hostile.Media) []hostile.Sample {
	t.Helper()
	reg := transport.NewRegistry()
	reg.Register("mem", transport.MatchSchemes("mem"), progressive.MemoryDialer{Data: m.File})
	res := hostile.Run(reg, "mem://a", transport.Config{}, hostile.Limits{})
	if res.Err != nil || len(res.Samples) == 0 {
		t.Fatalf("reference: %v, %d samples", res.Err, len(res.Samples))
	}
	return res.Samples
}

// registry is the player's: progressive HTTP, MS-WMSP and MS-MMSP (its
// Header timer's base at 50 ms, not 1 s: a UDP path that delivers nothing
// is found within the table's time bound).
func registry() *transport.Registry {
	reg := transport.NewRegistry()
	reg.Register("http", progressive.MatchHTTP, progressive.HTTPDialer{})
	mmsh.Register(reg, &mmsh.Dialer{})
	mmsp.Register(reg, &mmsp.Dialer{HeaderTimeout: 50 * time.Millisecond})
	return reg
}

// runScenario runs sc against a fresh server and checks its outcome, time,
// memory and leaks. It returns the result and what was wrong ("" when
// the run was handled cleanly).
func runScenario(sc scenario, m *hostile.Media, ref []hostile.Sample) (hostile.Result, string) {
	ignore := goleak.IgnoreCurrent()
	fds, fdErr := hostile.OpenFDs()
	st := &counters{}
	srv, err := hostile.NewServer(sc.handler(m, st))
	if err != nil {
		return hostile.Result{}, err.Error()
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	cfg := transport.Config{Timeout: timeout, HTTPClient: &http.Client{Transport: tr}}
	if sc.credentials {
		cfg.Credentials = &transport.Credentials{User: "user", Password: "wrong"}
	}
	res := hostile.Run(registry(), srv.URL(sc.scheme, sc.path), cfg, hostile.Limits{Watchdog: 10 * time.Second, MaxSamples: 4 * len(ref)})
	srv.Close()
	tr.CloseIdleConnections()

	var problems []string
	e := sc.expect
	switch {
	case res.Hung:
		problems = append(problems, fmt.Sprintf("hung: the watchdog ended it (%v)", res.Err))
	case res.Capped:
		problems = append(problems, fmt.Sprintf("went on delivering: %d samples (the file has %d)", len(res.Samples), len(ref)))
	case e.survive:
	case res.Err == nil && !e.recover:
		problems = append(problems, fmt.Sprintf("want %s, got a clean end after %d samples", e.desc, len(res.Samples)))
	case res.Err == nil && (e.exact && !hostile.SameSamples(res.Samples, ref) || e.most && len(res.Samples) < len(ref)*9/10):
		problems = append(problems, fmt.Sprintf("want %s, got %d samples of %d", e.desc, len(res.Samples), len(ref)))
	case res.Err != nil && (e.match == nil || !e.match(res.Err)):
		problems = append(problems, fmt.Sprintf("want %s, got %v", e.desc, res.Err))
	}
	if res.Took < e.minTook {
		problems = append(problems, fmt.Sprintf("ended after %v, before the %v timeout", res.Took.Round(time.Millisecond), e.minTook))
	}
	if res.Duplicates > 0 {
		problems = append(problems, fmt.Sprintf("%d samples delivered twice", res.Duplicates))
	}
	if res.Took > timeBound {
		problems = append(problems, fmt.Sprintf("took %v, more than %v with a %v timeout", res.Took.Round(time.Millisecond), timeBound, timeout))
	}
	maxAlloc := sc.maxAlloc
	if maxAlloc == 0 {
		maxAlloc = defaultAlloc
	}
	if res.Alloc > maxAlloc {
		problems = append(problems, fmt.Sprintf("allocated %d MB (bound %d MB)", res.Alloc>>20, maxAlloc>>20))
	}
	if sc.check != nil {
		if err := sc.check(res, st); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if err := goleak.Find(ignore); err != nil {
		problems = append(problems, "goroutines leaked: "+err.Error())
	}
	if after, err := hostile.OpenFDs(); fdErr == nil && err == nil && after != fds {
		problems = append(problems, fmt.Sprintf("%d file descriptors open before, %d after", fds, after))
	}
	return res, strings.Join(problems, "; ")
}

// runTable runs scenarios as subtests.
func runTable(t *testing.T, table []scenario) {
	m := media(t)
	ref := reference(t, m)
	for _, sc := range table {
		t.Run(sc.name, func(t *testing.T) {
			if sc.knownIssue != "" && !*runKnown {
				report.Skip(sc.class)
				t.Skip(sc.knownIssue)
			}
			res, problem := runScenario(sc, m, ref)
			report.Add(sc.class, problem == "", res.Took, sc.name+": "+problem)
			t.Logf("%s in %v, %d samples, %d KB allocated: %v", sc.expect.desc, res.Took.Round(time.Millisecond), len(res.Samples), res.Alloc>>10, res.Err)
			if problem != "" {
				t.Error(problem)
			}
		})
	}
}

// TestHTTP runs the HTTP progressive table.
func TestHTTP(t *testing.T) { runTable(t, httpScenarios()) }

// TestMMSH runs the MS-WMSP table.
func TestMMSH(t *testing.T) { runTable(t, mmshScenarios()) }

// asfHeaderStart is the start of an ASF Header Object declaring size bytes
// ([ASF] 3.1): the Object ID 75B22630-668E-11CF-A6D9-00AA0062CE6C in its
// little-endian wire form, the 64-bit Object Size, then the Number of
// Header Objects (0) and Reserved1/2 (0x01, 0x02).
func asfHeaderStart(size uint64) []byte {
	b := []byte{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C}
	b = binary.LittleEndian.AppendUint64(b, size)
	return append(b, 0, 0, 0, 0, 0x01, 0x02)
}

// endlessObject is an Endless generator of the fragments of a $H or $M
// object that never ends ([MS-WMSP] 2.2.3.1.2): LocationId counts them,
// the first has AFFlags 0x04 (first) and starts with first, the others
// 0x00 (middle), none 0x08 (last); each carries size payload bytes. One
// buffer serves every call.
func endlessObject(id byte, first []byte, size int) func(int) []byte {
	payload := make([]byte, size)
	copy(payload, first)
	buf := hostile.Frame(id, false, hostile.MMSPacket(0, 0, 0x04, payload))
	return func(i int) []byte {
		binary.LittleEndian.PutUint32(buf[4:], uint32(i))
		buf[9] = 0
		if i == 0 {
			buf[9] = 0x04
		}
		return buf
	}
}
