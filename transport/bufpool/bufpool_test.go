package bufpool

import (
	"sync"
	"testing"
)

// empty takes every buffer out of class c, so that a test starts from an
// empty pool whatever ran before it (TestConcurrent, -count).
func empty(c int) {
	for len(classes[c]) > 0 {
		<-classes[c]
	}
}

func TestGetPut(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 1000, 1 << 20, 16 << 20} {
		empty(class(n))
		b := Get(n)
		if len(b) != n || cap(b) < n || cap(b)&(cap(b)-1) != 0 {
			t.Fatalf("Get(%d): len %d cap %d", n, len(b), cap(b))
		}
		Put(b)
		c := Get(n)
		if cap(c) > 0 && &c[:1][0] != &b[:1][0] {
			t.Errorf("Get(%d) after Put did not reuse the buffer", n)
		}
	}
	if b := Get(16<<20 + 1); len(b) != 16<<20+1 {
		t.Fatal("a large Get")
	}
	// Foreign buffers are not kept.
	empty(class(100))
	Put(make([]byte, 100))
	Put(make([]byte, 0, 100))
	if b := Get(100); cap(b) != 128 {
		t.Errorf("a foreign buffer came back: cap %d", cap(b))
	}
}

// TestBounded: a class keeps at most its bound; the rest goes.
func TestBounded(t *testing.T) {
	for _, size := range []int{1 << 20, 64} {
		c := class(size)
		want := 8 // 8 MiB of 1 MiB buffers
		if size == 64 {
			want = maxKept // not 8 MiB of 64 B buffers
		}
		for range 3 * want {
			Put(make([]byte, 0, size))
		}
		if got := len(classes[c]); got != want {
			t.Errorf("the %d B class keeps %d buffers, want %d", size, got, want)
		}
		for range want {
			Get(size)
		}
	}
}

func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				b := Get(100 + i%3000)
				b[0] = byte(g)
				Put(b)
			}
		}()
	}
	wg.Wait()
}

func BenchmarkGetPut(b *testing.B) {
	for b.Loop() {
		Put(Get(1500))
	}
}
