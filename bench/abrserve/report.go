package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/eddyplayer/eddy/transport/smooth/manifest"
)

// Limits on what a report reads.
const (
	maxFragmentURLs = 1 << 20 // fragments × qualities indexed from the manifest
	maxLogLines     = 1 << 20
	maxManifest     = 16 << 20
)

var (
	errReport = errors.New("report")
	// errGoal: the first player (Eddy) missed a goal of issue 10's
	// benchmark.
	errGoal = errors.New("goal missed")
)

// Facts are what the script measured of one player outside the server's
// log.
type Facts struct {
	Name string `json:"name"`
	// Log is the player's abrserve request log.
	Log string `json:"log"`
	// Stalls is how many times playback stopped to wait for data after it
	// started, counted as StallsHow says.
	Stalls    int    `json:"stalls"`
	StallsHow string `json:"stalls_how"`
	// StallMS is the time spent stalled, when the player says (-1: not
	// known).
	StallMS int64 `json:"stall_ms"`
	// TTFFMS is the time to the first frame (or audio), TTFFHow says from
	// what to what; -1 when not measured.
	TTFFMS  int64  `json:"ttff_ms"`
	TTFFHow string `json:"ttff_how"`
}

// fragRef is what a fragment URL of the manifest names.
type fragRef struct {
	stream  string
	bitrate uint32
	index   int
	dur     time.Duration
}

// tree is the manifest's fragments by URL path.
type tree struct {
	frags map[string]fragRef
	// adaptive is the first stream with several qualities; rates its
	// bit rates, ascending.
	adaptive string
	rates    []uint32
	// others is the bit rate of the other streams (each one's lowest).
	others int64
	length time.Duration
}

func loadTree(path string) (*tree, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxManifest+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxManifest {
		return nil, fmt.Errorf("%w: %s is over %d bytes", errReport, path, maxManifest)
	}
	m, err := manifest.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return indexTree(m)
}

// indexTree lists every fragment URL of every quality of m (paths as a
// server sees them, the manifest at /Manifest).
func indexTree(m *manifest.Manifest) (*tree, error) {
	base, _ := url.Parse("http://host/Manifest")
	t := &tree{frags: map[string]fragRef{}, length: m.Length()}
	for _, s := range m.Streams {
		if s.Sparse() || len(s.QualityLevels) == 0 {
			continue
		}
		if len(s.QualityLevels) > 1 && t.adaptive == "" {
			t.adaptive = s.Name
			for _, q := range s.QualityLevels {
				t.rates = append(t.rates, q.Bitrate)
			}
			slices.Sort(t.rates)
		} else {
			low := s.QualityLevels[0].Bitrate
			for _, q := range s.QualityLevels {
				low = min(low, q.Bitrate)
			}
			t.others += int64(low)
		}
		for _, q := range s.QualityLevels {
			for fr := range s.All() {
				if len(t.frags) >= maxFragmentURLs {
					return nil, fmt.Errorf("%w: the manifest has over %d fragment URLs", errReport, maxFragmentURLs)
				}
				u, err := s.FragmentURL(base, q, fr.Start)
				if err != nil {
					return nil, err
				}
				t.frags[u.Path] = fragRef{stream: s.Name, bitrate: q.Bitrate, index: fr.Index, dur: fr.EndTime - fr.StartTime}
			}
		}
	}
	if t.adaptive == "" {
		return nil, fmt.Errorf("%w: no stream of the manifest has several qualities", errReport)
	}
	return t, nil
}

// readLog reads a request log.
func readLog(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var es []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 4096), 1<<20)
	for sc.Scan() {
		if len(es) >= maxLogLines {
			return nil, fmt.Errorf("%w: %s has over %d lines", errReport, path, maxLogLines)
		}
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("%w: %s line %d: %w", errReport, path, len(es)+1, err)
		}
		es = append(es, e)
	}
	return es, sc.Err()
}

// Summary is what one player fetched.
type Summary struct {
	Requests int
	Bytes    int64
	// Seconds is the media fetched whole of the adaptive stream, by
	// quality; MeanKbps their mean bit rate.
	Seconds  map[uint32]float64
	MeanKbps float64
	// Refetched counts fragments fetched whole more than once (any
	// quality); Aborted the fragment requests ended before their last
	// byte; Failed the answers other than 200.
	Refetched, Aborted, Failed int
	// AtDrop is the quality of the last adaptive fragment started before
	// the drop (0: none).
	AtDrop uint32
	// Above counts the adaptive fragments started between the drop and the
	// next change at a quality that, with the other streams, does not fit
	// the link; AboveS is their media seconds.
	Above  int
	AboveS float64
	// After counts the adaptive fragments started between the drop and the
	// next change, at any quality.
	After int
	// SwitchDown is from the drop to the start of the first fragment that
	// fits the link (-1: none started before the next change).
	SwitchDown time.Duration
	// HasDrop is false when the schedule never falls.
	HasDrop bool
}

// summarize reads one player's log against the tree and the schedule.
func summarize(t *tree, sch Schedule, es []Entry) Summary {
	s := Summary{Seconds: map[uint32]float64{}, SwitchDown: -1}
	drop, rate, until, ok := sch.Drop()
	s.HasDrop = ok
	fits := func(b uint32) bool { return int64(b)+t.others <= rate }
	seen := map[string]int{}
	var bits, secs float64
	lastBefore := -1.0
	for _, e := range es {
		s.Requests++
		s.Bytes += e.Bytes
		if e.Status != 200 {
			s.Failed++
			continue
		}
		f, isFrag := t.frags[e.Path]
		if !isFrag {
			continue
		}
		if !e.Complete {
			s.Aborted++
		} else {
			key := fmt.Sprintf("%s/%d", f.stream, f.index)
			if seen[key]++; seen[key] == 2 {
				s.Refetched++
			}
		}
		if f.stream != t.adaptive {
			continue
		}
		if e.Complete {
			s.Seconds[f.bitrate] += f.dur.Seconds()
			bits += float64(f.bitrate) * f.dur.Seconds()
			secs += f.dur.Seconds()
		}
		if !ok {
			continue
		}
		start := time.Duration(e.StartMS * float64(time.Millisecond))
		if start >= drop && start < until {
			s.After++
		}
		switch {
		case start < drop:
			if e.StartMS >= lastBefore {
				lastBefore, s.AtDrop = e.StartMS, f.bitrate
			}
		case start < until && !fits(f.bitrate):
			s.Above++
			s.AboveS += f.dur.Seconds()
		case start < until && s.SwitchDown < 0:
			s.SwitchDown = start - drop
		}
	}
	if secs > 0 {
		s.MeanKbps = bits / secs / 1000
	}
	return s
}

// Report prints the table of the players whose facts files are given (the
// first is the one the goals are for) and the ratio lines; errGoal when
// that player missed a goal of issue 10 (0 stalls, down-switch within 2
// fragments, first frame no later than the second player's). A player
// that fetched nothing after the drop but the fragments above the link
// it started then (its buffer already held the rest) has no switch-down
// delay ("- (no more fetched)"), and is within the goal when those were at
// most 2.
func Report(w io.Writer, manifestPath string, sch Schedule, factsFiles []string) error {
	if len(factsFiles) == 0 {
		return fmt.Errorf("%w: no players' facts given", errReport)
	}
	t, err := loadTree(manifestPath)
	if err != nil {
		return err
	}
	var facts []Facts
	var sums []Summary
	for _, p := range factsFiles {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var f Facts
		if err := json.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("%w: %s: %w", errReport, p, err)
		}
		es, err := readLog(f.Log)
		if err != nil {
			return err
		}
		facts = append(facts, f)
		sums = append(sums, summarize(t, sch, es))
	}
	return printReport(w, t, sch, facts, sums)
}

func printReport(w io.Writer, t *tree, sch Schedule, facts []Facts, sums []Summary) error {
	drop, rate, until, _ := sch.Drop()
	fmt.Fprintf(w, "Link %s; the drop at %v to %s until %v; %s qualities %s (the other streams %s); media %v\n\n",
		schedString(sch), drop, kbps(int64(rate)), until, t.adaptive, rateList(t.rates), kbps(t.others), t.length.Round(time.Millisecond))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"player", "stalls", "stalled s", "first frame ms"}
	for _, r := range t.rates {
		head = append(head, "s @"+kbps(int64(r)))
	}
	head = append(head, "mean kbit/s", "at drop", "above link after drop", "switch-down s", "refetched/aborted")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for i, f := range facts {
		s := sums[i]
		row := []string{f.Name, fmt.Sprint(f.Stalls), msOrDash(f.StallMS, 1), msOrDash(f.TTFFMS, 0)}
		for _, r := range t.rates {
			row = append(row, fmt.Sprintf("%.0f", s.Seconds[r]))
		}
		down := "never"
		switch {
		case s.SwitchDown >= 0:
			down = fmt.Sprintf("%.1f", s.SwitchDown.Seconds())
		case s.After == s.Above:
			down = "- (no more fetched)"
		}
		row = append(row, fmt.Sprintf("%.0f", s.MeanKbps), kbps(int64(s.AtDrop)),
			fmt.Sprintf("%d (%.0f s)", s.Above, s.AboveS), down, fmt.Sprintf("%d/%d", s.Refetched, s.Aborted))
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, f := range facts {
		fmt.Fprintf(w, "  %s: stalls counted as %s; first frame %s\n", f.Name, f.StallsHow, f.TTFFHow)
	}
	var missed []string
	e := sums[0]
	fmt.Fprintf(w, "  %s stalls %d (goal 0)\n", facts[0].Name, facts[0].Stalls)
	if facts[0].Stalls != 0 {
		missed = append(missed, "stalls")
	}
	fmt.Fprintf(w, "  %s fragments above the link after the drop %d (goal <= 2)", facts[0].Name, e.Above)
	for i := 1; i < len(facts); i++ {
		fmt.Fprintf(w, "; %s %d", facts[i].Name, sums[i].Above)
	}
	fmt.Fprintln(w)
	if e.Above > 2 {
		missed = append(missed, "switch-down")
	}
	if len(facts) > 1 && facts[0].TTFFMS >= 0 && facts[1].TTFFMS > 0 {
		r := float64(facts[0].TTFFMS) / float64(facts[1].TTFFMS)
		fmt.Fprintf(w, "  ratio %s/%s time to first frame %.2f (goal <= 1)\n", facts[0].Name, facts[1].Name, r)
		if r > 1 {
			missed = append(missed, "time to first frame")
		}
	}
	if len(missed) > 0 {
		return fmt.Errorf("%w by %s: %s", errGoal, facts[0].Name, strings.Join(missed, ", "))
	}
	return nil
}

func kbps(b int64) string {
	switch {
	case b >= 1_000_000 && b%100_000 == 0:
		return fmt.Sprintf("%gM", float64(b)/1e6)
	case b >= 1000:
		return fmt.Sprintf("%dk", b/1000)
	}
	return fmt.Sprint(b)
}

func rateList(rs []uint32) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, kbps(int64(r)))
	}
	return strings.Join(parts, " ")
}

func schedString(s Schedule) string {
	var parts []string
	for _, st := range s {
		parts = append(parts, kbps(st.Rate)+" for "+st.Dur.String())
	}
	return strings.Join(parts, ", ")
}

// msOrDash prints milliseconds (as seconds when inSeconds is 1), "-" when
// negative (not measured).
func msOrDash(v int64, inSeconds int) string {
	switch {
	case v < 0:
		return "-"
	case inSeconds == 1:
		return fmt.Sprintf("%.1f", float64(v)/1000)
	}
	return fmt.Sprint(v)
}
