package mmsh

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Token is one token of a Pragma header ([MS-WMSP] 2.2.1.4): a bare name
// ("no-cache") or name=value. Value has its surrounding quotes removed.
type Token struct {
	Name     string
	Value    string
	HasValue bool
	// Quoted records that the value was written in double quotes.
	Quoted bool
}

// String renders the token as it is written on the wire: name, or
// name=value, with the value quoted when it was quoted or needs quotes.
// log-line and stream-switch-entry values are never quoted: they take the
// rest of their line.
func (t Token) String() string {
	if !t.HasValue {
		return t.Name
	}
	if !isLineToken(t.Name) && (t.Quoted || needsQuotes(t.Value)) {
		return t.Name + `="` + t.Value + `"`
	}
	return t.Name + "=" + t.Value
}

func needsQuotes(v string) bool {
	return strings.Contains(v, ",") || strings.HasPrefix(v, `"`) || v != strings.TrimSpace(v)
}

// Pragma is the ordered list of tokens of all Pragma header lines of one
// message. Token names are compared case-insensitively ([MS-WMSP] 2.2.1.4,
// RFC 4234 literal strings); when a name appears more than once the last
// occurrence wins.
type Pragma []Token

// lineTokens are the tokens that MUST stand alone on their Pragma line and
// whose values contain spaces (and for log-line possibly commas): their
// value is the rest of the line ([MS-WMSP] 2.2.1.4.10, 2.2.1.4.27).
var lineTokens = []string{"log-line", "stream-switch-entry"}

// MaxPragmaTokens bounds the tokens kept from one message.
const MaxPragmaTokens = 256

// ParsePragma tokenises Pragma header values ([MS-WMSP] 2.2.1.4, RFC 1945
// 10.12). Tokens are comma-separated with optional spaces; quoted values
// may contain commas; log-line and stream-switch-entry take the rest of
// their line. It never fails: malformed pieces (an unterminated quote, an
// empty name) are kept as well as they can be or skipped, and typed
// accessors validate values. Unknown tokens are kept; callers ignore them
// (2.2.1).
func ParsePragma(lines ...string) Pragma {
	var p Pragma
	for _, line := range lines {
		p = appendLine(p, line)
		if len(p) > MaxPragmaTokens {
			return p[:MaxPragmaTokens]
		}
	}
	return p
}

func appendLine(p Pragma, line string) Pragma {
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == ',') {
			i++
		}
		if i >= len(line) {
			break
		}
		j := i
		for j < len(line) && line[j] != '=' && line[j] != ',' {
			j++
		}
		name := strings.TrimSpace(line[i:j])
		if j >= len(line) || line[j] == ',' {
			if name != "" {
				p = append(p, Token{Name: name})
			}
			i = j
			continue
		}
		// line[j] == '='
		j++
		for _, lt := range lineTokens {
			if strings.EqualFold(name, lt) {
				p = append(p, Token{Name: name, Value: strings.TrimSpace(line[j:]), HasValue: true})
				return p
			}
		}
		j = len(line) - len(strings.TrimLeftFunc(line[j:], unicode.IsSpace))
		tok := Token{Name: name, HasValue: true}
		if j < len(line) && line[j] == '"' {
			k := strings.IndexByte(line[j+1:], '"')
			if k < 0 {
				tok.Value = line[j+1:]
				j = len(line)
			} else {
				tok.Value = line[j+1 : j+1+k]
				j = j + 2 + k
			}
			tok.Quoted = true
			for j < len(line) && line[j] != ',' {
				j++ // junk after the closing quote
			}
		} else {
			k := strings.IndexByte(line[j:], ',')
			if k < 0 {
				k = len(line) - j
			}
			tok.Value = strings.TrimSpace(line[j : j+k])
			j += k
		}
		if name != "" {
			p = append(p, tok)
		}
		i = j
	}
	return p
}

// Lookup returns the last token named name (case-insensitive).
func (p Pragma) Lookup(name string) (Token, bool) {
	for i := len(p) - 1; i >= 0; i-- {
		if strings.EqualFold(p[i].Name, name) {
			return p[i], true
		}
	}
	return Token{}, false
}

// Get returns the value of the last token named name.
func (p Pragma) Get(name string) (string, bool) {
	t, ok := p.Lookup(name)
	return t.Value, ok
}

// Has reports whether a token named name is present.
func (p Pragma) Has(name string) bool {
	_, ok := p.Lookup(name)
	return ok
}

// Uint32 returns the value of name as a decimal 0..4294967295 (the
// 1*10DIGIT tokens of 2.2.1.4). ok is false when the token is absent; err
// reports a present but invalid value.
func (p Pragma) Uint32(name string) (v uint32, ok bool, err error) {
	s, ok := p.Get(name)
	if !ok {
		return 0, false, nil
	}
	n, err := parseDecimal32(s)
	if err != nil {
		return 0, true, fmt.Errorf("%w: Pragma %s=%q: %v", ErrProtocol, name, s, err)
	}
	return n, true, nil
}

// Flag returns the value of a 0/1 token; absent means 0 (e.g.
// packet-pair-experiment, 2.2.1.4.14).
func (p Pragma) Flag(name string) bool {
	v, _ := p.Get(name)
	return strings.TrimSpace(v) == "1"
}

// Lines renders the tokens as Pragma header values: the ordinary tokens
// comma-separated on one line, each log-line or stream-switch-entry alone
// on its own line (2.2.1.4.10, 2.2.1.4.27).
func (p Pragma) Lines() []string {
	var parts, out []string
	for _, t := range p {
		if isLineToken(t.Name) && t.HasValue {
			out = append(out, t.String())
			continue
		}
		parts = append(parts, t.String())
	}
	if len(parts) > 0 {
		out = append([]string{strings.Join(parts, ", ")}, out...)
	}
	return out
}

// String renders the tokens for error messages.
func (p Pragma) String() string { return strings.Join(p.Lines(), " | ") }

func isLineToken(name string) bool {
	for _, lt := range lineTokens {
		if strings.EqualFold(name, lt) {
			return true
		}
	}
	return false
}

// parseDecimal32 parses 1*10DIGIT in 0..4294967295.
func parseDecimal32(s string) (uint32, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 10 {
		return 0, fmt.Errorf("not 1 to 10 digits")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("not a decimal number")
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("out of range 0..4294967295")
	}
	return uint32(n), nil
}

// Features is the set of content features a server announces in the
// features token of a response or a $M packet ([MS-WMSP] 2.2.1.4.8):
// broadcast, live, playlist, seekable, stridable, skipforward,
// skipbackward, last. Names are lower-case.
type Features map[string]bool

// Feature names ([MS-WMSP] 2.2.1.4.8.1–8).
const (
	FeatureBroadcast    = "broadcast"
	FeatureLast         = "last"
	FeatureLive         = "live"
	FeaturePlaylist     = "playlist"
	FeatureSeekable     = "seekable"
	FeatureSkipBackward = "skipbackward"
	FeatureSkipForward  = "skipforward"
	FeatureStridable    = "stridable"
)

// ParseFeatures splits a features value ("seekable, stridable"; empty is
// tolerated, D5 22).
func ParseFeatures(v string) Features {
	f := Features{}
	for _, s := range strings.Split(v, ",") {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			f[s] = true
		}
	}
	return f
}

// String renders the features in a fixed order, comma-separated.
func (f Features) String() string {
	var out []string
	for _, n := range []string{FeatureBroadcast, FeatureLive, FeaturePlaylist, FeatureSeekable,
		FeatureStridable, FeatureSkipBackward, FeatureSkipForward, FeatureLast} {
		if f[n] {
			out = append(out, n)
		}
	}
	return strings.Join(out, ",")
}

// Supported header features ([MS-WMSP] 2.2.1.7).
const (
	SupportFastCache      = "com.microsoft.wm.fastcache"
	SupportPredStrm       = "com.microsoft.wm.predstrm"
	SupportSrvPPair       = "com.microsoft.wm.srvppair"
	SupportSSwitch        = "com.microsoft.wm.sswitch"
	SupportStartupProfile = "com.microsoft.wm.startupprofile"
)

// ParseSupported splits Supported header values into a lower-case set.
func ParseSupported(values []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
				m[s] = true
			}
		}
	}
	return m
}

// ServerVersion is the product and version from a Server header
// ([MS-WMSP] 2.2.1.5): Cougar (Windows Media Services) or Rex (encoder).
type ServerVersion struct {
	Product      string
	Major, Minor int
}

// AtLeast reports whether the version is >= major.minor.
func (v ServerVersion) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

// IsCougar reports a Windows Media Services server.
func (v ServerVersion) IsCougar() bool { return strings.EqualFold(v.Product, "Cougar") }

func (v ServerVersion) String() string {
	return fmt.Sprintf("%s/%d.%d", v.Product, v.Major, v.Minor)
}

// ParseServer reads a Server header value. The product must be Cougar or
// Rex (3.1.5.3); "Cougar/9.01.01.3814" gives 9.1 (leading zeros, D5 25),
// and the space-separated "Cougar 4.1.0.3921" (VLC's MMSH server) is
// accepted too.
func ParseServer(s string) (ServerVersion, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, "/ ")
	if i <= 0 {
		return ServerVersion{}, fmt.Errorf("%w: Server %q has no product/version", ErrNotWMSP, s)
	}
	prod := s[:i]
	if !strings.EqualFold(prod, "Cougar") && !strings.EqualFold(prod, "Rex") {
		return ServerVersion{}, fmt.Errorf("%w: Server %q is neither Cougar nor Rex", ErrNotWMSP, s)
	}
	ver := strings.TrimSpace(s[i+1:])
	if j := strings.IndexByte(ver, ' '); j >= 0 {
		ver = ver[:j]
	}
	parts := strings.Split(ver, ".")
	if len(parts) < 2 {
		return ServerVersion{}, fmt.Errorf("%w: Server %q: version is not major.minor", ErrNotWMSP, s)
	}
	maj, err1 := strconv.Atoi(parts[0])
	mnr, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || maj < 0 || mnr < 0 || maj > 99 || mnr > 99 {
		return ServerVersion{}, fmt.Errorf("%w: Server %q: version is not major.minor", ErrNotWMSP, s)
	}
	return ServerVersion{Product: prod, Major: maj, Minor: mnr}, nil
}
