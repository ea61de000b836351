// Package asftrack converts the ASF demuxer's view of a presentation (an
// asf.Header and its asf.Objects) into the transport vocabulary (Info,
// Track, Sample). Every ASF-carrying protocol (files, HTTP, MMSH, RTSP,
// MSB) shares it so the player sees the same tracks whichever way the ASF
// arrived.
package asftrack

import (
	"cmp"
	"slices"
	"strings"

	"github.com/eddyplayer/eddy/asf"
	"github.com/eddyplayer/eddy/transport"
)

// Info describes the presentation of an ASF header.
func Info(h *asf.Header) transport.Info {
	in := transport.Info{
		Duration:   h.Duration(),
		Preroll:    h.Preroll,
		Seekable:   h.Seekable && !h.Broadcast,
		Broadcast:  h.Broadcast,
		MaxBitrate: int(h.MaxBitrate),
		Metadata: transport.Metadata{
			Title:       strings.TrimSpace(h.Content.Title),
			Author:      strings.TrimSpace(h.Content.Author),
			Copyright:   strings.TrimSpace(h.Content.Copyright),
			Description: strings.TrimSpace(h.Content.Description),
			Rating:      strings.TrimSpace(h.Content.Rating),
		},
	}
	for _, a := range h.Extended {
		v := strings.TrimSpace(a.String())
		if v == "" {
			continue
		}
		if in.Metadata.Extra == nil {
			in.Metadata.Extra = map[string]string{}
		}
		in.Metadata.Extra[a.Name] = v
		// Files from some muxers carry the title only as WM/ attributes.
		switch a.Name {
		case "Title", "WM/Title":
			if in.Metadata.Title == "" {
				in.Metadata.Title = v
			}
		case "Author", "WM/Author", "WM/AlbumArtist":
			if in.Metadata.Author == "" {
				in.Metadata.Author = v
			}
		case "Copyright", "WM/Copyright":
			if in.Metadata.Copyright == "" {
				in.Metadata.Copyright = v
			}
		case "Description", "WM/Description":
			if in.Metadata.Description == "" {
				in.Metadata.Description = v
			}
		}
	}
	for _, s := range h.Streams {
		in.Tracks = append(in.Tracks, Track(s))
	}
	for _, sc := range h.Scripts {
		in.Scripts = append(in.Scripts, transport.ScriptCommand{Time: sc.Time, Type: sc.Type, Command: sc.Command})
	}
	slices.SortStableFunc(in.Scripts, func(a, b transport.ScriptCommand) int { return cmp.Compare(a.Time, b.Time) })
	estimateBitrate(in.Tracks, int(h.MaxBitrate))
	for _, e := range h.Exclusions {
		ex := transport.Exclusion{Type: transport.ExcludeUnknown}
		switch e.Type {
		case asf.ExclusionBitrate:
			ex.Type = transport.ExcludeBitrate
		case asf.ExclusionLanguage:
			ex.Type = transport.ExcludeLanguage
		}
		for _, n := range e.Streams {
			ex.Tracks = append(ex.Tracks, int(n))
		}
		in.Exclusions = append(in.Exclusions, ex)
	}
	return in
}

// Track describes one ASF stream.
func Track(s *asf.Stream) transport.Track {
	t := transport.Track{
		ID:        int(s.Number),
		Bitrate:   int(s.Bitrate),
		Language:  s.Language,
		Name:      s.Name,
		Encrypted: s.Encrypted,
	}
	switch {
	case s.Audio != nil:
		a := s.Audio
		t.Type = transport.Audio
		t.Codec = transport.WaveFormat(a.FormatTag)
		t.Config = a.Extra
		if a.RawFormatTag == transport.TagExtensible && len(a.Extra) >= 22 {
			// The decoder wants what follows the extensible block.
			t.Config = a.Extra[22:]
		}
		t.Audio = transport.AudioParams{
			SampleRate:     int(a.SampleRate),
			Channels:       int(a.Channels),
			BitsPerSample:  int(a.BitsPerSample),
			BlockAlign:     int(a.BlockAlign),
			AvgBytesPerSec: int(a.AvgBytesPerSec),
		}
	case s.Video != nil:
		v := s.Video
		t.Type = transport.Video
		t.Codec = transport.FourCC(v.FourCC)
		t.Config = v.Extra
		t.Video = transport.VideoParams{
			Width: int(v.Width), Height: int(v.Height), BitCount: int(v.BitCount),
			AspectX: int(v.AspectX), AspectY: int(v.AspectY),
		}
		if s.Extended != nil {
			t.Video.FrameDuration = s.Extended.AvgTimePerFrame
		}
	case s.Type == asf.StreamCommand:
		t.Type = transport.Command
	default:
		t.Type = transport.Unknown
	}
	return t
}

// Sample turns a demuxed object into a transport sample. The data is not
// copied (the demuxer hands over ownership).
func Sample(o asf.Object) transport.Sample {
	return transport.Sample{
		Track:         int(o.Stream),
		PTS:           o.PTS,
		Duration:      o.Duration,
		Key:           o.Key,
		Discontinuity: o.Discontinuity,
		Data:          o.Data,
	}
}

// StreamNumbers converts track IDs into ASF stream numbers, dropping IDs
// outside 1..127.
func StreamNumbers(ids []int) []uint8 {
	out := make([]uint8, 0, len(ids))
	for _, id := range ids {
		if id >= 1 && id <= 127 {
			out = append(out, uint8(id))
		}
	}
	return out
}

// estimateBitrate fills in the bit rate of the one audio or video track
// whose header does not give it (FFmpeg's muxer writes no Stream Bitrate
// Properties for video) from the file's maximum bit rate minus the others.
// With several such tracks nothing is guessed.
func estimateBitrate(tracks []transport.Track, max int) {
	missing := -1
	known := 0
	for i, t := range tracks {
		if t.Type != transport.Audio && t.Type != transport.Video {
			continue
		}
		if t.Bitrate > 0 {
			known += t.Bitrate
			continue
		}
		if missing >= 0 {
			return
		}
		missing = i
	}
	if missing >= 0 && max > known {
		tracks[missing].Bitrate = max - known
	}
}
