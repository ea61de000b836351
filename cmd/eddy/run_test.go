package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/assets"
	"github.com/eddyplayer/eddy/cmd/internal/wiring"
	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
)

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    options
		wantErr string
	}{
		{nil, options{audio: "auto", profileFor: 20 * time.Second}, ""},
		{[]string{"x.wma"}, options{audio: "auto", location: "x.wma", profileFor: 20 * time.Second}, ""},
		{[]string{"-audio", "none", "-bandwidth", "56000", "-events", "ev.jsonl", "-v", "mms://h/p"},
			options{audio: "none", bandwidth: 56000, events: "ev.jsonl", verbose: true, location: "mms://h/p", profileFor: 20 * time.Second}, ""},
		{[]string{"-cpuprofile", "p.prof", "-profile-for", "5s"},
			options{audio: "auto", cpuProfile: "p.prof", profileFor: 5 * time.Second}, ""},
		{[]string{"-audio", "loud"}, options{}, "-audio"},
		{[]string{"-bandwidth", "-1"}, options{}, "negative"},
		{[]string{"a", "b"}, options{}, "one URL"},
		{[]string{"-nope"}, options{}, "not defined"},
	} {
		var stderr bytes.Buffer
		got, err := parseArgs(tc.args, &stderr)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: error %v, want one containing %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %+v, %v; want %+v", tc.args, got, err, tc.want)
		}
	}
	var stderr bytes.Buffer
	if _, err := parseArgs([]string{"-h"}, &stderr); !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "built-in demo") {
		t.Errorf("-h: %v, usage %q", err, stderr.String())
	}
	if err := run([]string{"-audio", "loud"}); err == nil {
		t.Error("run with a bad flag succeeded")
	}
}

func TestTransportsMatchLocations(t *testing.T) {
	r := wiring.Transports(assets.DemoASF)
	for loc, want := range map[string]string{
		demoURL:                     "demo",
		"/music/a.wma":              "file",
		"file:///music/a.wma":       "file",
		"http://example.com/a.asf":  "http",
		"https://example.com/a.wmv": "http",
	} {
		name, _, _, err := r.Lookup(loc)
		if err != nil || name != want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", loc, name, err, want)
		}
	}
	if _, _, _, err := r.Lookup("gopher://example.com/"); !errors.Is(err, transport.ErrUnsupportedURL) {
		t.Errorf("gopher: %v", err)
	}
}

func TestEventLog(t *testing.T) {
	var buf bytes.Buffer
	l := newEventLog(&buf)
	m := &player.Media{Metadata: transport.Metadata{Title: "Demo"}}
	st := func(s player.State, pos time.Duration) player.Status {
		return player.Status{State: s, Media: m, Position: pos, Duration: 20 * time.Second}
	}
	l.Handle(player.Event{Kind: player.StateChanged, Status: st(player.Playing, 0)})
	for pos := 100 * time.Millisecond; pos < 2500*time.Millisecond; pos += 100 * time.Millisecond {
		l.Handle(player.Event{Kind: player.PositionChanged, Status: st(player.Playing, pos)})
		l.Handle(player.Event{Kind: player.StatsChanged, Status: st(player.Playing, pos)})
	}
	l.Handle(player.Event{Kind: player.Warning, Status: st(player.Playing, 2500*time.Millisecond), Err: errors.New("late packet")})
	pl := st(player.Opening, 0)
	pl.Media = &player.Media{URL: "/music/b.wma"}
	pl.Playlist = &player.Playlist{Entries: []player.PlaylistEntry{{Refs: []string{"/music/a.wma"}}, {Refs: []string{"/music/b.wma"}}}}
	l.Handle(player.Event{Kind: player.PlaylistChanged, Status: pl})

	var got []eventRecord
	dec := json.NewDecoder(&buf)
	for {
		var r eventRecord
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := []eventRecord{
		{Event: "state", State: "Playing", PositionMS: 0, DurationMS: 20000, Title: "Demo"},
		{Event: "position", State: "Playing", PositionMS: 100, DurationMS: 20000, Title: "Demo"},
		{Event: "position", State: "Playing", PositionMS: 1000, DurationMS: 20000, Title: "Demo"},
		{Event: "position", State: "Playing", PositionMS: 2000, DurationMS: 20000, Title: "Demo"},
		{Event: "warning", State: "Playing", PositionMS: 2500, DurationMS: 20000, Title: "Demo", Error: "late packet"},
		{Event: "playlist", State: "Opening", DurationMS: 20000, URL: "/music/b.wma", Entries: []string{"/music/a.wma", "/music/b.wma"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d lines %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("line %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
