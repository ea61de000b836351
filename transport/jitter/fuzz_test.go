package jitter

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

// FuzzBuffer drives a Buffer with arbitrary pushes (any origin, any
// sequence step), time steps, pops and resets, and checks after every step
// that it stays within its bounds and that packets come out in order with
// NumLost equal to the 16-bit gap to the previous one (except across a
// reset or a confirmed sequence jump), and that the counters add up.
//
// Each operation is two bytes: an opcode and an argument.
func FuzzBuffer(f *testing.F) {
	// Seeds: the shapes of the table tests.
	f.Add(uint8(16), []byte{0, 1, 0, 1, 0, 1, 6, 0})                              // in order
	f.Add(uint8(16), []byte{0, 1, 0, 2, 6, 99, 4, 0xff, 6, 0})                    // gap, then resend
	f.Add(uint8(8), []byte{0, 1, 0, 2, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1}) // overflow
	f.Add(uint8(16), []byte{0, 0xfd, 0, 3, 0, 0xfe, 6, 200, 5, 1})                // reorder, late FEC
	f.Add(uint8(16), []byte{0, 1, 7, 1, 0, 1, 7, 2, 0, 1, 0, 0})                  // reset, far jump, duplicate
	f.Add(uint8(2), []byte{0, 5, 0, 5, 4, 0x80, 0, 0x7f, 6, 255, 6, 255})

	f.Fuzz(func(t *testing.T, capacity uint8, ops []byte) {
		n := max(int(capacity)%64, MinCapacity)
		b, err := New(Config{Capacity: n, ClockRate: 1000, MaxWait: 100 * time.Millisecond,
			Deadline: func(p *rtp.Packet, arrival time.Time) time.Time {
				return arrival.Add(time.Duration(p.Timestamp%200) * time.Millisecond)
			}})
		if err != nil {
			t.Fatal(err)
		}
		now := t0
		seq := uint16(65500)
		var pushes, lostSum int64
		var prev uint16
		prevValid := false
		skip := -1 // pops left before a discontinuity a jump allows

		pop := func() {
			for {
				p, lost, ok := b.Pop(now)
				if !ok {
					return
				}
				if skip == 0 {
					prevValid = false
				}
				if skip >= 0 {
					skip--
				}
				if prevValid && int(p.SequenceNumber-prev-1) != lost {
					t.Fatalf("%d after %d with %d lost", p.SequenceNumber, prev, lost)
				}
				if lost < 0 {
					t.Fatalf("negative lost %d", lost)
				}
				prev, prevValid = p.SequenceNumber, true
				lostSum += int64(lost)
			}
		}
		for i := 0; i+1 < len(ops); i += 2 {
			op, arg := ops[i]%8, ops[i+1]
			switch op {
			case 0, 1, 2, 3, 4, 5:
				origin := Original
				switch op {
				case 4:
					origin = Resent
				case 5:
					origin = Recovered
				}
				seq += uint16(int8(arg))
				if op == 3 {
					seq += uint16(arg) << 8 // far jumps
				}
				resyncs := b.Stats().Resyncs
				b.Push(&rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: uint32(arg)}}, now, origin)
				pushes++
				if b.Stats().Resyncs != resyncs {
					skip = b.readyLen
				}
			case 6:
				now = now.Add(time.Duration(arg) * time.Millisecond)
			case 7:
				lostSum = b.Stats().Lost // what was pending is forgotten
				if arg%2 == 0 {
					b.Reset()
				} else {
					b.ResetAt(seq + 1)
				}
				prevValid, skip = false, -1
			}
			pop()
			if b.count > n || b.Held() > 2*n {
				t.Fatalf("holds %d (%d in the window) with capacity %d", b.Held(), b.count, n)
			}
			if at, ok := b.NextDeadline(); ok && !at.After(now) {
				t.Fatalf("NextDeadline %v is due at %v, but Pop gave nothing", at, now)
			}
			s := b.Stats()
			if s.Accepted+s.Duplicate+s.Late+s.Discarded != pushes {
				t.Fatalf("outcomes %+v do not add up to %d pushes", s, pushes)
			}
			if s.Lost < lostSum || s.Released > s.Accepted {
				t.Fatalf("stats %+v, %d lost reported", s, lostSum)
			}
		}
		now = now.Add(time.Hour)
		pop()
		if b.Held() != 0 {
			t.Fatalf("%d held after every deadline", b.Held())
		}
	})
}
