package call

import (
	"context"
	"errors"
	"testing"
)

var errClosed = errors.New("session closed: server went away")

func closed() error { return errClosed }

// TestDo: the owner's answer comes back; a cancelled context ends the wait
// at the hand-over and while the owner works; a closed session says why.
func TestDo(t *testing.T) {
	answer := errors.New("answered")
	cmds := make(chan chan error)
	done := make(chan struct{})
	go func() {
		reply := <-cmds
		reply <- answer
	}()
	reply := make(chan error, 1)
	if err := Do(context.Background(), cmds, reply, reply, done, closed); err != answer {
		t.Fatalf("answer: %v", err)
	}

	// Nobody takes the command: the context ends the hand-over.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Do(ctx, cmds, make(chan error, 1), nil, done, closed); !errors.Is(err, context.Canceled) {
		t.Fatalf("hand-over: %v", err)
	}

	// The owner takes it and works on: the context ends the wait, and
	// the owner's late answer does not block it.
	taken := make(chan chan error, 1)
	ctx, cancel = context.WithCancel(context.Background())
	go func() {
		taken <- <-cmds
		cancel()
	}()
	reply = make(chan error, 1)
	if err := Do(ctx, cmds, reply, reply, done, closed); !errors.Is(err, context.Canceled) {
		t.Fatalf("wait: %v", err)
	}
	(<-taken) <- answer // the owner's late answer: buffered, never blocks

	// A closed session answers with why it closed, at either stage.
	close(done)
	if err := Do(context.Background(), cmds, make(chan error, 1), nil, done, closed); err != errClosed {
		t.Fatalf("closed: %v", err)
	}
}
