package auth

import (
	"strings"
	"unicode"
)

// Challenge is one parsed WWW-Authenticate or Proxy-Authenticate value
// (RFC 2617 1.2): a scheme, then either a token68 (NTLM and Negotiate
// carry their base64 message that way, [MS-NLMP] over HTTP) or auth-params.
type Challenge struct {
	// Scheme as the server wrote it ("Digest", "NTLM", ...).
	Scheme string
	// Token is the token68 of an NTLM or Negotiate challenge ("" for the
	// bare scheme that opens the handshake).
	Token string
	// Params are the auth-params, names lower-cased, quotes removed; when
	// a name repeats, the last value wins.
	Params map[string]string
}

// MaxParams bounds the auth-params kept from one challenge or credentials
// value.
const MaxParams = 256

// ParseChallenges reads challenge header values, one challenge per header
// value: a scheme, then a token68 or comma-separated auth-params with
// optionally quoted values. Values without a scheme are skipped; it never
// fails.
func ParseChallenges(values []string) []Challenge {
	var out []Challenge
	for _, v := range values {
		v = strings.TrimSpace(v)
		scheme, rest, _ := strings.Cut(v, " ")
		if scheme == "" {
			continue
		}
		ch := Challenge{Scheme: scheme, Params: map[string]string{}}
		rest = strings.TrimSpace(rest)
		if rest != "" && !strings.Contains(rest, "=\"") && !strings.Contains(rest, ",") && strings.Count(strings.TrimRight(rest, "="), "=") == 0 {
			ch.Token = rest
		} else {
			ch.Params = ParseParams(rest)
		}
		out = append(out, ch)
	}
	return out
}

// ParseParams reads comma-separated auth-params (RFC 2617 1.2,
// `auth-param = token "=" ( token | quoted-string )`), as they follow the
// scheme of a challenge or of Digest credentials. Names are lower-cased;
// a quoted value may hold commas and loses its quotes; an unterminated
// quote runs to the end; junk after a closing quote is skipped; a bare
// name gets the value "". At most MaxParams are read.
func ParseParams(s string) map[string]string {
	p := map[string]string{}
	i, n := 0, 0
	for i < len(s) && n < MaxParams {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',') {
			i++
		}
		if i >= len(s) {
			break
		}
		j := i
		for j < len(s) && s[j] != '=' && s[j] != ',' {
			j++
		}
		name := strings.ToLower(strings.TrimSpace(s[i:j]))
		if j >= len(s) || s[j] == ',' {
			if name != "" {
				p[name] = ""
				n++
			}
			i = j
			continue
		}
		j++ // past '='
		j = len(s) - len(strings.TrimLeftFunc(s[j:], unicode.IsSpace))
		var value string
		if j < len(s) && s[j] == '"' {
			k := strings.IndexByte(s[j+1:], '"')
			if k < 0 {
				value, j = s[j+1:], len(s)
			} else {
				value, j = s[j+1:j+1+k], j+2+k
			}
			for j < len(s) && s[j] != ',' {
				j++ // junk after the closing quote
			}
		} else {
			k := strings.IndexByte(s[j:], ',')
			if k < 0 {
				k = len(s) - j
			}
			value = strings.TrimSpace(s[j : j+k])
			j += k
		}
		if name != "" {
			p[name] = value
			n++
		}
		i = j
	}
	return p
}
