package smoothtest

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eddyplayer/eddy/transport/fmp4"
	"github.com/eddyplayer/eddy/transport/mmsh/mmshtest"
	"github.com/eddyplayer/eddy/transport/smooth/manifest"
)

// LiveSource is an on-demand tree's content, loaded for LiveServer: per
// stream, every quality's fragments as samples.
type LiveSource struct {
	Streams []*LiveStream
}

// LiveStream is one StreamIndex of the tree.
type LiveStream struct {
	Type, Name string
	// TimeScale is the stream's t/d units per second.
	TimeScale uint64
	// Durations are the source fragments' durations (the sums of their
	// samples' durations), in TimeScale units; Period is their sum, the
	// length of one pass of the loop.
	Durations []uint64
	Period    uint64
	Qualities []LiveQuality
}

// LiveQuality is one QualityLevel of a LiveStream.
type LiveQuality struct {
	Level   *manifest.QualityLevel
	TrackID uint32
	// Fragments are the source fragments' samples.
	Fragments [][]fmp4.FragmentSample
}

// LoadLive reads the on-demand tree in dir (MakeTree's result: its
// Manifest and QualityLevels(…)/Fragments(…) files).
func LoadLive(dir string) (*LiveSource, error) {
	b, err := os.ReadFile(filepath.Join(dir, "Manifest"))
	if err != nil {
		return nil, err
	}
	m, err := manifest.Parse(b)
	if err != nil {
		return nil, err
	}
	src := &LiveSource{}
	for _, si := range m.Streams {
		ls := &LiveStream{Type: si.Type, Name: si.Name, TimeScale: si.TimeScale}
		frags := si.Fragments()
		if len(frags) == 0 {
			return nil, fmt.Errorf("stream %s has no fragment", si.Name)
		}
		for qi, ql := range si.QualityLevels {
			lq := LiveQuality{Level: ql}
			for i, f := range frags {
				p := filepath.Join(dir, fmt.Sprintf("QualityLevels(%d)", ql.Bitrate), fmt.Sprintf("Fragments(%s=%d)", si.Name, f.Start))
				body, err := os.ReadFile(p)
				if err != nil {
					return nil, err
				}
				fr, err := fmp4.ParseFragment(body, fmp4.Options{StartTime: f.Start, IgnoreTfxd: true})
				if err != nil {
					return nil, fmt.Errorf("%s: %w", p, err)
				}
				if len(fr.Tracks) != 1 {
					return nil, fmt.Errorf("%s: %d tracks", p, len(fr.Tracks))
				}
				tf := fr.Tracks[0]
				lq.TrackID = tf.TrackID
				var samples []fmp4.FragmentSample
				var d uint64
				for _, s := range tf.Samples {
					samples = append(samples, fmp4.FragmentSample{
						Duration: s.Duration, CompositionOffset: int32(s.CompositionOffset),
						Flags: s.Flags, Data: append([]byte(nil), s.Data...),
					})
					d += uint64(s.Duration)
				}
				if d == 0 {
					return nil, fmt.Errorf("%s: no sample duration", p)
				}
				lq.Fragments = append(lq.Fragments, samples)
				if qi == 0 {
					ls.Durations = append(ls.Durations, d)
					ls.Period += d
				} else if ls.Durations[i] != d {
					return nil, fmt.Errorf("%s lasts %d, quality 0's fragment %d", p, d, ls.Durations[i])
				}
			}
			ls.Qualities = append(ls.Qualities, lq)
		}
		src.Streams = append(src.Streams, ls)
	}
	return src, nil
}

// DefaultLiveBase is the absolute time (in 100-ns units) of a live
// presentation's first fragment, as a live encoder numbers its timeline
// (here about 39 years of 100 ns): large, and not a round number.
const DefaultLiveBase = 12_345_678_901_234_567

// LiveOptions configure NewLiveServer. The zero value serves a live
// presentation with LookaheadCount 2 and a 20 s DVR window that has been
// running for 30 s.
type LiveOptions struct {
	// Now is the server's clock (default time.Now: inside a
	// testing/synctest bubble, the bubble's virtual time).
	Now func() time.Time
	// Base is the absolute start time of the presentation's first
	// fragment, in each stream's TimeScale units (default
	// DefaultLiveBase).
	Base uint64
	// LookaheadCount is the manifest's LookaheadCount and the most
	// fragments a tfrf announces (default 2; -1 for 0).
	LookaheadCount int
	// DVRWindow is the manifest's DVRWindowLength (default 20 s; -1 for
	// none: DVRWindowLength is left out and every fragment is kept).
	DVRWindow time.Duration
	// Elapsed is how long the presentation has been running when the
	// server starts (default 30 s).
	Elapsed time.Duration
	// NotYetStatus answers a fragment not produced yet: 412 (MS-SSTR
	// 2.2.6, the default) or 404.
	NotYetStatus int
	// AnnounceEarly makes the manifest and the tfrf boxes list fragments
	// this long before they are produced (an origin ahead of its edge
	// server): a client asking for one early gets NotYetStatus.
	AnnounceEarly time.Duration
	// NoTfrf leaves the tfrf box out of every fragment (SetTfrf changes
	// it while the server runs).
	NoTfrf bool
	// Tamper, when set, may change fragment k's spec before it is built
	// (a hostile server's tfxd or tfrf).
	Tamper func(k uint64, spec *fmp4.FragmentSpec)
	// Listener, when set, is where the server listens (a TCP socket for a
	// client in another process) instead of in-memory pipes.
	Listener net.Listener
	// CaptionEvery, when set, adds a sparse text stream "captions"
	// (MS-SSTR 2.2.2.3: ParentStreamIndex "video", FourCC TTML) holding a
	// caption every CaptionEvery from Base, each lasting CaptionLength
	// and saying "caption K" (K from 0). A caption is produced when it
	// ends.
	CaptionEvery time.Duration
	// CaptionsInManifest lists the produced captions of the DVR window
	// in the manifest as c elements; without it the manifest lists none
	// (a live server that announces them only by pointer).
	CaptionsInManifest bool
	// SparsePointer puts a Sparse Stream Pointer (MS-SSTR 2.2.5) in each
	// video fragment's Content-Type, as IIS does: the newest caption
	// that starts at or before the fragment.
	SparsePointer bool
}

// CaptionLength is how long each caption of LiveOptions.CaptionEvery
// lasts, in 100-ns units (1 s).
const CaptionLength = 10_000_000

// LiveRequest is one request the server answered.
type LiveRequest struct {
	Path   string
	Status int
	// At is the server's time when it answered.
	At time.Time
}

// LiveServer serves a LiveSource as a live Smooth Streaming presentation
// (MS-SSTR 2.2.2.1 IsLive, LookaheadCount, DVRWindowLength) whose
// timeline grows with its clock: each stream's source fragments loop
// (fragment k is source fragment k mod len), one after the other from
// Base; a fragment is produced when its end is reached, the manifest
// lists the produced fragments of the DVR window as c elements with t, d
// and r (MS-SSTR 2.2.2.6), and a fragment is re-timed: its tfxd carries
// its absolute time and duration and its tfrf the following fragments
// already produced, at most LookaheadCount (MS-SSTR 2.2.4.4, 2.2.4.5). A
// fragment not produced yet answers NotYetStatus, one that left the DVR
// window 404.
//
// It listens on an in-memory pipe listener (unless LiveOptions.Listener
// says otherwise): a client must use Client() (whose transport dials it),
// and inside a testing/synctest bubble both sides block durably, so
// virtual time passes while they wait.
type LiveServer struct {
	*httptest.Server
	src  *LiveSource
	opt  LiveOptions
	t0   time.Time
	tr   *http.Transport
	once sync.Once

	mu             sync.Mutex
	noTfrf         bool
	manifestStatus int
	reqs           []LiveRequest
}

// LivePath is the path of the presentation's manifest.
const LivePath = "/live.isml/Manifest"

// NewLiveServer starts a live server for src. Create it inside the
// synctest bubble that uses it.
func NewLiveServer(src *LiveSource, opt LiveOptions) *LiveServer {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Base == 0 {
		opt.Base = DefaultLiveBase
	}
	switch {
	case opt.LookaheadCount == 0:
		opt.LookaheadCount = 2
	case opt.LookaheadCount < 0:
		opt.LookaheadCount = 0
	}
	switch {
	case opt.DVRWindow == 0:
		opt.DVRWindow = 20 * time.Second
	case opt.DVRWindow < 0:
		opt.DVRWindow = 0
	}
	if opt.Elapsed == 0 {
		opt.Elapsed = 30 * time.Second
	}
	if opt.NotYetStatus == 0 {
		opt.NotYetStatus = http.StatusPreconditionFailed
	}
	s := &LiveServer{src: src, opt: opt, t0: opt.Now(), noTfrf: opt.NoTfrf}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Server.Listener.Close() // a loopback socket: replaced
	if opt.Listener != nil {
		s.tr = &http.Transport{}
		s.Server.Listener = opt.Listener
	} else {
		ln := mmshtest.NewPipeListener()
		s.tr = &http.Transport{DialContext: ln.DialContext}
		s.Server.Listener = ln
	}
	s.Server.Start()
	return s
}

// ManifestURL is the presentation's manifest URL.
func (s *LiveServer) ManifestURL() string { return s.URL + LivePath }

// Client returns an HTTP client whose connections reach the server.
func (s *LiveServer) Client() *http.Client { return &http.Client{Transport: s.tr} }

// Close closes the client's idle connections and the server.
func (s *LiveServer) Close() {
	s.once.Do(func() {
		s.tr.CloseIdleConnections()
		s.Server.Close()
	})
}

// SetTfrf makes the fragments served from now on carry a tfrf box (on)
// or not.
func (s *LiveServer) SetTfrf(on bool) {
	s.mu.Lock()
	s.noTfrf = !on
	s.mu.Unlock()
}

// SetManifestStatus makes the manifest answer code with an empty body
// from now on (0: the manifest again).
func (s *LiveServer) SetManifestStatus(code int) {
	s.mu.Lock()
	s.manifestStatus = code
	s.mu.Unlock()
}

// Requests returns the requests answered so far, in order.
func (s *LiveServer) Requests() []LiveRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LiveRequest(nil), s.reqs...)
}

// Count is how many requests answered so far have sub in their path and
// the status (any status when status is 0).
func (s *LiveServer) Count(sub string, status int) int {
	n := 0
	for _, r := range s.Requests() {
		if strings.Contains(r.Path, sub) && (status == 0 || r.Status == status) {
			n++
		}
	}
	return n
}

// LiveFragment is one fragment of a stream's live timeline.
type LiveFragment struct {
	// K is the fragment's number from the presentation's start (source
	// fragment K mod len(Durations)).
	K uint64
	// Start and Duration are absolute, in the stream's TimeScale units.
	Start, Duration uint64
}

// Stream returns the stream named name, nil when there is none.
func (s *LiveServer) Stream(name string) *LiveStream {
	for _, st := range s.src.Streams {
		if st.Name == name {
			return st
		}
	}
	return nil
}

// Fragment is fragment k of st.
func (s *LiveServer) Fragment(st *LiveStream, k uint64) LiveFragment {
	n := uint64(len(st.Durations))
	start := s.opt.Base + k/n*st.Period
	for i := range k % n {
		start += st.Durations[i]
	}
	return LiveFragment{K: k, Start: start, Duration: st.Durations[k%n]}
}

// elapsed is how long the presentation has been running, in st's units.
func (s *LiveServer) elapsed(st *LiveStream, early time.Duration) uint64 {
	d := s.opt.Elapsed + s.opt.Now().Sub(s.t0) + early
	if d < 0 {
		return 0
	}
	return uint64(d/time.Second)*st.TimeScale + uint64(d%time.Second)*st.TimeScale/uint64(time.Second)
}

// Window returns st's fragments in the DVR window that are produced (or,
// with early, that will be within early), oldest first: a fragment is in
// the window when it starts no earlier than the window's length before
// the newest produced end.
func (s *LiveServer) Window(st *LiveStream, early time.Duration) []LiveFragment {
	edge := s.elapsed(st, early)
	var from uint64
	if w := s.opt.DVRWindow; w > 0 {
		wt := uint64(w/time.Second)*st.TimeScale + uint64(w%time.Second)*st.TimeScale/uint64(time.Second)
		if edge > wt {
			from = edge - wt
		}
	}
	n := uint64(len(st.Durations))
	var out []LiveFragment
	for k := from / st.Period * n; ; k++ {
		f := s.Fragment(st, k)
		off := f.Start - s.opt.Base
		if off+f.Duration > edge {
			return out
		}
		if off >= from {
			out = append(out, f)
		}
	}
}

var fragmentPath = regexp.MustCompile(`^/live\.isml/QualityLevels\((\d+)\)/Fragments\((\w+)=(\d+)\)$`)

func (s *LiveServer) serve(w http.ResponseWriter, r *http.Request) {
	status := s.answer(w, r)
	s.mu.Lock()
	s.reqs = append(s.reqs, LiveRequest{Path: r.URL.Path, Status: status, At: s.opt.Now()})
	s.mu.Unlock()
}

func (s *LiveServer) answer(w http.ResponseWriter, r *http.Request) int {
	if r.Method != http.MethodGet {
		http.Error(w, "GET only (MS-SSTR 2.1)", http.StatusMethodNotAllowed)
		return http.StatusMethodNotAllowed
	}
	if r.URL.Path == LivePath {
		s.mu.Lock()
		code := s.manifestStatus
		s.mu.Unlock()
		if code != 0 {
			w.WriteHeader(code)
			return code
		}
		b := s.manifest()
		w.Header().Set("Content-Type", "text/xml")
		w.Write(b)
		return http.StatusOK
	}
	m := fragmentPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		http.NotFound(w, r)
		return http.StatusNotFound
	}
	if m[2] == CaptionStream && s.opt.CaptionEvery > 0 {
		return s.caption(w, m[1], m[3])
	}
	bitrate, err1 := strconv.ParseUint(m[1], 10, 32)
	start, err2 := strconv.ParseUint(m[3], 10, 64)
	st := s.Stream(m[2])
	if err := errors.Join(err1, err2); err != nil || st == nil {
		http.NotFound(w, r)
		return http.StatusNotFound
	}
	var q *LiveQuality
	for i := range st.Qualities {
		if uint64(st.Qualities[i].Level.Bitrate) == bitrate {
			q = &st.Qualities[i]
		}
	}
	k, ok := s.number(st, start)
	if q == nil || !ok {
		http.NotFound(w, r)
		return http.StatusNotFound
	}
	f := s.Fragment(st, k)
	edge := s.elapsed(st, 0)
	if f.Start-s.opt.Base+f.Duration > edge {
		w.WriteHeader(s.opt.NotYetStatus) // MS-SSTR 2.2.6: an empty body
		return s.opt.NotYetStatus
	}
	win := s.Window(st, 0)
	if len(win) == 0 || f.Start < win[0].Start {
		http.NotFound(w, r) // out of the DVR window
		return http.StatusNotFound
	}
	spec := fmp4.FragmentSpec{
		SequenceNumber: uint32(k + 1),
		TrackID:        q.TrackID,
		Samples:        q.Fragments[k%uint64(len(st.Durations))],
		Tfxd:           &fmp4.Tfxd{Version: 1, FragmentAbsoluteTime: f.Start, FragmentDuration: f.Duration},
	}
	s.mu.Lock()
	noTfrf := s.noTfrf
	s.mu.Unlock()
	if !noTfrf && s.opt.LookaheadCount > 0 {
		tf := &fmp4.Tfrf{Version: 1}
		early := s.elapsed(st, s.opt.AnnounceEarly)
		for j := k + 1; j <= k+uint64(s.opt.LookaheadCount); j++ {
			g := s.Fragment(st, j)
			if g.Start-s.opt.Base+g.Duration > early {
				break
			}
			tf.Entries = append(tf.Entries, fmp4.TfrfEntry{FragmentAbsoluteTime: g.Start, FragmentDuration: g.Duration})
		}
		if len(tf.Entries) > 0 {
			spec.Tfrf = tf
		}
	}
	if s.opt.Tamper != nil {
		s.opt.Tamper(k, &spec)
	}
	b, err := fmp4.BuildFragment(spec)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return http.StatusInternalServerError
	}
	ct := "video/mp4"
	if st.Type == "video" && s.opt.SparsePointer && s.opt.CaptionEvery > 0 {
		if k, ok := s.captionAt(f.Start); ok {
			ct += fmt.Sprintf(`;ChildTrack="%s=%d"`, CaptionStream, s.captionStart(k))
		}
	}
	w.Header().Set("Content-Type", ct)
	w.Write(b)
	return http.StatusOK
}

// CaptionStream is the name of the caption stream of
// LiveOptions.CaptionEvery.
const CaptionStream = "captions"

// captionStart is caption k's start, absolute, in 100-ns units.
func (s *LiveServer) captionStart(k uint64) uint64 {
	return s.opt.Base + k*uint64(s.opt.CaptionEvery/100)
}

// captionAt is the newest caption starting at or before t.
func (s *LiveServer) captionAt(t uint64) (uint64, bool) {
	if t < s.opt.Base {
		return 0, false
	}
	return (t - s.opt.Base) / uint64(s.opt.CaptionEvery/100), true
}

// captions are the produced captions of the DVR window, oldest first.
func (s *LiveServer) captions() []uint64 {
	edge := s.opt.Base + uint64((s.opt.Elapsed+s.opt.Now().Sub(s.t0))/100)
	from := s.opt.Base
	if w := uint64(s.opt.DVRWindow / 100); w > 0 && edge-s.opt.Base > w {
		from = edge - w
	}
	var out []uint64
	k, _ := s.captionAt(from)
	for ; s.captionStart(k)+CaptionLength <= edge; k++ {
		if s.captionStart(k) >= from {
			out = append(out, k)
		}
	}
	return out
}

// caption answers a caption fragment request.
func (s *LiveServer) caption(w http.ResponseWriter, bitrate, start string) int {
	t, err := strconv.ParseUint(start, 10, 64)
	k, ok := s.captionAt(t)
	if err != nil || bitrate != "1000" || !ok || s.captionStart(k) != t {
		w.WriteHeader(http.StatusNotFound)
		return http.StatusNotFound
	}
	win := s.captions()
	switch {
	case len(win) == 0 || k > win[len(win)-1]:
		w.WriteHeader(s.opt.NotYetStatus)
		return s.opt.NotYetStatus
	case k < win[0]:
		w.WriteHeader(http.StatusNotFound)
		return http.StatusNotFound
	}
	b, err := fmp4.BuildFragment(fmp4.FragmentSpec{
		SequenceNumber: uint32(k + 1), TrackID: 1,
		Samples: []fmp4.FragmentSample{{Duration: CaptionLength, Flags: fmp4.SyncSampleFlags,
			Data: fmt.Appendf(nil, "<tt><body><p>caption %d</p></body></tt>", k)}},
		Tfxd: &fmp4.Tfxd{Version: 1, FragmentAbsoluteTime: t, FragmentDuration: CaptionLength},
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "video/mp4")
	w.Write(b)
	return http.StatusOK
}

// number is the k of st's fragment that starts at start.
func (s *LiveServer) number(st *LiveStream, start uint64) (uint64, bool) {
	if start < s.opt.Base {
		return 0, false
	}
	off := start - s.opt.Base
	n := uint64(len(st.Durations))
	k := off / st.Period * n
	rem := off % st.Period
	for i, d := range st.Durations {
		if rem == 0 {
			return k + uint64(i), true
		}
		if rem < d {
			return 0, false
		}
		rem -= d
	}
	return 0, false
}

// manifest writes the live manifest at the server's time.
func (s *LiveServer) manifest() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	fmt.Fprintf(&b, `<SmoothStreamingMedia MajorVersion="2" MinorVersion="2" Duration="0" TimeScale="10000000" IsLive="TRUE" LookaheadCount="%d"`, s.opt.LookaheadCount)
	if s.opt.DVRWindow > 0 {
		fmt.Fprintf(&b, ` DVRWindowLength="%d"`, s.opt.DVRWindow/100)
	}
	b.WriteString(">\n")
	for _, st := range s.src.Streams {
		win := s.Window(st, s.opt.AnnounceEarly)
		fmt.Fprintf(&b, `<StreamIndex Type="%s" Name="%s" TimeScale="%d" QualityLevels="%d" Chunks="%d" Url="QualityLevels({bitrate})/Fragments(%s={start time})">`+"\n",
			st.Type, st.Name, st.TimeScale, len(st.Qualities), len(win), st.Name)
		for i, q := range st.Qualities {
			l := q.Level
			fmt.Fprintf(&b, `<QualityLevel Index="%d" Bitrate="%d" FourCC="%s" CodecPrivateData="%s"`, i, l.Bitrate, l.FourCC, strings.ToUpper(hex.EncodeToString(l.CodecPrivateData)))
			if st.Type == "video" {
				fmt.Fprintf(&b, ` MaxWidth="%d" MaxHeight="%d"`, l.MaxWidth, l.MaxHeight)
			} else {
				fmt.Fprintf(&b, ` SamplingRate="%d" Channels="%d" BitsPerSample="%d" PacketSize="%d" AudioTag="%d"`, l.SamplingRate, l.Channels, l.BitsPerSample, l.PacketSize, l.AudioTag)
			}
			b.WriteString(" />\n")
		}
		// Runs of equal durations: t and d on the first, r the count.
		for i := 0; i < len(win); {
			j := i + 1
			for j < len(win) && win[j].Duration == win[i].Duration {
				j++
			}
			if j-i > 1 {
				fmt.Fprintf(&b, `<c t="%d" d="%d" r="%d" />`+"\n", win[i].Start, win[i].Duration, j-i)
			} else {
				fmt.Fprintf(&b, `<c t="%d" d="%d" />`+"\n", win[i].Start, win[i].Duration)
			}
			i = j
		}
		b.WriteString("</StreamIndex>\n")
	}
	if s.opt.CaptionEvery > 0 {
		var cs []uint64
		if s.opt.CaptionsInManifest {
			cs = s.captions()
		}
		fmt.Fprintf(&b, `<StreamIndex Type="text" Subtype="CAPT" Name="%s" ParentStreamIndex="video" ManifestOutput="FALSE" TimeScale="10000000" QualityLevels="1" Chunks="%d" Url="QualityLevels({bitrate})/Fragments(%s={start time})">`+"\n",
			CaptionStream, len(cs), CaptionStream)
		b.WriteString(`<QualityLevel Index="0" Bitrate="1000" FourCC="TTML" />` + "\n")
		for _, k := range cs {
			fmt.Fprintf(&b, `<c t="%d" d="%d" />`+"\n", s.captionStart(k), CaptionLength)
		}
		b.WriteString("</StreamIndex>\n")
	}
	b.WriteString("</SmoothStreamingMedia>\n")
	return []byte(b.String())
}
