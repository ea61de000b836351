package rtsp

import "testing"

// TestSSEntry writes SelectStream bodies (2.2.7.10) and compares them
// with the spec's text: 4.4.4.1's replacement of stream 7 by 6 (one line,
// 108 bytes, digest §8.15), 2.2.7.10.1's thinning SETUP (OldStream
// 4294967295, ThinLevel 1, NewStreamURI only) and 2.2.7.10.2's TEARDOWN
// (NewStream 4294967295, ThinLevel 0, OldStreamURI only; the digest's
// §8.16 normative form of 4.4.4.2's example).
func TestSSEntry(t *testing.T) {
	cases := []struct {
		old, nw uint32
		thin    int
		oldURI  string
		newURI  string
		want    string
	}{
		{7, 6, 0, "rtsp://myserver.com/myMBRcontent.wmv/stream=7", "rtsp://myserver.com/myMBRcontent.wmv/stream=6",
			"SSEntry: 7 6 0 rtsp://myserver.com/myMBRcontent.wmv/stream=7 rtsp://myserver.com/myMBRcontent.wmv/stream=6\r\n"},
		{4294967295, 2, 1, "", "rtsp://host/abc/audio",
			"SSEntry: 4294967295 2 1 rtsp://host/abc/audio\r\n"},
		{5, 4294967295, 0, "rtsp://host/abc/audio=5", "",
			"SSEntry: 5 4294967295 0 rtsp://host/abc/audio=5\r\n"},
		// 2.2.7.10: a URI is absent iff its stream is 4294967295, even
		// when one is given.
		{5, 4294967295, 0, "rtsp://host/abc/audio=5", "rtsp://host/abc/ignored",
			"SSEntry: 5 4294967295 0 rtsp://host/abc/audio=5\r\n"},
	}
	for _, c := range cases {
		if got := string(ssEntry(c.old, c.nw, c.thin, c.oldURI, c.newURI)); got != c.want {
			t.Errorf("ssEntry(%d, %d, %d) = %q, want %q", c.old, c.nw, c.thin, got, c.want)
		}
	}
	if n := len(ssEntry(7, 6, 0, "rtsp://myserver.com/myMBRcontent.wmv/stream=7", "rtsp://myserver.com/myMBRcontent.wmv/stream=6")); n != 108 {
		t.Errorf("4.4.4.1's body is %d bytes, want 108 (digest §8.15)", n)
	}
}
