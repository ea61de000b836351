package otosink

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// childEnv selects a device scenario to run in a child process (see
// device_test.go): oto's context is process-wide and never goes away, so
// each scenario gets a fresh process.
const childEnv = "EDDY_OTOSINK_CHILD"

func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		os.Exit(runChild(name))
	}
	goleak.VerifyTestMain(m)
}
