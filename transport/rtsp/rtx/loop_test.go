package rtx_test

import (
	"container/heap"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/eddyplayer/eddy/transport/jitter"
	"github.com/eddyplayer/eddy/transport/rtsp/rtx"
)

type evKind uint8

const (
	evMedia  evKind = iota // an original packet reaches the client
	evResend               // a resent copy reaches the client
	evNACK                 // a NACK reaches the server
)

type event struct {
	at   time.Time
	kind evKind
	i    int    // packet index (media, resend)
	nack []byte // evNACK
	n    int    // insertion order, to keep the heap stable
}

type events []event

func (e events) Len() int { return len(e) }
func (e events) Less(a, b int) bool {
	if !e[a].at.Equal(e[b].at) {
		return e[a].at.Before(e[b].at)
	}
	return e[a].n < e[b].n
}
func (e events) Swap(a, b int) { e[a], e[b] = e[b], e[a] }
func (e *events) Push(x any)   { *e = append(*e, x.(event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

// TestNACKLoop runs the client's retransmission loop against a server
// model over a lossy path: 3000 packets 10 ms apart, 20–30 ms one way
// (RTT about 50 ms), 5% of media packets, of NACKs and of resends lost.
// The client is a jitter.Buffer (deadline 1 s after arrival) and a
// Tracker; every NACK goes through Marshal and the server reads it with
// Unmarshal and resends the numbers it names.
//
// It checks that the client never asks for a packet it has, asks for every
// packet the path lost, asks Tries times for those it never gets, and that
// what the jitter buffer delivers is all but the packets whose original
// and every resend were lost: at least 99.9% of the stream.
func TestNACKLoop(t *testing.T) {
	for seed := range uint64(6) {
		runNACKLoop(t, seed)
	}
}

func runNACKLoop(t *testing.T, seed uint64) {
	const (
		n      = 3000
		first  = uint16(65000)
		pLoss  = 0.05
		tries  = 3
		client = uint32(0x16a4ffff)
		server = uint32(0x2f73682b)
		media  = uint32(0x90cbcaac)
	)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(seed, 99))
	oneWay := func() time.Duration { return time.Duration(20+rng.IntN(10)) * time.Millisecond }

	jb, err := jitter.New(jitter.Config{Capacity: jitter.Size(0, 100, 50*time.Millisecond, tries) + 100,
		ClockRate: 1000, MaxWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	jb.ResetAt(first)
	tr, err := rtx.NewTracker(rtx.TrackerConfig{Tries: tries, RTT: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	tr.ResetAt(first) // both from the PLAY response's RTP-Info seq

	var q events
	order := 0
	push := func(e event) {
		e.n = order
		order++
		heap.Push(&q, e)
	}
	sent := map[int]time.Time{}
	for i := range n {
		at := t0.Add(time.Duration(i) * 10 * time.Millisecond)
		sent[i] = at
		if rng.Float64() >= pLoss {
			push(event{at: at.Add(oneWay()), kind: evMedia, i: i})
		}
	}

	have := map[uint16]bool{}
	asked := map[uint16]int{}
	delivered := 0
	var lost int
	now := t0

	idx := func(s uint16) int { return int(s - first) }
	poll := func() {
		seqs := tr.Poll(now)
		if len(seqs) == 0 {
			return
		}
		for _, s := range seqs {
			if have[s] {
				t.Fatalf("seed %d: asked for %d, which arrived", seed, s)
			}
			asked[s]++
		}
		b, err := (&rtx.NACK{SenderSSRC: client, RtxSSRC: server, MediaSSRC: media, Lost: seqs}).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if rng.Float64() >= pLoss {
			push(event{at: now.Add(oneWay()), kind: evNACK, nack: b})
		}
	}
	pop := func() {
		for {
			p, l, ok := jb.Pop(now)
			if !ok {
				return
			}
			if l > 0 {
				tr.GiveUpBefore(p.SequenceNumber)
			}
			delivered++
			lost += l
		}
	}

	for {
		next, have1 := time.Time{}, false
		if q.Len() > 0 {
			next, have1 = q[0].at, true
		}
		for _, f := range []func() (time.Time, bool){jb.NextDeadline, tr.NextPoll} {
			if at, ok := f(); ok && (!have1 || at.Before(next)) {
				next, have1 = at, true
			}
		}
		if !have1 {
			break
		}
		if next.After(now) {
			now = next
		}
		if q.Len() > 0 && !q[0].at.After(now) {
			e := heap.Pop(&q).(event)
			switch e.kind {
			case evMedia, evResend:
				s := first + uint16(e.i)
				origin := jitter.Original
				if e.kind == evResend {
					origin = jitter.Resent
				}
				p := &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: s, Timestamp: uint32(e.i * 10), SSRC: media}}
				tr.Received(s, p.Timestamp, now, e.kind == evResend)
				jb.Push(p, now, origin)
				have[s] = true
			case evNACK:
				var got rtx.NACK
				if err := got.Unmarshal(e.nack); err != nil {
					t.Fatalf("seed %d: the server cannot read the NACK: %v", seed, err)
				}
				if got.RtxSSRC != server || got.MediaSSRC != media {
					t.Fatalf("seed %d: NACK %+v", seed, got)
				}
				for _, s := range got.Lost {
					if rng.Float64() >= pLoss {
						push(event{at: now.Add(oneWay()), kind: evResend, i: idx(s)})
					}
				}
			}
		}
		pop()
		poll()
	}

	st, ts := jb.Stats(), tr.Stats()
	for i := range n {
		s := first + uint16(i)
		if !have[s] && asked[s] == 0 {
			t.Fatalf("seed %d: %d was lost and never asked for", seed, s)
		}
		if !have[s] && asked[s] != tries {
			t.Fatalf("seed %d: %d never came, asked %d times", seed, s, asked[s])
		}
	}
	if delivered+lost != n || int64(delivered) != st.Released || st.Late != 0 {
		t.Fatalf("seed %d: %d delivered + %d lost of %d; %+v", seed, delivered, lost, n, st)
	}
	if float64(delivered) < 0.999*n {
		t.Fatalf("seed %d: delivered %d of %d", seed, delivered, n)
	}
	if st.RecoveredResent == 0 || ts.NACKs == 0 || ts.Filled != st.RecoveredResent {
		t.Fatalf("seed %d: jitter %+v, tracker %+v", seed, st, ts)
	}
	t.Logf("seed %d: %d of %d delivered, %d recovered by resend, %d NACKs asking %d, SRTT %v",
		seed, delivered, n, st.RecoveredResent, ts.NACKs, ts.Asked, ts.SRTT)
}
