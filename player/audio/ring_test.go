package audio

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"sync"
	"testing"
)

func TestRingFIFO(t *testing.T) {
	r := NewRing(10, 2, BlockWhenEmpty) // 10 bytes = 5 frames
	if r.Cap() != 10 {
		t.Fatalf("Cap %d", r.Cap())
	}
	src := make([]byte, 1000)
	for i := range src {
		src[i] = byte(i * 7)
	}
	var got []byte
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 7) // odd size: reads whole frames only
		for len(got) < len(src) {
			n, err := r.Read(buf)
			if err != nil {
				t.Errorf("Read: %v", err)
				return
			}
			if n%2 != 0 {
				t.Errorf("Read returned %d bytes, not whole frames", n)
				return
			}
			got = append(got, buf[:n]...)
		}
	}()
	for i := 0; i < len(src); i += 13 {
		if n, err := r.Write(src[i:min(i+13, len(src))]); err != nil || n != min(13, len(src)-i) {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	wg.Wait()
	if !bytes.Equal(got, src) {
		t.Fatal("data differs")
	}
	st := r.Stats()
	if st.Written != 1000 || st.Read != 1000 || st.Underruns != 0 || st.Silence != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestRingSilencePolicy(t *testing.T) {
	r := NewRing(8, 4, SilenceWhenEmpty)
	buf := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9}
	n, err := r.Read(buf)
	if err != nil || n != 8 || !bytes.Equal(buf[:8], make([]byte, 8)) {
		t.Fatalf("empty Read = %d, %v, % x", n, err, buf)
	}
	r.Read(buf) // same run: still one underrun
	if st := r.Stats(); st.Underruns != 1 || st.Silence != 16 {
		t.Fatalf("stats %+v", st)
	}
	r.Write([]byte{1, 1, 1, 1})
	if n, _ := r.Read(buf); n != 4 || buf[0] != 1 {
		t.Fatalf("Read after Write = %d % x", n, buf[:n])
	}
	r.Read(buf)
	if st := r.Stats(); st.Underruns != 2 {
		t.Fatalf("want a second underrun, stats %+v", st)
	}
	// After EndOfStream an empty ring pads without counting.
	r.EndOfStream()
	r.Read(buf)
	if st := r.Stats(); st.Underruns != 2 {
		t.Fatalf("EndOfStream counted an underrun: %+v", st)
	}
}

func TestRingBlockingAndClose(t *testing.T) {
	r := NewRing(4, 2, BlockWhenEmpty)
	readDone := make(chan error)
	go func() {
		_, err := r.Read(make([]byte, 4)) // blocks: empty
		readDone <- err
	}()
	r.Write([]byte{1, 2, 3, 4})
	if err := <-readDone; err != nil {
		t.Fatal(err)
	}
	// A writer blocked on a full ring returns ErrClosed on Close.
	r.Write([]byte{1, 2, 3, 4})
	writeDone := make(chan error)
	go func() {
		_, err := r.Write([]byte{5, 6})
		writeDone <- err
	}()
	r.Close()
	if err := <-writeDone; !errors.Is(err, ErrClosed) {
		t.Fatalf("blocked Write after Close: %v", err)
	}
	// Read drains what is left, then EOF.
	buf := make([]byte, 8)
	if n, err := r.Read(buf); n != 4 || err != nil {
		t.Fatalf("Read after Close = %d, %v", n, err)
	}
	if _, err := r.Read(buf); err != io.EOF {
		t.Fatalf("Read on empty closed ring: %v", err)
	}
}

func TestRingFlushReleasesWriter(t *testing.T) {
	r := NewRing(4, 1, BlockWhenEmpty)
	r.Write([]byte{1, 2, 3, 4})
	done := make(chan int)
	go func() {
		n, _ := r.Write([]byte{5, 6, 7, 8, 9, 10})
		done <- n
	}()
	// The writer cannot finish without a Flush (nobody reads); flush
	// until it returns, whether it had blocked yet or not.
	var n int
	for waiting := true; waiting; {
		r.Flush()
		select {
		case n = <-done:
			waiting = false
		default:
			runtime.Gosched()
		}
	}
	if n != 6 {
		t.Fatalf("flushed Write returned %d, want 6", n)
	}
	r.Flush()
	if r.Len() != 0 {
		t.Fatalf("ring holds %d bytes after Flush", r.Len())
	}
	if st := r.Stats(); st.Written+0 < 4 || st.Flushed < 4 {
		t.Fatalf("stats %+v", st)
	}
}

func TestRingWaitEmpty(t *testing.T) {
	r := NewRing(64, 2, BlockWhenEmpty)
	r.Write(make([]byte, 32))
	done := make(chan struct{})
	go func() { r.WaitEmpty(); close(done) }()
	buf := make([]byte, 16)
	r.Read(buf)
	r.Read(buf)
	<-done
}
