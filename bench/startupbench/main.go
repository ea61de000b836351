// Command startupbench measures what a listener of an MMSH stream
// experiences with Eddy's transport: the time from launch to the first
// audio, and the rebuffers over a play time. It plays the stream the way
// the player does — the audio track chosen by transport.ChooseTracks,
// decoded with libavcodec — into a simulated real-time audio sink: playback
// starts once the buffered audio reaches the startup threshold and stalls
// (a rebuffer) whenever the next audio has not arrived when it is due.
//
// The startup threshold is the server's Advanced Fast Start advice
// (transport.StartupAdvisor) when there is one, else -prebuffer. It prints
// one JSON object with the fields eddyplay --stats uses
// (time_to_first_audio_ms, rebuffers, log_posts, bandwidth_bps,
// fast_start) plus a few more. bench/startup.sh runs it; it stands in for
// eddyplay --stats until that command exists.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/eddyplayer/eddy/player/decoder/lavc"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/mmsh"
)

var start = time.Now()

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "startupbench:", err)
		os.Exit(1)
	}
}

// result is the JSON output.
type result struct {
	TimeToFirstAudioMS int64   `json:"time_to_first_audio_ms"`
	Rebuffers          int     `json:"rebuffers"`
	RebufferMS         int64   `json:"rebuffer_ms"`
	LogPosts           int     `json:"log_posts"`
	BandwidthBps       int64   `json:"bandwidth_bps"`
	FastStart          bool    `json:"fast_start"`
	StartupBufferMS    int64   `json:"startup_buffer_ms"`
	PlayedMS           int64   `json:"played_ms"`
	PacketsReceived    int64   `json:"packets_received"`
	PacketsLost        int64   `json:"packets_lost"`
	BytesReceived      int64   `json:"bytes_received"`
	Reconnects         int     `json:"reconnects"`
	DecodeErrors       int     `json:"decode_errors"`
	ConnectMS          int64   `json:"connect_ms"`
	Broadcast          bool    `json:"broadcast"`
	AudioKbps          float64 `json:"audio_kbps"`
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("startupbench", flag.ContinueOnError)
	duration := fs.Duration("duration", 10*time.Second, "play this long (wall time after the first audio)")
	prebuffer := fs.Duration("prebuffer", 0, "audio to buffer before starting when the server gives no advice (0: the buffer target)")
	buffer := fs.Duration("buffer", 0, "buffer target (Config.BufferTarget, what fast start fills; 0: the player's default, the preroll but at least 500 ms)")
	bandwidth := fs.Int64("bandwidth", 0, "link bandwidth in bit/s (Config.Bandwidth; 0: measure or unknown)")
	noFast := fs.Bool("nofaststart", false, "disable fast start (no AccelBW/AccelDuration, no startup profile)")
	noPipe := fs.Bool("nopipeline", false, "disable the pipeline experiment")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: startupbench [flags] mmsh://host/path")
	}
	d := &mmsh.Dialer{DisableFastStart: *noFast, DisablePipelining: *noPipe, PlayerVersion: "0.1"}
	cfg := transport.Config{BufferTarget: *buffer, Bandwidth: *bandwidth}
	ctx, cancel := context.WithTimeout(context.Background(), *duration+60*time.Second)
	defer cancel()
	s, err := d.Dial(ctx, fs.Arg(0), cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	info := s.Info()
	ids := transport.ChooseTracks(info, *bandwidth, transport.Preferences{NoVideo: true})
	var audio transport.Track
	for _, id := range ids {
		if t, ok := info.Track(id); ok && t.Type == transport.Audio {
			audio = t
		}
	}
	if audio.ID == 0 {
		return errors.New("no audio track")
	}
	if err := s.Select([]int{audio.ID}); err != nil {
		return err
	}
	dec, err := lavc.NewAudio(audio, lavc.Options{})
	if err != nil {
		return err
	}
	defer dec.Close()
	if err := s.Play(ctx, 0); err != nil {
		return err
	}
	res := result{ConnectMS: time.Since(start).Milliseconds(), Broadcast: info.Broadcast, AudioKbps: float64(audio.Bitrate) / 1000}
	// The player's policy (player.Config.BufferTarget): the buffer
	// target, by default the preroll, at least 500 ms.
	threshold := *buffer
	if threshold <= 0 {
		threshold = max(info.Preroll, 500*time.Millisecond)
	}
	if *prebuffer > 0 {
		threshold = *prebuffer
	}
	sink := newSink(threshold)
	var pcm []byte
	for {
		smp, err := s.ReadSample(ctx)
		now := time.Now()
		if errors.Is(err, transport.ErrInfoChanged) {
			continue
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return err
		}
		if smp.Track != audio.ID {
			continue
		}
		pcm, err = dec.Decode(pcm[:0], smp)
		if err != nil {
			res.DecodeErrors++
			continue
		}
		if adv, ok := s.(transport.StartupAdvisor); ok && !sink.started {
			if d, ok := adv.StartupBuffer(); ok {
				sink.threshold = d
			}
		}
		f := dec.Format()
		var dur time.Duration
		if f.SampleRate > 0 && f.Channels > 0 {
			dur = time.Duration(len(pcm)/(2*f.Channels)) * time.Second / time.Duration(f.SampleRate)
		}
		sink.add(now, smp.PTS, dur)
		if sink.started && sink.played(now) >= *duration {
			break
		}
	}
	end := time.Now()
	sink.finish(end)
	st := s.Stats()
	s.Close()
	st2 := s.Stats()
	res.TimeToFirstAudioMS = sink.firstAudio.Sub(start).Milliseconds()
	if sink.firstAudio.IsZero() {
		res.TimeToFirstAudioMS = -1
	}
	res.Rebuffers = sink.rebuffers
	res.RebufferMS = sink.stalled.Milliseconds()
	res.StartupBufferMS = sink.threshold.Milliseconds()
	res.PlayedMS = sink.played(end).Milliseconds()
	res.LogPosts = st2.LogPosts
	res.BandwidthBps = st.BandwidthBps
	res.FastStart = st.FastStart
	res.PacketsReceived, res.PacketsLost, res.BytesReceived, res.Reconnects = st.PacketsReceived, st.PacketsLost, st.BytesReceived, st.Reconnects
	enc := json.NewEncoder(stdout)
	return enc.Encode(res)
}

// sink is a real-time audio output simulated on the wall clock: it starts
// once threshold of audio is buffered, then consumes one second per
// second; when the buffer runs dry it stalls (a rebuffer) until threshold
// is buffered again.
type sink struct {
	threshold  time.Duration
	started    bool
	playing    bool
	firstAudio time.Time
	// While playing: position = base + (now - since).
	base, since time.Time
	// received is the end of the buffered audio, as a media position
	// relative to the first sample.
	received   time.Duration
	first      time.Duration
	haveFirst  bool
	pos        time.Duration // position when not playing
	rebuffers  int
	stalled    time.Duration
	stallStart time.Time
	playedAcc  time.Duration
}

func newSink(threshold time.Duration) *sink { return &sink{threshold: threshold} }

// position is the media position at now.
func (k *sink) position(now time.Time) time.Duration {
	if !k.playing {
		return k.pos
	}
	return k.pos + now.Sub(k.since)
}

// add records audio [pts, pts+dur) arriving at now.
func (k *sink) add(now time.Time, pts, dur time.Duration) {
	if !k.haveFirst {
		k.first, k.haveFirst = pts, true
	}
	if k.playing {
		// Did the buffer run dry before this arrival?
		if p := k.position(now); p > k.received {
			dry := k.since.Add(k.received - k.pos)
			k.playedAcc += k.received - k.pos
			k.pos = k.received
			k.playing = false
			k.rebuffers++
			k.stallStart = dry
		}
	}
	if end := pts - k.first + dur; end > k.received {
		k.received = end
	}
	if !k.playing && k.received-k.position(now) >= k.threshold {
		if !k.started {
			k.started = true
			k.firstAudio = now
		} else if !k.stallStart.IsZero() {
			k.stalled += now.Sub(k.stallStart)
			k.stallStart = time.Time{}
		}
		k.playing = true
		k.since = now
	}
}

// played is how much audio has been played by now.
func (k *sink) played(now time.Time) time.Duration {
	if !k.playing {
		return k.playedAcc
	}
	return k.playedAcc + now.Sub(k.since)
}

func (k *sink) finish(now time.Time) {
	if k.playing && k.position(now) > k.received {
		k.rebuffers++
	}
}
