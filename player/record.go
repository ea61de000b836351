package player

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"github.com/eddyplayer/eddy/transport/playlist"
	"github.com/eddyplayer/eddy/transport/record"
)

// Recording errors (Recording.Err, and the Err of the RecordingChanged
// event that reports the end), beside transport/record's ErrHeaderChanged,
// ErrNotASF, ErrBadHeader and ErrWrite.
var (
	// ErrRecordingSourceChanged: playback moved to another presentation
	// (the next playlist entry, another URL), which is not recorded into
	// the same file.
	ErrRecordingSourceChanged = errors.New("playback moved to another stream: the recording holds the one before")
	// ErrRecordingPlaybackFailed: playback failed; the recording holds
	// what arrived before.
	ErrRecordingPlaybackFailed = errors.New("playback failed: the recording holds what arrived before")
)

// Recording describes the recording of the stream being played
// (Player.StartRecording), in Status.Recording; nil when there has been
// none.
type Recording struct {
	// Path is the file written.
	Path string
	// Active reports that the recording goes on: waiting for the stream's
	// header, or writing. It ends with StopRecording, when the stream
	// ends, stops or fails, when playback moves to another stream, or on
	// an error.
	Active bool
	// Packets and Bytes are what the file holds so far.
	Packets uint64
	Bytes   int64
	// Indexed reports, once ended, that the file got a Simple Index (it
	// is seekable).
	Indexed bool
	// Err is why the recording ended, nil when it was stopped or the
	// stream ended (the file is complete either way, but after a write
	// error).
	Err error
}

// StartRecording records the stream being played into path, an ASF file
// (created, or truncated): the header as received, every data packet
// from now on in the order it arrives, and, when the recording ends, a
// Simple Index and the header's sizes and counts, so the file plays and
// seeks anywhere (see transport/record). Started before Open, or while
// a stream opens, it records that stream from its first packet; started
// during playback, from the next packet received.
//
// It is the command behind File → Save stream as…. The recording ends
// with StopRecording, when the stream ends, is stopped or fails, when
// playback moves to another stream (a playlist's next entry, another
// URL) or a server-side playlist's next entry brings a new header, or
// on a write error (a full disk): playback goes on, and a
// RecordingChanged event says why in Err. Only ASF streams can be
// recorded (MMS, RTSP, HTTP, files); a Smooth Streaming presentation
// ends the recording at once with record.ErrNotASF. A recording in
// progress is ended (and its file completed) by a new StartRecording and
// by Close.
func (p *Player) StartRecording(path string) {
	p.enqueue(command{kind: cmdRecord, url: path})
}

// StopRecording ends the recording, completing its file (index and
// header); a RecordingChanged event follows. Nothing happens when no
// recording is active.
func (p *Player) StopRecording() { p.enqueue(command{kind: cmdStopRecord}) }

// recHub chooses which session's raw ASF goes to the recorder: each dial
// gets its own sessionTap (transport.Config.Tap), and the recording
// follows the session the player plays (current), never one opened ahead.
// A tap forwards to the recorder outside mu; binding a recorder to a tap
// gives it the tap's header under mu, so it sees every later header and
// packet of the session in order.
type recHub struct {
	mu    sync.Mutex
	cur   *sessionTap      // the tap of the session being played
	rec   *record.Recorder // nil: not recording
	bound *sessionTap      // the tap rec records; nil until a session plays
}

// sessionTap is one session's transport.Tap: it keeps the session's last
// header (so a recording can start mid-stream) and forwards to the
// recorder while its session is the one recorded.
type sessionTap struct {
	hub    *recHub
	header []byte // guarded by hub.mu
}

func (h *recHub) newTap() *sessionTap { return &sessionTap{hub: h} }

// Header implements transport.Tap.
func (t *sessionTap) Header(raw []byte) {
	h := t.hub
	h.mu.Lock()
	t.header = bytes.Clone(raw)
	rec := h.recorderFor(t)
	h.mu.Unlock()
	if rec != nil {
		rec.Header(raw)
	}
}

// Packet implements transport.Tap.
func (t *sessionTap) Packet(pkt []byte) {
	h := t.hub
	h.mu.Lock()
	rec := h.recorderFor(t)
	h.mu.Unlock()
	if rec != nil {
		rec.Packet(pkt)
	}
}

// recorderFor is the recorder t's data goes to, or nil. Called with mu.
func (h *recHub) recorderFor(t *sessionTap) *record.Recorder {
	if h.rec != nil && h.bound == t {
		return h.rec
	}
	return nil
}

// recEnded reports a recording that ended by itself (from a session's
// goroutine) to the owner.
type recEnded struct {
	rec *record.Recorder
	res record.Result
}

// startRecording runs cmdRecord on the owner goroutine.
func (p *Player) startRecording(path string) {
	p.endRecording(nil)
	h := p.rec
	h.mu.Lock()
	cur := h.cur
	notASF := cur != nil && cur.header == nil && p.o.pb != nil
	h.mu.Unlock()
	if notASF {
		p.recordingEnded(path, record.Result{Err: record.ErrNotASF})
		return
	}
	var rec *record.Recorder
	rec, err := record.Create(path, func(res record.Result) {
		go func() {
			select {
			case p.inbox <- recEnded{rec: rec, res: res}:
			case <-p.done:
			}
		}()
	})
	if err != nil {
		p.recordingEnded(path, record.Result{Err: err})
		return
	}
	h.mu.Lock()
	h.rec, h.bound = rec, nil
	if cur != nil && p.o.pb != nil {
		// A stream plays: record it from its header on. Under the lock,
		// so that no header or packet of the session slips in between.
		h.bound = cur
		rec.Header(cur.header)
	}
	h.mu.Unlock()
	p.updateStatus(func(st *Status) { st.Recording = &Recording{Path: path, Active: true} })
	p.log.Info("recording", "path", path, "url", playlist.Redact(p.o.url))
	p.publish(RecordingChanged, nil)
}

// playing tells the hub which session plays now (onDial). A recording
// waiting for a stream takes it; one bound to another session ends.
func (p *Player) playing(t *sessionTap) {
	h := p.rec
	h.mu.Lock()
	h.cur = t
	moved, notASF := false, false
	if h.rec != nil {
		switch {
		case h.bound == nil && t != nil && t.header == nil:
			notASF = true
		case h.bound == nil && t != nil:
			// Under the lock: see startRecording.
			h.bound = t
			h.rec.Header(t.header)
		case h.bound != t:
			moved = true
		}
	}
	h.mu.Unlock()
	switch {
	case notASF:
		p.endRecording(record.ErrNotASF)
	case moved:
		p.endRecording(ErrRecordingSourceChanged)
	}
}

// endRecording stops the recording in progress, if any, with reason (nil:
// stopped, or the stream ended) and reports it.
func (p *Player) endRecording(reason error) {
	h := p.rec
	h.mu.Lock()
	rec := h.rec
	h.rec, h.bound = nil, nil
	h.mu.Unlock()
	if rec == nil {
		return
	}
	res, _ := rec.Stop(reason)
	p.recordingEnded(res.Path, res)
}

// onRecEnded handles a recording that ended by itself.
func (p *Player) onRecEnded(m recEnded) {
	h := p.rec
	h.mu.Lock()
	mine := h.rec == m.rec
	if mine {
		h.rec, h.bound = nil, nil
	}
	h.mu.Unlock()
	if mine {
		p.recordingEnded(m.res.Path, m.res)
	}
}

// recordingEnded publishes the end of a recording.
func (p *Player) recordingEnded(path string, res record.Result) {
	if res.Path != "" {
		path = res.Path
	}
	r := &Recording{Path: path, Packets: res.Packets, Bytes: res.Bytes, Indexed: res.Indexed, Err: res.Err}
	if res.Err != nil {
		p.log.Info("recording ended", "path", path, "err", res.Err)
		r.Err = fmt.Errorf("recording %s: %w", path, res.Err)
	}
	p.updateStatus(func(st *Status) { st.Recording = r })
	p.publish(RecordingChanged, r.Err)
}

// refreshRecording updates Status.Recording's counters.
func (p *Player) refreshRecording() {
	h := p.rec
	h.mu.Lock()
	rec := h.rec
	h.mu.Unlock()
	if rec == nil {
		return
	}
	st := rec.Stats()
	p.updateStatus(func(s *Status) {
		if s.Recording != nil && s.Recording.Active {
			s.Recording.Packets, s.Recording.Bytes = st.Packets, st.Bytes
		}
	})
}
