package hostile

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Report tallies runs per class of fault: inputs tried, handled cleanly,
// and the time each took to end.
type Report struct {
	mu      sync.Mutex
	order   []string
	classes map[string]*tally
}

type tally struct {
	tried, clean, skipped int
	times                 []time.Duration
	failures              []string
}

// Add records one run of class.
func (r *Report) Add(class string, clean bool, took time.Duration, failure string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.tally(class)
	t.tried++
	if clean {
		t.clean++
	} else if len(t.failures) < 5 {
		t.failures = append(t.failures, failure)
	}
	t.times = append(t.times, took)
}

// Skip records an input of class that was not run (a known issue).
func (r *Report) Skip(class string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tally(class).skipped++
}

func (r *Report) tally(class string) *tally {
	if r.classes == nil {
		r.classes = map[string]*tally{}
	}
	t := r.classes[class]
	if t == nil {
		t = &tally{}
		r.classes[class] = t
		r.order = append(r.order, class)
	}
	return t
}

// Totals returns the inputs tried and handled cleanly over every class.
func (r *Report) Totals() (tried, clean int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range r.classes {
		tried += t.tried
		clean += t.clean
	}
	return tried, clean
}

// String formats the report as a Markdown table, then the first failures
// of each class.
func (r *Report) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	b.WriteString("| class | inputs tried | handled cleanly | time to end: median | max | skipped (known issue) |\n|---|---|---|---|---|---|\n")
	tried, clean, skipped := 0, 0, 0
	for _, c := range r.order {
		t := r.classes[c]
		tried += t.tried
		clean += t.clean
		skipped += t.skipped
		median, longest := "", ""
		if len(t.times) > 0 {
			ts := slices.Clone(t.times)
			slices.Sort(ts)
			median, longest = ts[len(ts)/2].Round(time.Millisecond).String(), ts[len(ts)-1].Round(time.Millisecond).String()
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %d |\n", c, t.tried, t.clean, median, longest, t.skipped)
	}
	fmt.Fprintf(&b, "| **all** | **%d** | **%d** | | | %d |\n", tried, clean, skipped)
	for _, c := range r.order {
		for _, f := range r.classes[c].failures {
			fmt.Fprintf(&b, "\n%s: not handled cleanly: %s", c, f)
		}
	}
	return b.String()
}
