package main

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/asf/asftest"
	"github.com/eddyplayer/eddy/cmd/internal/alsasink/alsatest"
)

// TestAudioDevice: --list-audio-devices prints the ALSA devices that can
// play (NAME, a tab, the description) without a URL; --audio-device plays
// on the device named (an ALSA file PCM, see alsatest: it was given
// FFmpeg's decode of the file, byte for byte); a device that does not
// exist is a one-line error naming it, and --audio-device with --out is
// refused.
func TestAudioDevice(t *testing.T) {
	dir := t.TempDir()
	conf, devs, err := alsatest.Write(dir, "eddy_play")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ALSA_CONFIG_PATH", conf)

	stdout, _, err := eddyplay(t, "--list-audio-devices")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(strings.Split(stdout, "\n"), "eddy_play\tEddy test eddy_play") {
		t.Errorf("--list-audio-devices printed %q", stdout)
	}

	if _, _, err := eddyplay(t, "--audio-device", "eddy_play", wmaFixture); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(devs[0].Output)
	if err != nil {
		t.Fatal(err)
	}
	if ref := asftest.ReferencePCM(t, wmaFixture, 0, 0); !bytes.Equal(got, ref) {
		t.Errorf("the device got %d bytes, not FFmpeg's decode (%d bytes)", len(got), len(ref))
	}

	_, _, err = eddyplay(t, "--audio-device", "eddy_no_such_device", wmaFixture)
	if err == nil || !strings.Contains(err.Error(), "--audio-device: audio device eddy_no_such_device: snd_pcm_open: ") || strings.Contains(err.Error(), "\n") {
		t.Errorf("a device that does not exist: %v", err)
	}
	if _, _, err := eddyplay(t, "--audio-device", "eddy_play", "--out", dir+"/x.wav", wmaFixture); err == nil || !strings.Contains(err.Error(), "not with --out") {
		t.Errorf("--audio-device with --out: %v", err)
	}
}
