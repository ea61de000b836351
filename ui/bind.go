package ui

import (
	"errors"
	"reflect"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
)

// This file is the only place where player events cross onto the Fyne
// goroutine (fyne.Do); video frames cross in video.go.
//
// Every event carries the player's complete Status, so the view always
// applies the newest status it has seen. Frequent events (position,
// buffering, stats) are coalesced: while one status update is queued,
// later ones only replace the status it will apply, so at most one such
// update waits in Fyne's queue however fast the player publishes. Events
// with their own meaning (state, media, errors, warnings) are each queued.

func (v *View) bind() {
	if v.do == nil {
		v.do = fyne.Do
	}
	if v.after == nil {
		v.after = func(d time.Duration, f func()) { time.AfterFunc(d, f) }
	}
	st := v.ctl.Status()
	v.pump.Lock()
	v.latest = st
	v.pump.Unlock()
	v.applyStatus(st)
	v.cancel = v.ctl.Subscribe(v.onEvent)
}

func (v *View) unbind() {
	v.pump.Lock()
	v.closed = true
	cancel := v.cancel
	v.cancel = nil
	v.pump.Unlock()
	if cancel != nil {
		cancel()
	}
}

// onEvent runs on a player goroutine.
func (v *View) onEvent(e player.Event) {
	v.pump.Lock()
	if v.closed {
		v.pump.Unlock()
		return
	}
	v.latest = e.Status
	switch e.Kind {
	case player.PositionChanged, player.BufferingChanged, player.StatsChanged:
		if v.flushing {
			v.pump.Unlock()
			return
		}
		v.flushing = true
		if v.frameFlow {
			// The next frame's update applies it (VideoView.flush).
			v.pump.Unlock()
			v.after(frameWait, v.flushLate)
			return
		}
		v.flushQueued = true
		v.pump.Unlock()
		v.do(v.flush)
	default:
		v.pump.Unlock()
		v.do(func() { v.handle(e) })
	}
}

// frameWait is how long a status update waits for a video frame to go
// with before it is applied on its own: above a frame's interval at 10
// frames a second, below what a person notices of a clock.
const frameWait = 120 * time.Millisecond

// flushLate queues the status update owed when no frame has taken it
// within frameWait (any goroutine).
func (v *View) flushLate() {
	v.pump.Lock()
	queue := v.flushing && !v.flushQueued && !v.closed
	if queue {
		v.flushQueued = true
	}
	v.pump.Unlock()
	if queue {
		v.do(v.flush)
	}
}

// flushWithFrame applies the status update owed, if any, before a frame
// is drawn (Fyne goroutine).
func (v *View) flushWithFrame() {
	v.pump.Lock()
	owed := v.flushing
	v.pump.Unlock()
	if owed {
		v.flush()
	}
}

// setFrameFlow records whether video frames are arriving (Fyne goroutine).
func (v *View) setFrameFlow(on bool) {
	v.pump.Lock()
	v.frameFlow = on
	v.pump.Unlock()
}

// flush applies the newest status (Fyne goroutine).
func (v *View) flush() {
	v.pump.Lock()
	v.flushing, v.flushQueued = false, false
	st, closed := v.latest, v.closed
	v.pump.Unlock()
	if !closed {
		v.applyStatus(st)
	}
}

// handle applies an event with its own meaning (Fyne goroutine).
func (v *View) handle(e player.Event) {
	v.pump.Lock()
	st, closed := v.latest, v.closed
	v.pump.Unlock()
	if closed {
		return
	}
	if e.Status.State == player.Opening {
		// The player has taken up the user's Open (the status applied
		// below may already be a later one).
		v.pendingOpened = true
	}
	v.ageWarning(e)
	switch e.Kind {
	case player.MediaChanged:
		// The player has moved on to the presentation the user opened:
		// its frames are welcome.
		v.videoHold = false
		v.fit.done = false
	case player.ErrorOccurred:
		v.lastErr = e.Err
		loc := v.loc
		if e.Status.Media != nil && e.Status.Media.URL != "" {
			loc = e.Status.Media.URL
		}
		if e.Err != nil {
			msg := e.Err.Error()
			if s, _ := explain(e.Err); s != "" {
				msg = s // in a user's words; the dialog's Details hold the rest
			}
			v.status.SetError(oneLine(msg))
		}
		if errors.Is(e.Err, transport.ErrAuthRequired) && v.loc != "" {
			// Ask for a user name and password and try again.
			v.showLogin(v.loc, e.Err)
			break
		}
		v.showError("Playback failed", loc, e.Err)
	case player.Warning:
		if e.Err != nil {
			v.warning = oneLine(e.Err.Error())
			v.status.SetWarning(v.warning)
			// A warning that comes while a presentation plays is
			// about it; one that comes while the player opens (a
			// playlist entry that failed, a stream of the one opening
			// that cannot be played) goes with the next one shown.
			v.warnAbout = ""
			if m := e.Status.Media; m != nil && e.Status.State != player.Opening {
				v.warnAbout = m.URL
			}
		}
	case player.RecordingChanged:
		v.recordingChanged(e.Status.Recording, e.Err)
	case player.Resumed:
		v.osd.show("Resumed at " + formatClock(e.Status.Position))
	}
	v.applyStatus(st)
}

// ageWarning takes the player's warning out of the status bar once it is
// stale: when another presentation shows, or another opening begins,
// after the one the warning goes with (Fyne goroutine). So a playlist
// entry that failed is told while the next entry plays, and not for the
// rest of the list. The status bar keeps anything the window itself put
// there since.
func (v *View) ageWarning(e player.Event) {
	if v.warning == "" {
		return
	}
	m := e.Status.Media
	stale := false
	switch {
	case e.Kind == player.StateChanged && e.Status.State == player.Opening:
		stale = v.warnAbout != ""
	case m == nil || e.Status.State == player.Opening:
	case v.warnAbout == "":
		v.warnAbout = m.URL
	default:
		stale = m.URL != v.warnAbout
	}
	if !stale {
		return
	}
	if v.status.warning == v.warning {
		v.status.SetWarning("")
	}
	v.warning, v.warnAbout = "", ""
}

// applyStatus makes the widgets show s (Fyne goroutine).
func (v *View) applyStatus(s player.Status) {
	prevState := v.st.State
	v.st = s

	// What is open.
	if !sameMedia(v.media, s.Media) {
		if v.media == nil || s.Media == nil || v.media.URL != s.Media.URL || selectedVideo(s.Media) == nil {
			// Another presentation, or its video is no longer played.
			v.clearVideo()
		}
		v.setMedia(s.Media)
	} else if s.Media != nil {
		v.streams.SetTracks(s.Media.URL, s.Media.Tracks)
	}
	if s.State == player.Opening {
		// The player has taken up the user's Open: frames from now on
		// belong to it.
		v.videoHold = false
	}
	v.rememberIfPlaying(s)
	if !showsVideo(s.State) {
		v.clearVideo()
	}
	if s.State != player.Playing {
		v.setFrameFlow(false)
	}
	if s.State != prevState || s.State == player.Failed {
		v.showState(s)
	}

	v.refreshPlaybackMenu()

	// Transport controls.
	icon := playIcon()
	switch {
	case active(s.State):
		icon = pauseIcon()
	case s.State == player.Ended:
		icon = replayIcon()
	}
	if v.playBtn.Icon != icon {
		// A button redraws the whole window when its icon is set, even
		// to the same one: only on a change (issue 12: nothing redraws
		// while paused).
		v.playBtn.SetIcon(icon)
	}
	if s.State == player.Ended {
		v.video.showEnded(true, "Ended · "+formatClock(s.Position))
	} else {
		v.video.showEnded(false, "")
	}
	if s.State == player.Idle || s.State == player.Stopped {
		v.stopBtn.Disable()
	} else {
		v.stopBtn.Enable()
	}

	// Seek bar and times.
	dur := v.duration()
	seekable := s.Media != nil && s.Media.Seekable && !s.Media.Broadcast && dur > 0
	if s.Media != nil && s.Media.Broadcast && s.Media.SeekWindow > 0 && dur > 0 {
		// Live with a DVR window: the bar runs to the live edge; the
		// player keeps a seek within the window.
		seekable = true
	}
	v.seek.SetDuration(dur, seekable)
	if seekable {
		v.backBtn.Enable()
		v.fwdBtn.Enable()
	} else {
		v.backBtn.Disable()
		v.fwdBtn.Disable()
	}
	pos := s.Position
	if !v.seekTill.IsZero() {
		done := absDuration(pos-v.seekTo) <= seekTolerance ||
			time.Now().After(v.seekTill) || !active(s.State) && s.State != player.Paused
		if done {
			v.seekTill = time.Time{}
		} else {
			pos = v.seekTo
		}
	}
	if !v.seek.Dragging() {
		if s.State == player.Playing {
			v.seek.Follow(pos, time.Now())
		} else {
			v.seek.SetTime(pos)
		}
		setText(v.elapsed, formatClock(pos))
	}
	total := "--:--"
	switch {
	case s.Media != nil && s.Media.Broadcast:
		total = "LIVE"
	case dur > 0:
		total = formatClock(dur)
	}
	if total != v.total.Text {
		v.total.SetText(total)
		v.seekRow.Refresh() // its width may change: lay the row out again
	}

	v.video.setCaption(s.Caption)
	if s.Playlist != v.list.pl {
		if s.Playlist != nil && v.list.pl == nil {
			// A playlist was opened: show its entries.
			v.tabs.SelectIndex(3)
		}
		v.list.Set(s.Playlist)
		v.setTitles()
	}
	if s.State != player.Opening {
		v.list.noteKind(s.Playlist, s.Media)
	}

	v.status.SetStatus(s)
	proto := ""
	if s.Media != nil {
		proto = s.Media.Protocol
	}
	v.stats.Set(s.Stats, proto)
}

// rememberIfPlaying adds the location opened last to the recent list once
// the player has taken it up and it plays (or pauses, or has opened its
// media); a failure forgets it, so failed locations do not go into Recent.
func (v *View) rememberIfPlaying(s player.Status) {
	if v.pendingRecent == "" || !v.pendingOpened {
		return
	}
	switch {
	case s.State == player.Failed:
		v.pendingRecent = ""
	case s.State == player.Playing || s.State == player.Paused || s.State == player.Ended ||
		s.State == player.Buffering && s.Media != nil:
		v.recent.Add(v.pendingRecent)
		v.pendingRecent = ""
		v.refreshRecent()
	}
}

// showState updates what depends on the state alone: the video area's
// placeholder for opening and failure.
func (v *View) showState(s player.Status) {
	switch s.State {
	case player.Idle:
		if s.Media == nil {
			v.video.showIdle()
		}
	case player.Opening:
		if s.Media == nil {
			v.video.showOpening(displayName(v.loc))
		}
	case player.Failed:
		loc := v.loc
		if s.Media != nil {
			loc = s.Media.URL
		}
		shown := v.lastErr
		if s, _ := explain(shown); s != "" {
			shown = errors.New(s)
		}
		v.video.showFailed(displayName(loc), shown)
	default:
		if s.Media != nil {
			v.video.showMedia(v.shown(s.Media))
		}
	}
}

// setMedia shows a new (or changed) media description.
func (v *View) setMedia(m *player.Media) {
	if m == nil {
		v.media = nil
		v.info.Set(nil)
		v.streams.SetTracks("", nil)
		v.nowPlaying.SetText("")
		v.win.SetTitle(appName)
		return
	}
	c := *m
	c.Tracks = append([]player.TrackInfo(nil), m.Tracks...)
	v.media = &c
	v.info.Set(m)
	v.streams.SetTracks(m.URL, m.Tracks)
	if v.st.State != player.Failed {
		v.video.showMedia(v.shown(m))
	}
	v.setTitles()
}

// shown is m as the window shows it: with the playlist entry's title and
// author (an ASX ENTRY's TITLE wins over the clip's own, as in Windows
// Media Player; one it inherits from the show does not).
func (v *View) shown(m *player.Media) *player.Media {
	pl := v.st.Playlist
	if m == nil || pl == nil || pl.Current < 0 || pl.Current >= len(pl.Entries) {
		return m
	}
	c := *m
	e := pl.Entries[pl.Current]
	if e.Title != "" && e.Title != pl.Title {
		c.Metadata.Title = e.Title
	}
	if e.Author != "" {
		c.Metadata.Author = e.Author
	}
	return &c
}

// setTitles shows what plays in the window title, the now-playing line
// and the video area: the media's title and author, or the playlist
// entry's (shown), and the ASX's own TITLE in the window title.
func (v *View) setTitles() {
	if v.media == nil {
		return
	}
	m := v.shown(v.media)
	title, author := m.Metadata.Title, m.Metadata.Author
	show := ""
	if pl := v.st.Playlist; pl != nil {
		show = pl.Title
	}
	if v.st.State != player.Failed && v.st.State != player.Idle {
		v.video.showMedia(m)
	}
	if title == "" {
		title = displayName(m.URL)
	}
	now := title
	if author != "" {
		now += " — " + author
	}
	v.nowPlaying.SetText(now)
	win := title
	if show != "" && show != title {
		win += " — " + show
	}
	v.win.SetTitle(win + " — " + appName)
}

// setText sets l's text when it changed (a Label redraws on every
// SetText).
func setText(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// sameMedia reports whether the applied copy a still describes b.
func sameMedia(a, b *player.Media) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return reflect.DeepEqual(*a, *b)
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// oneLine joins the lines of a message (an errors.Join error has one line
// per error) for the one-line status bar.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " · ")), " ")
}
