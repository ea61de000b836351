package alsasink

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/eddyplayer/eddy/cmd/internal/alsasink/alsatest"
)

// testDevice is the ALSA PCM the tests play on: ALSA's file plugin, which
// writes the raw PCM it is given to testOutput and plays it on the null
// PCM, so no sound card is needed.
const testDevice = "eddytest"

// testOutput is the file the test device writes (set by TestMain).
var testOutput string

// TestMain points alsa-lib at a configuration of its own before any ALSA
// call: the system's alsa.conf, then the test device with a hint, so that
// Devices lists it as `aplay -L` would.
func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "alsasink-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		conf, devs, err := alsatest.Write(dir, testDevice)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		testOutput = devs[0].Output
		os.Setenv("ALSA_CONFIG_PATH", conf)
		code := m.Run()
		if code == 0 {
			if err := goleak.Find(); err != nil {
				fmt.Fprintln(os.Stderr, "goleak:", err)
				return 1
			}
		}
		return code
	}())
}
