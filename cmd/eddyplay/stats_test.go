package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/player"
	"github.com/eddyplayer/eddy/transport"
)

// TestStatsRecoveryKeys: --stats prints the recovery counters a session
// reports (MS-RTSP's FEC, resends, NACKs, late packets and jitter) under
// their own keys, each from its own field.
func TestStatsRecoveryKeys(t *testing.T) {
	var st player.Status
	st.Media = &player.Media{Protocol: "rtsp"}
	st.Stats.Stats = transport.Stats{PacketsReceived: 100, PacketsLost: 1, PacketsRecoveredFEC: 7, PacketsRecoveredResent: 5,
		NACKsSent: 9, PacketsLate: 2, Jitter: 3500 * time.Microsecond}
	var out bytes.Buffer
	if err := printStats(&out, st); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	for k, want := range map[string]float64{
		"packets_received": 100, "packets_lost": 1, "packets_recovered_fec": 7, "packets_recovered_resent": 5,
		"nacks_sent": 9, "packets_late": 2, "jitter_ms": 3.5,
	} {
		if v, ok := got[k].(float64); !ok || v != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
}
