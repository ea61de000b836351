package auth

import (
	"reflect"
	"strings"
	"testing"
)

// challengeCases are challenge header values as servers write them (RFC
// 2617 1.2, 3.2.1; NTLM over HTTP) and what they parse to.
var challengeCases = []struct {
	in   []string
	want []Challenge
}{
	{[]string{`Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`},
		[]Challenge{{Scheme: "Digest", Params: map[string]string{"realm": "testrealm@host.com", "qop": "auth,auth-int", "nonce": "dcd98b7102dd2f0e8b11d0f600bfb0c093", "opaque": "5ccc069c403ebaf9f0171e9517f40e41"}}}},
	{[]string{"NTLM", "Negotiate TlRMTVNTUAACAAAA=="},
		[]Challenge{{Scheme: "NTLM", Params: map[string]string{}}, {Scheme: "Negotiate", Token: "TlRMTVNTUAACAAAA==", Params: map[string]string{}}}},
	{[]string{`Basic realm="WallyWorld"`, "", "  "},
		[]Challenge{{Scheme: "Basic", Params: map[string]string{"realm": "WallyWorld"}}}},
	// Unquoted values, a repeated name (the last wins), a bare name, an
	// unterminated quote, junk after a closing quote, upper-case names.
	{[]string{`Digest REALM=r1, nonce=abc, realm="r2"x, stale, opaque="unterminated, still`},
		[]Challenge{{Scheme: "Digest", Params: map[string]string{"realm": "r2", "nonce": "abc", "stale": "", "opaque": "unterminated, still"}}}},
}

func TestParseChallenges(t *testing.T) {
	for _, tc := range challengeCases {
		if got := ParseChallenges(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q\n got %+v\nwant %+v", tc.in, got, tc.want)
		}
	}
}

// TestParseParamsBounded: a value with more than MaxParams params keeps
// MaxParams.
func TestParseParamsBounded(t *testing.T) {
	s := ""
	for i := 0; i < 2*MaxParams; i++ {
		s += "a" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "=1, "
	}
	if n := len(ParseParams(s)); n != MaxParams {
		t.Errorf("%d params kept, want %d", n, MaxParams)
	}
}

// FuzzParseChallenges: any header values parse without a panic, and a
// client answering them (as a first answer and as a retry) neither panics
// nor puts the password in an error.
func FuzzParseChallenges(f *testing.F) {
	for _, tc := range challengeCases {
		for _, v := range tc.in {
			f.Add(v)
		}
	}
	f.Add(`Digest realm="r", nonce="n", algorithm=MD5-sess, qop=auth`)
	f.Add(`Digest realm="r", nonce="n", stale=true`)
	f.Fuzz(func(t *testing.T, v string) {
		for _, ch := range ParseChallenges([]string{v}) {
			if ch.Scheme == "" || ch.Params == nil {
				t.Fatalf("%q: %+v", v, ch)
			}
			if len(ch.Params) > MaxParams {
				t.Fatalf("%q: %d params", v, len(ch.Params))
			}
		}
		c := fixedClient("u", "pw-secret", nil, "c")
		for _, sent := range []bool{false, true} {
			_, _, err := c.Respond(false, "GET", "/", []string{v}, sent)
			if err != nil && strings.Contains(err.Error(), "pw-secret") {
				t.Fatalf("password in %v", err)
			}
			c.Preempt(false, "GET", "/")
		}
	})
}
