package smoothtest_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/eddyplayer/eddy/transport/smooth/smoothtest"
)

// TestLiveServer holds the fake live server to MS-SSTR: the manifest's
// live attributes and c elements (2.2.2.1, 2.2.2.6), the tfxd and tfrf
// boxes of a fragment written here byte by byte from 2.2.4.4 and 2.2.4.5
// (not with the fmp4 package's marshalling, which made them), 412 with an
// empty body for a fragment not produced yet (2.2.6) until the clock
// reaches its end, and 404 out of the DVR window.
func TestLiveServer(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Fatalf("ffmpeg is needed (make test installs it): %v", err)
	}
	dir, err := smoothtest.MakeTree(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	src, err := smoothtest.LoadLive(dir)
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		srv := smoothtest.NewLiveServer(src, smoothtest.LiveOptions{})
		defer srv.Close()
		get := func(path string) (int, []byte) {
			t.Helper()
			resp, err := srv.Client().Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, b
		}
		const base = smoothtest.DefaultLiveBase
		// 30 s elapsed, a 20 s window: the video fragments 5..14 (2 s
		// each, from 10 s) are listed, in one run.
		code, m := get(smoothtest.LivePath)
		if code != http.StatusOK {
			t.Fatalf("manifest: %d", code)
		}
		for _, want := range []string{
			`IsLive="TRUE"`, `LookaheadCount="2"`, `DVRWindowLength="200000000"`, `Duration="0"`,
			fmt.Sprintf(`<c t="%d" d="20000000" r="10" />`, base+100000000),
		} {
			if !strings.Contains(string(m), want) {
				t.Errorf("the manifest lacks %s:\n%s", want, m)
			}
		}
		frag := func(k uint64) string {
			return fmt.Sprintf("/live.isml/QualityLevels(300000)/Fragments(video=%d)", base+k*20000000)
		}
		u64 := func(v uint64) string { return fmt.Sprintf("%016x", v) }
		box := func(h string) []byte {
			b, err := hex.DecodeString(strings.ReplaceAll(h, " ", ""))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		// Fragment 12: its tfxd (version 1: 44 bytes), its tfrf
		// announcing 13 and 14 (version 1, FragmentCount 2: 29+32 = 61
		// bytes).
		code, b := get(frag(12))
		if code != http.StatusOK {
			t.Fatalf("fragment 12: %d", code)
		}
		tfxd := box("0000002C 75756964 6D1D9B0542D544E680E2141DAFF757B2 01 000000" + u64(base+12*20000000) + u64(20000000))
		tfrf := box("0000003D 75756964 D4807EF2CA3946958E5426CB9E46A79F 01 000000 02" +
			u64(base+13*20000000) + u64(20000000) + u64(base+14*20000000) + u64(20000000))
		if !bytes.Contains(b, tfxd) || !bytes.Contains(b, tfrf) {
			t.Errorf("fragment 12 lacks its tfxd %x or its tfrf %x", tfxd, tfrf)
		}
		if seq := binary.BigEndian.Uint32(b[20:]); string(b[4:8]) != "moof" || string(b[12:16]) != "mfhd" || seq != 13 {
			t.Errorf("fragment 12 starts %x", b[:24])
		}
		// Fragment 14, the newest: nothing follows, no tfrf.
		if code, b := get(frag(14)); code != http.StatusOK || bytes.Contains(b, tfrf[8:24]) {
			t.Errorf("fragment 14: %d, tfrf %v", code, bytes.Contains(b, tfrf[8:24]))
		}
		// Fragment 15 ends at 32 s: 412 with an empty body until then.
		if code, b := get(frag(15)); code != http.StatusPreconditionFailed || len(b) != 0 {
			t.Errorf("fragment 15 at 30 s: %d with %d bytes", code, len(b))
		}
		time.Sleep(2*time.Second - time.Nanosecond)
		if code, _ := get(frag(15)); code != http.StatusPreconditionFailed {
			t.Errorf("fragment 15 just before 32 s: %d", code)
		}
		time.Sleep(time.Nanosecond)
		if code, _ := get(frag(15)); code != http.StatusOK {
			t.Errorf("fragment 15 at 32 s: %d", code)
		}
		// At 32 s the window starts at 12 s: fragment 5 (10 s) is gone.
		if code, _ := get(frag(5)); code != http.StatusNotFound {
			t.Errorf("fragment 5 out of the window: %d", code)
		}
		if code, _ := get(frag(6)); code != http.StatusOK {
			t.Errorf("fragment 6 at the window's start: %d", code)
		}
		if code, _ := get(fmt.Sprintf("/live.isml/QualityLevels(300000)/Fragments(video=%d)", base+12*20000000+1)); code != http.StatusNotFound {
			t.Errorf("a time that starts no fragment: %d", code)
		}
		if reqs := srv.Requests(); len(reqs) != 9 || reqs[0].Path != smoothtest.LivePath {
			t.Errorf("%d requests recorded", len(reqs))
		}
	})
}
