package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/eddyplayer/eddy/cmd/internal/alsasink"
	"github.com/eddyplayer/eddy/cmd/internal/wiring"
	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/asftrack"
	"github.com/eddyplayer/eddy/transport/msb"
	"github.com/eddyplayer/eddy/transport/record"
)

// streamList collects repeated --stream flags.
type streamList []int

func (s *streamList) String() string { return fmt.Sprint([]int(*s)) }
func (s *streamList) Set(v string) error {
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 127 {
			return fmt.Errorf("stream number %q: want 1..127", f)
		}
		*s = append(*s, n)
	}
	return nil
}

type options struct {
	out       string
	probe     bool
	streams   streamList
	bandwidth int64
	start     time.Duration
	duration  time.Duration
	stats     bool
	timeout   time.Duration
	logLevel  string
	frames    string
	every     int
	url       string
	soundNote string
	buffer    time.Duration
	noFast    bool
	trace     string
	speed     float64
	noLogs    bool
	record    string
	udpPorts  transport.PortRange
	// audioDevice is the ALSA PCM to play on ("": the system default);
	// listDevices prints the devices and exits.
	audioDevice string
	listDevices bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("eddyplay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.out, "out", "", "decode the selected audio into this 16-bit PCM WAV file and exit")
	fs.BoolVar(&o.probe, "probe", false, "print a JSON description of the presentation and exit")
	fs.Var(&o.streams, "stream", "ASF stream number to play (repeatable)")
	fs.Int64Var(&o.bandwidth, "bandwidth", 0, "bandwidth cap in bits/s for the automatic stream choice")
	fs.DurationVar(&o.start, "start", 0, "start position")
	fs.DurationVar(&o.duration, "duration", 0, "play this much media, then stop")
	fs.BoolVar(&o.stats, "stats", false, "print JSON statistics at the end")
	fs.DurationVar(&o.timeout, "timeout", 15*time.Second, "network timeout")
	fs.StringVar(&o.logLevel, "log-level", "warn", "log level on stderr: debug, info, warn, error")
	fs.StringVar(&o.frames, "frames", "", "write every Nth decoded video frame as PNG into this directory")
	fs.IntVar(&o.every, "frames-every", 25, "with --frames, keep one frame in N")
	fs.DurationVar(&o.buffer, "buffer", 0, "media to buffer before playing (default: the stream's preroll)")
	fs.BoolVar(&o.noFast, "no-fast-start", false, "do not ask MMS servers for fast start")
	fs.BoolVar(&o.noLogs, "no-play-logs", false, "send no play log (to the server, an ASX LOGURL or a station's Log URL)")
	fs.Float64Var(&o.speed, "speed", 1, "playback speed, 0.5 to 2, the pitch kept (not for live broadcasts)")
	fs.StringVar(&o.trace, "trace", "", "write the protocol trace (requests, responses, headers, timings; credentials redacted) to this file")
	fs.StringVar(&o.audioDevice, "audio-device", "", "play on this ALSA device (a NAME of --list-audio-devices) instead of the system default")
	fs.BoolVar(&o.listDevices, "list-audio-devices", false, "print the ALSA devices that can play (NAME, a tab, the description) and exit")
	fs.StringVar(&o.record, "record", "", "record the ASF stream played into this file (header as received, packets as they arrive, a Simple Index)")
	fs.Func("udp-ports", "receive UDP media (RTSP's RTP and RTCP, MMS's mmsu data) only on these local ports, e.g. 7000-7010 (default: any free port)", func(v string) error {
		r, err := transport.ParsePortRange(v)
		o.udpPorts = r
		return err
	})
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: eddyplay [flags] URL-or-FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if o.listDevices && fs.NArg() == 0 {
		return o, nil
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return nil, errors.New("expected exactly one URL or file")
	}
	o.url = fs.Arg(0)
	if o.start < 0 || o.duration < 0 || o.bandwidth < 0 {
		return nil, errors.New("--start, --duration and --bandwidth cannot be negative")
	}
	if o.every < 1 {
		return nil, errors.New("--frames-every must be at least 1")
	}
	if !(o.speed >= 0.5 && o.speed <= 2) {
		return nil, errors.New("--speed must be from 0.5 to 2")
	}
	if o.audioDevice != "" && (o.out != "" || o.probe) {
		return nil, errors.New("--audio-device plays on a device: not with --out or --probe")
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if o.listDevices {
		return listAudioDevices(stdout)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("--log-level %q: %w", o.logLevel, err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	frames := &frameWriter{dir: o.frames, every: o.every}
	if o.frames != "" {
		if err := os.MkdirAll(o.frames, 0o755); err != nil {
			return fmt.Errorf("--frames: %w", err)
		}
	}
	cfg := player.Config{
		Video:      frames,
		Transports: wiring.TransportsWith(nil, wiring.Options{NoFastStart: o.noFast}),
		Decoders:   wiring.Decoders(),
		Transport: transport.Config{
			Timeout:      o.timeout,
			Bandwidth:    o.bandwidth,
			BufferTarget: o.buffer,
			ClientID:     wiring.ClientID(),
			NoPlayLogs:   o.noLogs,
			UDPPorts:     o.udpPorts,
		},
		Bandwidth:     o.bandwidth,
		BufferTarget:  o.buffer,
		Logger:        logger,
		PlayerVersion: wiring.Version,
		Language:      wiring.Language(),
		// The progress line is redrawn five times a second at most: a
		// position event every 100 ms (the player's default, for a
		// window's clock) would wake the player's goroutines for
		// nothing (issue 12).
		Tick: progressEvery,
	}
	if o.trace != "" {
		tw, err := newTraceWriter(o.trace)
		if err != nil {
			return fmt.Errorf("--trace: %w", err)
		}
		defer func() {
			if cerr := tw.Close(); cerr != nil {
				fmt.Fprintf(stderr, "eddyplay: --trace: %v\n", cerr)
			}
		}()
		cfg.Transport.Trace = tw.Trace
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	if o.probe {
		return probe(ctx, cfg, o, stdout)
	}

	var out *wavOut
	switch {
	case o.out != "":
		w, err := createWAVOut(o.out)
		if err != nil {
			return fmt.Errorf("--out: %w", err)
		}
		defer w.abandon()
		out = w
		cfg.Sink = w.sink
	case o.audioDevice != "":
		// The device asked for, or an error: no silent fall back.
		sink, err := alsasink.Open(o.audioDevice, alsasink.Config{})
		if err != nil {
			return fmt.Errorf("--audio-device: %w", err)
		}
		cfg.Sink = sink
	default:
		sink, err := wiring.SoundOutput()
		if err != nil {
			// Said once playback starts, so a failure stays one line.
			o.soundNote = err.Error()
		}
		cfg.Sink = sink
	}
	p, err := player.New(cfg)
	if err != nil {
		return err
	}
	res := play(ctx, p, o, stderr)
	closeErr := p.Close()   // closes the sink: a WAV gets its sizes
	res.status = p.Status() // with the counters of the closed session
	if out != nil {
		// The output is a valid WAV of what was decoded (the end of a
		// run that failed midway included), or absent.
		decoded := out.sink.Played() > 0
		if res.err == nil && !decoded && res.status.State == player.Ended {
			res.err = noAudioError(o.out, res.warnings)
		}
		if err := out.finish(decoded); err != nil && closeErr == nil {
			closeErr = fmt.Errorf("--out: %w", err)
		}
	}
	if o.stats {
		if err := printStats(stdout, res.status); err != nil {
			return err
		}
	}
	if res.err != nil {
		return res.err
	}
	if o.record != "" {
		if err := recordOutcome(o.record, res.status.Recording); err != nil {
			return err
		}
	}
	if _, _, err := frames.result(); err != nil {
		return err
	}
	return closeErr
}

type result struct {
	status player.Status
	err    error
	// warnings are the player's warnings, oldest first.
	warnings []error
}

// listAudioDevices prints the ALSA devices that can play, one a line:
// the name (what --audio-device takes), a tab, the description.
func listAudioDevices(stdout io.Writer) error {
	devs, err := alsasink.Devices()
	if err != nil {
		return fmt.Errorf("--list-audio-devices: %w", err)
	}
	for _, d := range devs {
		if _, err := fmt.Fprintf(stdout, "%s\t%s\n", d.Name, d.Description); err != nil {
			return err
		}
	}
	return nil
}

// noAudioError says why a run that ended asked for audio (--out) and got
// none: the warning that explains it (an audio stream that could not be
// opened beside a video stream that played) when there is one.
func noAudioError(out string, warnings []error) error {
	for i := len(warnings) - 1; i >= 0; i-- {
		if strings.Contains(warnings[i].Error(), "audio stream") {
			return fmt.Errorf("no audio was decoded into %s: %w", out, warnings[i])
		}
	}
	return fmt.Errorf("no audio was decoded into %s: the presentation played without an audio stream", out)
}

// play runs one presentation to its end (or error, or Ctrl-C).
func play(ctx context.Context, p *player.Player, o *options, stderr io.Writer) result {
	done := make(chan result, 1)
	bar := newProgressBar(stderr)
	var warnings []error // the event goroutine's; read after done
	lastEntry := -1
	cancel := p.Subscribe(func(ev player.Event) {
		switch ev.Kind {
		case player.ErrorOccurred:
			select {
			case done <- result{status: ev.Status, err: ev.Err, warnings: warnings}:
			default:
			}
		case player.Warning:
			warnings = append(warnings, ev.Err)
			bar.clear()
			fmt.Fprintln(stderr, "eddyplay: warning:", ev.Err)
		case player.RecordingChanged:
			if errors.Is(ev.Err, record.ErrNotASF) {
				// Nothing to record: said at once, not after playing.
				select {
				case done <- result{status: ev.Status, err: ev.Err, warnings: warnings}:
				default:
				}
			} else if ev.Err != nil && !recordingFailed(ev.Err) {
				bar.clear()
				fmt.Fprintln(stderr, "eddyplay: warning:", ev.Err)
			}
		case player.PlaylistChanged:
			if pl := ev.Status.Playlist; pl != nil && pl.Current >= 0 && pl.Current < len(pl.Entries) && pl.Current != lastEntry {
				lastEntry = pl.Current
				bar.clear()
				e := pl.Entries[pl.Current]
				fmt.Fprintf(stderr, "eddyplay: playlist entry %d/%d: %s\n", pl.Current+1, len(pl.Entries), entryName(e))
			}
		case player.StateChanged:
			if ev.Status.State == player.Playing && o.soundNote != "" {
				bar.clear()
				fmt.Fprintln(stderr, "eddyplay: warning:", o.soundNote)
				o.soundNote = ""
			}
			if s := ev.Status.State; s == player.Ended || s == player.Stopped {
				select {
				case done <- result{status: ev.Status, warnings: warnings}:
				default:
				}
			}
		}
		if o.out == "" {
			bar.update(ev.Status)
		}
	})
	defer cancel()
	if o.speed != 1 {
		p.SetSpeed(o.speed)
	}
	if o.record != "" {
		// Armed before the stream opens: it is recorded from its header.
		p.StartRecording(o.record)
	}
	p.OpenWith(o.url, player.OpenOptions{Start: o.start, Duration: o.duration, Streams: o.streams})
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		p.Stop()
		r = <-done
	}
	bar.finish()
	r.status = p.Status()
	return r
}

// probeJSON is eddyplay --probe's output.
type probeJSON struct {
	URL        string       `json:"url"`
	Protocol   string       `json:"protocol"`
	DurationMS int64        `json:"duration_ms"`
	Seekable   bool         `json:"seekable"`
	Broadcast  bool         `json:"broadcast"`
	Title      string       `json:"title"`
	Author     string       `json:"author"`
	Copyright  string       `json:"copyright"`
	Streams    []streamJSON `json:"streams"`
	Error      string       `json:"error,omitempty"`
}

type streamJSON struct {
	Number     int    `json:"number"`
	Type       string `json:"type"`
	Codec      string `json:"codec"`
	CodecID    string `json:"codec_id"`
	Decoder    string `json:"decoder"`
	Bitrate    int    `json:"bitrate"`
	SampleRate int    `json:"sample_rate"`
	Channels   int    `json:"channels"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	Language   string `json:"language"`
	Selected   bool   `json:"selected"`
}

// streamOf describes a track for --probe.
func streamOf(t transport.Track, decoder string, selected bool) streamJSON {
	return streamJSON{
		Number: t.ID, Type: t.Type.String(), Codec: t.Codec.Name(), CodecID: t.Codec.ID(),
		Decoder: decoder, Bitrate: t.Bitrate,
		SampleRate: t.Audio.SampleRate, Channels: t.Audio.Channels,
		Width: t.Video.Width, Height: t.Video.Height,
		Language: t.Language, Selected: selected,
	}
}

func probe(ctx context.Context, cfg player.Config, o *options, stdout io.Writer) error {
	var streams []int
	if len(o.streams) > 0 {
		streams = o.streams
	}
	if u, err := transport.ParseURL(o.url); err == nil && msb.Match(u) {
		return probeStation(ctx, cfg, o, stdout)
	}
	m, err := player.Probe(ctx, cfg, o.url, streams)
	if me := (*transport.MetafileError)(nil); m == nil && errors.As(err, &me) {
		return probePlaylist(ctx, cfg, o, stdout)
	}
	if m == nil {
		return err
	}
	pj := probeJSON{
		URL: m.URL, Protocol: m.Protocol, DurationMS: m.Duration.Milliseconds(),
		Seekable: m.Seekable, Broadcast: m.Broadcast,
		Title: m.Metadata.Title, Author: m.Metadata.Author, Copyright: m.Metadata.Copyright,
		Streams: []streamJSON{},
	}
	if err != nil {
		// The presentation opened but cannot play: describe it, and fail.
		pj.Error = err.Error()
	}
	for _, t := range m.Tracks {
		pj.Streams = append(pj.Streams, streamOf(t.Track, t.Decoder, t.Selected))
	}
	enc := json.NewEncoder(stdout)
	if werr := enc.Encode(pj); werr != nil {
		return werr
	}
	return err
}

// playlistJSON is eddyplay --probe's output for a playlist (an ASX or
// [Reference] metafile): the show and its entries, each described by its
// first REF that opens.
type playlistJSON struct {
	URL       string      `json:"url"`
	Playlist  bool        `json:"playlist"`
	Title     string      `json:"title"`
	Author    string      `json:"author"`
	Copyright string      `json:"copyright"`
	Entries   []entryJSON `json:"entries"`
	Warnings  []string    `json:"warnings,omitempty"`
}

type entryJSON struct {
	Title      string   `json:"title"`
	Author     string   `json:"author"`
	Refs       []string `json:"refs"`
	StartMS    int64    `json:"start_ms,omitempty"`
	DurationMS int64    `json:"duration_ms"`
	ClientSkip bool     `json:"client_skip"`
	Protocol   string   `json:"protocol,omitempty"`
	Streams    int      `json:"streams"`
	Error      string   `json:"error,omitempty"`
}

func probePlaylist(ctx context.Context, cfg player.Config, o *options, stdout io.Writer) error {
	pl, media, err := player.ProbePlaylist(ctx, cfg, o.url)
	if err != nil {
		return err
	}
	if pl == nil {
		return fmt.Errorf("opening %s: not a playlist", o.url)
	}
	pj := playlistJSON{URL: pl.URL, Playlist: true, Title: pl.Title, Author: pl.Author, Copyright: pl.Copyright,
		Entries: []entryJSON{}, Warnings: pl.Warnings}
	for i, e := range pl.Entries {
		ej := entryJSON{Title: e.Title, Author: e.Author, Refs: e.Refs, StartMS: e.Start.Milliseconds(),
			DurationMS: e.Duration.Milliseconds(), ClientSkip: e.ClientSkip, Error: e.Failed}
		if m := media[i]; m != nil {
			ej.Protocol, ej.Streams = m.Protocol, len(m.Tracks)
			if ej.DurationMS == 0 {
				ej.DurationMS = max(m.Duration-e.Start, 0).Milliseconds()
			}
		}
		pj.Entries = append(pj.Entries, ej)
	}
	return json.NewEncoder(stdout).Encode(pj)
}

// stationJSON is eddyplay --probe's output for a Windows Media Station
// (.nsc) file: the multicast group it names and each format's streams,
// read from the file without joining the group.
type stationJSON struct {
	URL        string       `json:"url"`
	Protocol   string       `json:"protocol"`
	Name       string       `json:"name"`
	Group      string       `json:"group"`
	Port       int          `json:"port"`
	TTL        int          `json:"ttl"`
	Adapter    string       `json:"multicast_adapter,omitempty"`
	UnicastURL string       `json:"unicast_url,omitempty"`
	LogURL     string       `json:"log_url,omitempty"`
	Formats    []formatJSON `json:"formats"`
	Warnings   []string     `json:"warnings,omitempty"`
}

type formatJSON struct {
	ID          int          `json:"id"`
	Description string       `json:"description,omitempty"`
	Title       string       `json:"title"`
	Streams     []streamJSON `json:"streams"`
}

func probeStation(ctx context.Context, cfg player.Config, o *options, stdout io.Writer) error {
	st, u, err := msb.LoadStation(ctx, o.url, cfg.Transport)
	if err != nil {
		return err
	}
	sj := stationJSON{URL: u.Redacted(), Protocol: "msb", Name: st.Name, Group: st.Group.String(), Port: int(st.Port),
		TTL: st.TTL, UnicastURL: st.UnicastURL, LogURL: st.LogURL, Formats: []formatJSON{}, Warnings: st.Warnings}
	if st.MulticastAdapter.IsValid() {
		sj.Adapter = st.MulticastAdapter.String()
	}
	for _, f := range st.Formats {
		info := asftrack.Info(f.ASF)
		fj := formatJSON{ID: int(f.ID), Description: f.Description, Title: info.Metadata.Title, Streams: []streamJSON{}}
		for _, t := range info.Tracks {
			fj.Streams = append(fj.Streams, streamOf(t, cfg.Decoders.Name(t), false))
		}
		sj.Formats = append(sj.Formats, fj)
	}
	return json.NewEncoder(stdout).Encode(sj)
}

// statsJSON is eddyplay --stats' output.
type statsJSON struct {
	Protocol         string `json:"protocol"`
	State            string `json:"state"`
	PositionMS       int64  `json:"position_ms"`
	BytesReceived    int64  `json:"bytes_received"`
	PacketsReceived  int64  `json:"packets_received"`
	PacketsLost      int64  `json:"packets_lost"`
	CorruptPackets   int64  `json:"corrupt_packets"`
	PacketsDuplicate int64  `json:"packets_duplicate"`
	// The recovery counters of transport.Stats (fed by MS-RTSP; zero
	// elsewhere).
	PacketsRecoveredFEC    int64   `json:"packets_recovered_fec"`
	PacketsRecoveredResent int64   `json:"packets_recovered_resent"`
	NACKsSent              int64   `json:"nacks_sent"`
	PacketsLate            int64   `json:"packets_late"`
	JitterMS               float64 `json:"jitter_ms"`
	TimeToFirstAudio       int64   `json:"time_to_first_audio_ms"`
	TimeToFirstFrame       int64   `json:"time_to_first_frame_ms"`
	Rebuffers              int     `json:"rebuffers"`
	DecodeErrors           int     `json:"decode_errors"`
	BandwidthBps           int64   `json:"bandwidth_bps"`
	LogPosts               int     `json:"log_posts"`
	FastStart              bool    `json:"fast_start"`
	Reconnects             int     `json:"reconnects"`
	FramesDecoded          int     `json:"frames_decoded"`
	FramesDropped          int     `json:"frames_dropped"`
	AVSyncMaxMS            int64   `json:"av_sync_max_ms"`
	AudioMS                int64   `json:"audio_ms"`
	QualitySwitches        int     `json:"quality_switches"`
	QualitiesPlayed        []int   `json:"qualities_played"`
	BytesPerPacket         int64   `json:"bytes_per_packet"`
	// --record: the packets and bytes in the file.
	RecordedPackets uint64 `json:"recorded_packets,omitempty"`
	RecordedBytes   int64  `json:"recorded_bytes,omitempty"`
}

func printStats(w io.Writer, st player.Status) error {
	s := st.Stats
	proto := ""
	if st.Media != nil {
		proto = st.Media.Protocol
	}
	var rec player.Recording
	if st.Recording != nil {
		rec = *st.Recording
	}
	return json.NewEncoder(w).Encode(statsJSON{
		RecordedPackets: rec.Packets, RecordedBytes: rec.Bytes,
		Protocol: proto, State: st.State.String(), PositionMS: st.Position.Milliseconds(),
		BytesReceived: s.BytesReceived, PacketsReceived: s.PacketsReceived, PacketsLost: s.PacketsLost,
		CorruptPackets: s.CorruptPackets, PacketsDuplicate: s.PacketsDuplicate,
		PacketsRecoveredFEC: s.PacketsRecoveredFEC, PacketsRecoveredResent: s.PacketsRecoveredResent,
		NACKsSent: s.NACKsSent, PacketsLate: s.PacketsLate, JitterMS: float64(s.Jitter) / float64(time.Millisecond),
		TimeToFirstAudio: s.TimeToFirstAudio.Milliseconds(), TimeToFirstFrame: s.TimeToFirstFrame.Milliseconds(),
		Rebuffers:    s.Rebuffers,
		DecodeErrors: s.DecodeErrors, BandwidthBps: s.BandwidthBps, LogPosts: s.LogPosts,
		FastStart: s.FastStart, Reconnects: s.Reconnects,
		FramesDecoded: s.FramesDecoded, FramesDropped: s.FramesDropped, AVSyncMaxMS: s.AVSyncMax.Milliseconds(),
		AudioMS: s.AudioPlayed.Milliseconds(), QualitySwitches: s.QualitySwitches,
		QualitiesPlayed: append([]int{}, s.QualitiesPlayed...), BytesPerPacket: perPacket(s.BytesReceived, s.PacketsReceived),
	})
}

// perPacket is bytes per packet (per fragment for Smooth Streaming), 0
// without packets.
func perPacket(bytes, packets int64) int64 {
	if packets <= 0 {
		return 0
	}
	return bytes / packets
}

// recordingFailed reports a recording error that fails the run: the file
// could not be written or the header not recorded. The others (a new
// header, another playlist entry, playback failing) end a recording that
// is complete for what it holds, and are warnings.
func recordingFailed(err error) bool {
	return errors.Is(err, record.ErrWrite) || errors.Is(err, record.ErrBadHeader) || errors.Is(err, record.ErrNotASF)
}

// recordOutcome is --record's part of the exit status: an error when the
// recording failed or holds nothing.
func recordOutcome(path string, r *player.Recording) error {
	switch {
	case r == nil:
		return fmt.Errorf("--record: nothing was recorded into %s", path)
	case r.Err != nil && recordingFailed(r.Err):
		return fmt.Errorf("--record: %w", r.Err)
	case r.Packets == 0:
		return fmt.Errorf("--record: no data packet was recorded into %s", path)
	}
	return nil
}

// entryName is how eddyplay names a playlist entry: its title, else its
// first REF.
func entryName(e player.PlaylistEntry) string {
	switch {
	case e.Title != "":
		return e.Title
	case len(e.Refs) > 0:
		return e.Refs[0]
	}
	return "(no REF)"
}
