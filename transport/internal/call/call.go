// Package call is how a protocol session's methods talk to its owner
// goroutine: hand it a command, wait for the answer. MMSH and RTSP
// sessions share it so that both answer a cancelled context, a closed
// session and the owner's reply the same way.
package call

import "context"

// Do sends c on cmds and waits for the owner's answer on reply, which
// must be buffered (capacity 1): a caller that stops waiting never blocks
// the owner's answer. It returns ctx.Err() when ctx ends first, at the
// hand-over or while waiting (the owner bounds the network exchange with
// the command's own context, and a late answer is dropped), and closed()
// when done is closed: the session ended and says why.
func Do[C any](ctx context.Context, cmds chan<- C, c C, reply <-chan error, done <-chan struct{}, closed func() error) error {
	select {
	case cmds <- c:
	case <-done:
		return closed()
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-reply:
		return err
	case <-done:
		return closed()
	case <-ctx.Done():
		return ctx.Err()
	}
}
