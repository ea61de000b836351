package wmsdp

import (
	"errors"
	"strings"
	"testing"

	"github.com/pion/sdp/v3"
)

type normaliseCase struct {
	name, in, want string
}

func normaliseCases() []normaliseCase {
	return []normaliseCase{
		{
			// WMS: a=maxps between b= and t= (shared/notes/rtsp.md 5.5);
			// media lines keep their order (pion takes b= after a=).
			"WMS order",
			"v=0\r\no=- 1 1 IN IP4 h\r\ns=<No Title>\r\nc=IN IP4 0.0.0.0\r\nb=AS:104\r\na=maxps:1250\r\nt=0 0\r\na=control:x\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 x-asf-pf/1000\r\nb=AS:1\r\na=stream:1\r\n",
			"v=0\r\no=- 1 1 IN IP4 h\r\ns=<No Title>\r\nc=IN IP4 0.0.0.0\r\nb=AS:104\r\nt=0 0\r\na=maxps:1250\r\na=control:x\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 x-asf-pf/1000\r\nb=AS:1\r\na=stream:1\r\n",
		},
		{
			"line ends, trailing blanks, blank lines, no final line end",
			"v=0\no=- 1 1 IN IP4 h \t\r\n\r\n\ns= \rt=0 0\r\n   \r\na=x\t",
			"v=0\r\no=- 1 1 IN IP4 h\r\ns=\r\nt=0 0\r\na=x\r\n",
		},
		{
			"no t=, before the session a= lines",
			"v=0\no=- 1 1 IN IP4 h\ns=x\nc=IN IP4 0.0.0.0\nb=AS:1\na=control:*\nm=audio 0 RTP/AVP 96\n",
			"v=0\r\no=- 1 1 IN IP4 h\r\ns=x\r\nc=IN IP4 0.0.0.0\r\nb=AS:1\r\nt=0 0\r\na=control:*\r\nm=audio 0 RTP/AVP 96\r\n",
		},
		{
			"no t=, before the first m=",
			"v=0\no=- 1 1 IN IP4 h\ns=x\nm=audio 0 RTP/AVP 96\na=control:a\n",
			"v=0\r\no=- 1 1 IN IP4 h\r\ns=x\r\nt=0 0\r\nm=audio 0 RTP/AVP 96\r\na=control:a\r\n",
		},
		{
			"no t=, at the end",
			"v=0\no=- 1 1 IN IP4 h\ns=x",
			"v=0\r\no=- 1 1 IN IP4 h\r\ns=x\r\nt=0 0\r\n",
		},
		{
			"t= and r= pairs and a= keep their order",
			"v=0\no=- 1 1 IN IP4 h\ns=x\na=z:1\nt=1 2\nr=7d 1h 0\nt=3 4\na=b:2\nk=clear:x\n",
			"v=0\r\no=- 1 1 IN IP4 h\r\ns=x\r\nt=1 2\r\nr=7d 1h 0\r\nt=3 4\r\nk=clear:x\r\na=z:1\r\na=b:2\r\n",
		},
	}
}

func TestNormalise(t *testing.T) {
	for _, c := range normaliseCases() {
		t.Run(c.name, func(t *testing.T) {
			got, err := Normalise([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("got\n%q\nwant\n%q", got, c.want)
			}
			var sd sdp.SessionDescription
			if err := sd.Unmarshal(got); err != nil {
				t.Errorf("pion rejects the result: %v", err)
			}
		})
	}
}

// TestPionNeedsNormalise: pion/sdp/v3 alone rejects the WMS line order and a
// last line without its line end, so the pass is not decoration.
func TestPionNeedsNormalise(t *testing.T) {
	for name, body := range map[string]string{
		"WMS order":         wmsOrder(headerD),
		"no final line end": strings.TrimSuffix(wrap(headerC, "", specASF), "\r\n"),
		"trailing blank":    wrap(headerC, "", specASF) + "b=AS:1 \r\n",
		"no t=":             strings.Replace(wrap(headerC, "", specASF), "t=0 0\r\n", "", 1),
	} {
		var sd sdp.SessionDescription
		if err := sd.Unmarshal([]byte(body)); err == nil {
			t.Errorf("%s: pion accepts it unchanged", name)
		}
		n, err := Normalise([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := sd.Unmarshal(n); err != nil {
			t.Errorf("%s: pion rejects the normalised body: %v", name, err)
		}
	}
}

func TestNormaliseErrors(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     error
	}{
		{"empty", "", ErrSyntax},
		{"blank only", "\r\n \r\n", ErrSyntax},
		{"o= first", "o=- 1 1 IN IP4 h\nv=0\n", ErrSyntax},
		{"leading blank", " v=0\n", ErrSyntax},
		{"no =", "v0\n", ErrSyntax},
		{"one byte", "v", ErrSyntax},
		{"unknown letter", "v=0\nx=1\n", ErrSyntax},
		{"upper-case letter", "v=0\nA=1\n", ErrSyntax},
		{"t= inside media", "v=0\no=- 1 1 IN IP4 h\ns=\nm=audio 0 RTP/AVP 96\nt=0 0\n", ErrSyntax},
		{"too many lines", "v=0\n" + strings.Repeat("a=\n", MaxLines), ErrTooLarge},
		{"too large", strings.Repeat("a", MaxBodySize+1), ErrTooLarge},
	} {
		if _, err := Normalise([]byte(c.in)); !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
		}
	}
	// MaxLines lines exactly are accepted.
	if _, err := Normalise([]byte("v=0\n" + strings.Repeat("a=\n", MaxLines-1))); err != nil {
		t.Errorf("MaxLines lines: %v", err)
	}
}
