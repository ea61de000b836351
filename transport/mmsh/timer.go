package mmsh

import "time"

// timer is a one-shot *time.Timer that may be off: its channel is nil
// when off, so it can sit in a select. The zero value is off. Tests run
// sessions inside a testing/synctest bubble, where these timers run on
// the bubble's virtual clock.
type timer struct {
	t  *time.Timer
	on bool
}

// start (re)arms the timer to fire after d. Since Go 1.23 Reset leaves no
// stale value in the channel, so a restarted timer fires only for d.
func (t *timer) start(d time.Duration) {
	if t.t == nil {
		t.t = time.NewTimer(d)
	} else {
		t.t.Reset(d)
	}
	t.on = true
}

func (t *timer) stop() {
	if t.t != nil {
		t.t.Stop()
	}
	t.on = false
}

func (t *timer) c() <-chan time.Time {
	if !t.on || t.t == nil {
		return nil
	}
	return t.t.C
}

// fired marks the timer off after its channel delivered.
func (t *timer) fired() { t.on = false }
