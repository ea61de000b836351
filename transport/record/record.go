// Package record writes the ASF stream a session plays into an ASF file:
// a Recorder is a transport.Tap (transport.Config.Tap) that gives the raw
// header and data packets a session receives to an asf.Writer, which
// writes the header as received, the packets in order (padded to the
// packet size where the protocol stripped the padding), a Simple Index,
// and the File Properties fixed up at the end.
//
// It lives beside the transports rather than in the player because it
// needs nothing but what a session's tap gives: any program that dials a
// session can record it. The player (player.Player.StartRecording) adds
// the choice of which session is recorded.
//
// One file holds one presentation. A different header arriving after
// packets were written (the next entry of a server-side playlist, a
// station's format change) ends the recording cleanly with
// ErrHeaderChanged, the file complete and indexed: an ASF file has one
// header, and the new presentation's streams, codecs and packet size may
// differ. The same header again (an MMSH restart after a seek or a
// reconnection) continues the file.
package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/eddyplayer/eddy/asf"
)

// Errors a recording ends with (Result.Err), tested with errors.Is.
var (
	// ErrHeaderChanged: a new presentation began (a new ASF header after
	// packets were recorded); the file holds the previous one, complete.
	ErrHeaderChanged = errors.New("the stream's header changed (a new playlist entry or format): the recording holds what came before")
	// ErrNotASF: the stream is not ASF (Smooth Streaming is fragmented
	// MP4), so there is nothing a Recorder can write.
	ErrNotASF = errors.New("recording is available for ASF streams (MMS, RTSP, HTTP, files)")
	// ErrBadHeader: the header the session gave does not parse.
	ErrBadHeader = errors.New("the stream's header cannot be recorded")
	// ErrWrite: the file could not be written (a full disk, say); the
	// error also wraps the cause.
	ErrWrite = errors.New("writing the recording failed")
	// ErrStopped is returned by Recorder methods after the recording
	// ended.
	ErrStopped = errors.New("the recording has ended")
)

// Stats describe a recording so far.
type Stats struct {
	// Path is the file written.
	Path string
	// Packets and Bytes are what the file holds; Duration the media time
	// recorded (asf.WriterStats).
	Packets uint64
	Bytes   int64
	// Padded counts packets that came without their padding; Dropped
	// those longer than the packet size (not written).
	Padded, Dropped uint64
	// IndexEntries counts the Simple Index entries.
	IndexEntries uint64
	// Started reports that a header was written (the file exists).
	Started bool
}

// Result is how a recording ended.
type Result struct {
	Stats
	// Indexed reports that the file got a Simple Index (and the Seekable
	// flag).
	Indexed bool
	// Err is nil for a recording stopped by its owner, else why it ended
	// (ErrHeaderChanged, ErrBadHeader, ErrWrite wrapping the cause, or
	// the reason given to Stop).
	Err error
}

// Recorder records into one file. It implements transport.Tap; its
// methods are safe for concurrent use (a tap is called from a session's
// goroutine, Stop from its owner's).
type Recorder struct {
	path  string
	onEnd func(Result)

	mu      sync.Mutex
	f       File
	remove  func() // deletes the file (a recording with no header)
	w       *asf.Writer
	header  []byte // the Header Object being recorded
	started bool
	ended   bool
	res     Result
}

// Create makes (or truncates) the file at path and returns a Recorder that
// writes into it once the header comes. A recording that never got a
// header removes the file again when Create made it (never a file, or a
// device such as /dev/full, that was there before). onEnd, when set, is
// called once
// when the recording ends by itself (a new header, a write error), from
// the goroutine that called the tap; it must not call back into the
// Recorder.
func Create(path string, onEnd func(Result)) (*Recorder, error) {
	_, statErr := os.Lstat(path)
	made := errors.Is(statErr, os.ErrNotExist)
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("recording to %s: %w", path, err)
	}
	r := New(f, path, onEnd)
	if made {
		r.remove = func() {
			if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() {
				os.Remove(path)
			}
		}
	}
	return r, nil
}

// File is what a Recorder writes into: an *os.File, or anything that
// seeks, truncates and closes like one.
type File interface {
	io.WriteSeeker
	Truncate(size int64) error
	Close() error
}

// New returns a Recorder writing into f, an empty file named path (for
// Stats and messages); Stop closes f. onEnd is as for Create.
func New(f File, path string, onEnd func(Result)) *Recorder {
	return &Recorder{path: path, f: f, onEnd: onEnd}
}

// headerObject is the Header Object in raw (without a Data Object's fixed
// part after it), or raw when its size field does not fit.
func headerObject(raw []byte) []byte {
	if len(raw) >= 24 {
		if n := binary.LittleEndian.Uint64(raw[16:24]); n <= uint64(len(raw)) {
			return raw[:n]
		}
	}
	return raw
}

// Header implements transport.Tap: the first header starts the file; the
// same header again continues it; a different one after packets were
// written ends the recording (ErrHeaderChanged), and before any packet
// replaces the first (a session that settled on another format).
func (r *Recorder) Header(raw []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return
	}
	h := headerObject(raw)
	switch {
	case r.started && bytes.Equal(h, r.header):
		return
	case r.started && r.w.Stats().Packets > 0:
		r.endLocked(ErrHeaderChanged, true)
		return
	case r.started:
		// Nothing recorded under the old header: start over.
		if err := r.f.Truncate(0); err != nil {
			r.endLocked(fmt.Errorf("%w: %w", ErrWrite, err), true)
			return
		}
	}
	w, err := asf.NewWriter(r.f, raw, asf.WriterOptions{})
	if err != nil {
		if !errors.Is(err, asf.ErrNotASF) && !errors.Is(err, asf.ErrCorrupt) && !errors.Is(err, asf.ErrTruncated) &&
			!errors.Is(err, asf.ErrTooLarge) && !errors.Is(err, asf.ErrNoStreams) {
			r.endLocked(fmt.Errorf("%w: %w", ErrWrite, err), true)
		} else {
			r.endLocked(fmt.Errorf("%w: %w", ErrBadHeader, err), true)
		}
		return
	}
	r.w, r.header, r.started = w, bytes.Clone(h), true
}

// Packet implements transport.Tap: p is written at once (nothing is held
// but the writer's buffer). A write error ends the recording (ErrWrite).
func (r *Recorder) Packet(p []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended || !r.started {
		return
	}
	if err := r.w.WritePacket(p); err != nil {
		r.endLocked(fmt.Errorf("%w: %w", ErrWrite, err), true)
	}
}

// Stats returns the recording's counters so far.
func (r *Recorder) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return r.res.Stats
	}
	return r.statsLocked()
}

func (r *Recorder) statsLocked() Stats {
	st := Stats{Path: r.path, Started: r.started}
	if r.w != nil {
		ws := r.w.Stats()
		st.Packets, st.Bytes, st.Padded, st.Dropped = ws.Packets, ws.Bytes, ws.Padded, ws.Dropped
		st.IndexEntries = ws.IndexEntries
	}
	return st
}

// Stop ends the recording: the file gets its index and fixed-up header
// and is closed. reason (nil for the owner's own stop) is the Result's
// Err; a failure to finish the file is returned (and is the Result's Err).
// A recording that never got a header leaves no file. Stop after the
// recording ended returns its Result again, with ErrStopped.
func (r *Recorder) Stop(reason error) (Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return r.res, ErrStopped
	}
	r.endLocked(reason, false)
	if r.res.Err != nil && !errors.Is(r.res.Err, reason) {
		return r.res, r.res.Err
	}
	return r.res, nil
}

// endLocked finishes the file and records why; notify calls onEnd.
func (r *Recorder) endLocked(reason error, notify bool) {
	r.ended = true
	r.res = Result{Err: reason}
	if r.started {
		if err := r.w.Close(); err != nil && (reason == nil || !errors.Is(reason, ErrWrite)) {
			r.res.Err = fmt.Errorf("%w: %w", ErrWrite, err)
		}
		r.res.Indexed = r.w.Stats().Indexed
	}
	r.res.Stats = r.statsLocked()
	if err := r.f.Close(); err != nil && r.res.Err == nil {
		r.res.Err = fmt.Errorf("%w: %w", ErrWrite, err)
	}
	if !r.started && r.remove != nil {
		r.remove()
	}
	if notify && r.onEnd != nil {
		r.onEnd(r.res)
	}
}
