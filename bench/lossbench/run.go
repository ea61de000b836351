package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/player/audio"
	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/player/decoder/lavc"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/rtsp"
	"github.com/eddyplayer/eddy/transport/rtsp/rtsptest"
	"github.com/eddyplayer/eddy/transport/rtsp/wmfec"
)

// runConfig is one run: the file, the path's loss rate (0..1), RTT and
// seed, the mode, the FEC parameters the server offers.
type runConfig struct {
	data    []byte
	content content
	rate    float64
	rtt     time.Duration
	seed    int64
	mode    mode
	fec     wmfec.Params
	tmp     string
}

// result is what one run measured.
type result struct {
	// expected and handed count ASF packets: sent by the server, and
	// handed to the demuxer (the session's PacketsReceived).
	expected, handed int64
	// objects and gotObjects count media objects: in the file, and
	// delivered to the player as samples (counted outside the session).
	objects, gotObjects int64
	rebuffers           int
	// eddy is set for Eddy's runs: the player's counters at the end.
	eddy *player.Stats
	// state is how Eddy's run ended.
	state player.State
	path  PathStats
	fates []SSRCFate
	// server is the fake server's counters (NACKs, resends).
	server rtsptest.Stats
	err    error
}

// share is the percentage of the ASF packets sent that were handed on.
func (r result) share() float64 {
	if r.expected == 0 {
		return 0
	}
	return 100 * float64(r.handed) / float64(r.expected)
}

// objectShare is the percentage of the media objects delivered.
func (r result) objectShare() float64 {
	if r.objects == 0 {
		return 0
	}
	return 100 * float64(r.gotObjects) / float64(r.objects)
}

func (r result) cell() string {
	if r.err != nil && r.handed == 0 {
		return "failed"
	}
	s := fmt.Sprintf("%.2f%% (%d/%d)", r.share(), r.handed, r.expected)
	if r.eddy != nil {
		s += fmt.Sprintf(", objects %.2f%%", r.objectShare())
	}
	if r.err != nil {
		s += " (error)"
	}
	return s
}

func (r result) rebufCell() string {
	if r.eddy == nil || (r.err != nil && r.handed == 0) {
		return "-"
	}
	return strconv.Itoa(r.rebuffers)
}

func (r result) detail() string {
	s := fmt.Sprintf("handed %d/%d (%.3f%%), path sent %d lost %d overflow %d", r.handed, r.expected, r.share(),
		r.path.Sent, r.path.Lost, r.path.Overflow)
	if st := r.eddy; st != nil {
		s += fmt.Sprintf("; objects %d/%d (%.3f%%)", r.gotObjects, r.objects, r.objectShare())
		s += fmt.Sprintf("; end %v, rebuffers %d, lost %d, recovered FEC %d, resent %d, NACKs %d, late %d, duplicate %d, corrupt %d, decode errors %d, audio %v",
			r.state, r.rebuffers, st.PacketsLost, st.PacketsRecoveredFEC, st.PacketsRecoveredResent, st.NACKsSent,
			st.PacketsLate, st.PacketsDuplicate, st.CorruptPackets, st.DecodeErrors, st.AudioPlayed.Round(time.Millisecond))
	}
	if r.eddy != nil {
		s += fmt.Sprintf("; server: sent %d, FEC %d, NACKs %d, resent %d, not found %d", r.server.Sent, r.server.FECSent,
			r.server.NACKs, r.server.Resent, r.server.NotFound)
	}
	for _, f := range r.fates {
		s += fmt.Sprintf("\n      ssrc %08x: %d packets, %d lost a copy, %d sent more than once, %d never delivered (seq×copies sent):", f.SSRC, f.Packets, f.Lost, f.Resent, len(f.Undelivered))
		for i, q := range f.Undelivered {
			if i == 20 {
				s += " ..."
				break
			}
			s += fmt.Sprintf(" %d×%d", q, f.Copies[q])
		}
		if n := len(f.ResentSeqs); n > 0 && n <= 10 {
			s += fmt.Sprintf("; sent more than once: %v", f.ResentSeqs)
		}
	}
	if r.err != nil {
		s += "; error: " + r.err.Error()
	}
	return s
}

// discardVideo takes the decoded frames so that the video stream is
// selected and decoded (a nil VideoOutput leaves video out).
type discardVideo struct{}

func (discardVideo) Present(decoder.Frame) {}

// transports and decoders are the registries of cmd/eddyplay's wiring
// that an RTSP run needs (that package is internal to cmd/).
func transports(d transport.Dialer) *transport.Registry {
	r := transport.NewRegistry()
	r.Register("rtsp", rtsp.Match, d)
	return r
}

// countingDialer dials MS-RTSP sessions that count the distinct samples
// (track, presentation time) they deliver to the player: the media
// objects that reached the decoders, counted outside the session.
type countingDialer struct {
	mu   sync.Mutex
	seen map[objectKey]bool
}

func (d *countingDialer) Dial(ctx context.Context, rawURL string, cfg transport.Config) (transport.Session, error) {
	s, err := (&rtsp.Dialer{}).Dial(ctx, rawURL, cfg)
	if err != nil {
		return nil, err
	}
	return &countingSession{Session: s, d: d}, nil
}

func (d *countingDialer) count() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return int64(len(d.seen))
}

// countingSession passes everything to the MS-RTSP session, the optional
// interfaces the player uses included.
type countingSession struct {
	transport.Session
	d *countingDialer
}

func (s *countingSession) ReadSample(ctx context.Context) (transport.Sample, error) {
	smp, err := s.Session.ReadSample(ctx)
	if err == nil && len(smp.Data) > 0 {
		s.d.mu.Lock()
		s.d.seen[objectKey{smp.Track, smp.PTS}] = true
		s.d.mu.Unlock()
	}
	return smp, err
}

func (s *countingSession) StartupBuffer() (time.Duration, bool) {
	if a, ok := s.Session.(transport.StartupAdvisor); ok {
		return a.StartupBuffer()
	}
	return 0, false
}

func (s *countingSession) ReportPlayback(f transport.PlaybackFacts) {
	if r, ok := s.Session.(transport.PlaybackReporter); ok {
		r.ReportPlayback(f)
	}
}

func decoders() *decoder.Registry {
	r := decoder.NewRegistry()
	decoder.RegisterBuiltin(r)
	lavc.Register(r)
	return r
}

// runEddy plays the stream through Eddy's player over the lossy path:
// rtspu:// (RTP over UDP), every stream of the file, audio to a paced
// null output (a sound card's clock, so underruns are rebuffers).
func runEddy(ctx context.Context, c runConfig) result {
	cfg := rtsptest.Config{Entries: [][]byte{c.data}, Speed: 1}
	if c.mode == fecOnly || c.mode == both {
		f := c.fec
		cfg.FEC = &f
	}
	cfg.RTX = c.mode == nackOnly || c.mode == both
	srv, err := rtsptest.NewServer(cfg)
	if err != nil {
		return result{err: err}
	}
	defer srv.Close()
	path, err := NewPath(srv.Addr(), c.rtt/2, c.rate, c.seed)
	if err != nil {
		return result{err: err}
	}
	defer path.Close()

	counter := &countingDialer{seen: map[objectKey]bool{}}
	p, err := player.New(player.Config{
		Sink:       audio.NewNullSink(audio.NullSinkConfig{Paced: true}),
		Video:      discardVideo{},
		Transports: transports(counter),
		Decoders:   decoders(),
		Transport:  transport.Config{Timeout: 15 * time.Second},
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return result{err: err}
	}
	done := make(chan error, 1)
	cancel := p.Subscribe(func(ev player.Event) {
		switch {
		case ev.Kind == player.ErrorOccurred:
			select {
			case done <- ev.Err:
			default:
			}
		case ev.Kind == player.StateChanged && (ev.Status.State == player.Ended || ev.Status.State == player.Stopped):
			select {
			case done <- nil:
			default:
			}
		}
	})
	url := "rtspu://" + path.Addr() + "/content.wmv"
	p.OpenWith(url, player.OpenOptions{Streams: c.content.streams})
	limit := time.NewTimer(2*c.content.duration + 60*time.Second)
	defer limit.Stop()
	var runErr error
	select {
	case runErr = <-done:
	case <-limit.C:
		runErr = fmt.Errorf("no end after %v", 2*c.content.duration+60*time.Second)
		p.Stop()
	case <-ctx.Done():
		runErr = ctx.Err()
		p.Stop()
	}
	cancel()
	state := p.Status().State
	if err := p.Close(); err != nil && runErr == nil {
		runErr = err
	}
	st := p.Status().Stats
	return result{
		expected:   c.content.expected(c.content.streams),
		handed:     st.PacketsReceived,
		objects:    c.content.expectedObjects(c.content.streams),
		gotObjects: counter.count(),
		rebuffers:  st.Rebuffers,
		eddy:       &st,
		state:      state,
		path:       path.Stats(),
		fates:      path.Fates(),
		server:     srv.Stats(),
		err:        runErr,
	}
}

// gstBuffer matches the line fakesink prints for each buffer with -v and
// silent=false: "... chain ******* (fakesink0:sink) (1350 bytes, ...".
var gstBuffer = regexp.MustCompile(`chain.*\((\d+) bytes,`)

// runGStreamer plays the stream with gst-launch-1.0 rtspsrc (UDP) !
// rtpasfdepay ! fakesink through the same kind of path, from the server
// written as GStreamer's rtpasfpay serves (one RTP session with every ASF
// packet whole: GStreamer's client reads no WMS SDP). It counts the
// buffers rtpasfdepay hands on: each is one ASF packet (padded again to
// the packet size, but for the file's last). rtspsrc ends at the RTCP BYE;
// a BYE lost on the path leaves it waiting, so it is interrupted (EOS, -e)
// once the stream's time and a margin have passed, and a failure after
// the stream's time (the fake server closes an idle control connection,
// which rtspsrc reports) is no failure of the run.
func runGStreamer(ctx context.Context, c runConfig) result {
	srv, err := rtsptest.NewServer(rtsptest.Config{Entries: [][]byte{c.data}, Style: rtsptest.StyleGStreamer, Speed: 1})
	if err != nil {
		return result{err: err}
	}
	defer srv.Close()
	path, err := NewPath(srv.Addr(), c.rtt/2, c.rate, c.seed)
	if err != nil {
		return result{err: err}
	}
	defer path.Close()
	res := result{expected: c.content.packets}
	ctx, cancel := context.WithTimeout(ctx, c.content.duration+15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "gst-launch-1.0", "-e", "-v",
		"rtspsrc", "location=rtsp://"+path.Addr()+"/content.wmv", "protocols=udp",
		"!", "rtpasfdepay", "!", "fakesink", "silent=false")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 10 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &stderr, n: 64 << 10}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return result{err: err}
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{err: fmt.Errorf("gst-launch-1.0: %w", err)}
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m := gstBuffer.FindSubmatch(sc.Bytes())
		if m == nil {
			continue
		}
		if n, err := strconv.Atoi(string(m[1])); err == nil && n > 0 && n <= int(c.content.packetSize) {
			res.handed++
		}
	}
	werr := cmd.Wait()
	if werr != nil && time.Since(start) < c.content.duration {
		res.err = fmt.Errorf("gst-launch-1.0: %w: %s", werr, bytes.TrimSpace(stderr.Bytes()))
	}
	res.path = path.Stats()
	return res
}

// limitedWriter keeps the first n bytes written to it.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(b []byte) (int, error) {
	if l.n > 0 {
		k := min(len(b), l.n)
		l.w.Write(b[:k])
		l.n -= k
	}
	return len(b), nil
}
