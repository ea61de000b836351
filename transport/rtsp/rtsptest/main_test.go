package rtsptest

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fixture reads one of the repository's third-party ASF files
// (testdata/asf, made by FFmpeg's asf muxer).
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../../testdata/asf/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
