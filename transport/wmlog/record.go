package wmlog

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is the type of a log message (MS-WMLOG 2.5–2.7).
type Kind uint8

const (
	// Legacy is the combined rendering+streaming log (MS-WMLOG 2.5), the
	// log a player sends at the end of a streaming session when it does not
	// send separate rendering logs.
	Legacy Kind = iota
	// Streaming describes how the data was received, not how it was played
	// (MS-WMLOG 2.6). Required instead of Legacy when the client also sends
	// rendering logs (remote-log SendEvent, MS-WMSP 3.1.4.6).
	Streaming
	// Rendering describes playback only (MS-WMLOG 2.7).
	Rendering
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Legacy:
		return "legacy"
	case Streaming:
		return "streaming"
	case Rendering:
		return "rendering"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Pair is one name/value item of a Content Description (MS-WMSP 2.2.4),
// carried into the XML log's <ContentDescription> element (MS-WMLOG 2.4).
type Pair struct {
	Name, Value string
}

// Namespace is a block of custom logging fields (MS-WMLOG 2.4
// "client-logging-data", 3.2), e.g. from ASX PARAM log:field:Namespace.
type Namespace struct {
	Name   string
	Fields []Pair
}

// Record is everything the client knows about one logged period: the
// values it measured and its identity. Zero numeric values are logged as 0;
// fields documented with "negative = unknown" are logged as "-" when
// negative. Strings are logged as "-" when empty.
type Record struct {
	// Time is when the log is created (date and time fields, UTC).
	Time time.Time
	// URIStem is the URL actually used (cs-uri-stem, MS-WMLOG 2.1.33); the
	// query is removed when rendering.
	URIStem string
	// URL is the URL the user originally asked for (cs-url, 2.1.32).
	URL string
	// StartTime is the content position rendering started from
	// (c-starttime, 2.1.24); logged in whole seconds, 0 for broadcasts.
	StartTime time.Duration
	// Duration is how much content was rendered, buffering excluded: the
	// x-duration of legacy and rendering logs (2.1.52). Rounded up to whole
	// seconds.
	Duration time.Duration
	// ReceiveTime is how long receiving the content took: the x-duration
	// of streaming logs (2.1.52). Rounded up to whole seconds.
	ReceiveTime time.Duration
	// Rate is the streaming (legacy/streaming) or playback (rendering) rate
	// in effect at the start of the period (c-rate, 2.1.22); 0 means 1.
	Rate float64
	// Reconnected selects c-status 210 instead of 200 (2.1.25).
	Reconnected bool
	// PlayerID is the client GUID in registry format (c-playerid, 2.1.18).
	PlayerID string
	// PlayerVersion is c-playerversion (2.1.20), e.g. "0.1.0.0".
	PlayerVersion string
	// PlayerLanguage is the client's language-country code
	// (c-playerlanguage, 2.1.19), e.g. "en-US".
	PlayerLanguage string
	// UserAgent is cs-User-Agent (2.1.34).
	UserAgent string
	// Referer is cs-Referer (2.1.31): the web page or ASX origin.
	Referer string
	// Host describes the client machine and application.
	Host Host
	// FileLength is the content duration (filelength, 2.1.37), 0 for live.
	FileLength time.Duration
	// FileSize is the content size in bytes (filesize, 2.1.38), 0 for live.
	FileSize int64
	// AvgBandwidth is the average receive rate in bits per second while
	// streaming (avgbandwidth, 2.1.2); negative = not applicable.
	AvgBandwidth int64
	// Protocol is "http", "rtsp" or "asfm" (protocol, 2.1.39).
	Protocol string
	// Transport is "TCP" or "UDP" (transport, 2.1.50).
	Transport string
	// AudioCodecs and VideoCodecs name the codecs used, each once
	// (audiocodec 2.1.1, videocodec 2.1.51).
	AudioCodecs, VideoCodecs []string
	// ChannelURL is the .nsc URL when one was used (c-channelURL, 2.1.27).
	ChannelURL string
	// Bytes is c-bytes (2.1.28): payload bytes received from the server.
	Bytes int64
	// PacketsReceived is c-pkts-received (2.1.15): ASF data packets
	// received on the first attempt.
	PacketsReceived int64
	// PacketsLostNet is c-pkts-lost-net (2.1.14): packets lost in the
	// network; PacketsRecoveredECC of them were rebuilt by FEC, so
	// c-pkts-lost-client = PacketsLostNet - PacketsRecoveredECC (2.1.12).
	PacketsLostNet int64
	// PacketsLostContNet is the longest run of consecutive lost packets
	// (c-pkts-lost-cont-net, 2.1.13).
	PacketsLostContNet int64
	// PacketsRecoveredECC is c-pkts-recovered-ECC (2.1.16).
	PacketsRecoveredECC int64
	// PacketsRecoveredResent is c-pkts-recovered-resent (2.1.17).
	PacketsRecoveredResent int64
	// ResendRequests is c-resendreqs (2.1.23); negative = the client does
	// not use UDP resends (logged as "-").
	ResendRequests int64
	// BufferCount is how many times the client buffered (c-buffercount,
	// 2.1.3), the buffering before playback started included: the spec's
	// legacy example (3.1) logs 1 for a session that never rebuffered.
	BufferCount int64
	// BufferTime is the total time spent buffering (c-totalbuffertime,
	// 2.1.26), logged in whole seconds.
	BufferTime time.Duration
	// ServerIP is the server's address, logged as s-ip only where the spec
	// wants it from a client: logs sent to a web server (2.1.43, 2.5.4).
	ServerIP string
	// MediaName and MediaRole are cs-media-name (2.1.29) and cs-media-role
	// (2.1.30), from the server's content description or the ASX.
	MediaName, MediaRole string
	// ContentDescription is logged in the XML form (2.4) when non-empty.
	ContentDescription []Pair
	// ClientData are custom XML blocks (2.4 client-logging-data).
	ClientData []Namespace
}

// Host identifies the client machine and host application (c-hostexe,
// c-hostexever, c-os, c-osversion, c-cpu; MS-WMLOG 2.1.4–2.1.11).
type Host struct {
	Exe, ExeVersion string
	OS, OSVersion   string
	CPU             string
}

// Destination is where a log goes; a few fields differ (MS-WMLOG 2.5.4,
// 2.6.3, 2.7.3).
type Destination uint8

const (
	// ToMediaServer is a log sent to the streaming server (Windows Media
	// Services) in the MS-WMSP Log request or the RTSP equivalent.
	ToMediaServer Destination = iota
	// ToWebServer is a log POSTed to a web-server log URL (MS-WMLOG 2.3).
	ToWebServer
)

// FieldNames44 lists the log_data44 field names in order (MS-WMLOG 2.2.1).
var FieldNames44 = []string{
	"c-ip", "date", "time", "c-dns", "cs-uri-stem", "c-starttime",
	"x-duration", "c-rate", "c-status", "c-playerid",
	"c-playerversion", "c-playerlanguage", "cs-User-Agent",
	"cs-Referer", "c-hostexe", "c-hostexever", "c-os", "c-osversion",
	"c-cpu", "filelength", "filesize", "avgbandwidth", "protocol",
	"transport", "audiocodec", "videocodec", "c-channelURL", "sc-bytes",
	"c-bytes", "s-pkts-sent", "c-pkts-received", "c-pkts-lost-client",
	"c-pkts-lost-net", "c-pkts-lost-cont-net", "c-resendreqs",
	"c-pkts-recovered-ECC", "c-pkts-recovered-resent", "c-buffercount",
	"c-totalbuffertime", "c-quality", "s-ip", "s-dns",
	"s-totalclients", "s-cpu-util",
}

// FieldNames47 is log_data44 with its three optional trailing fields, the
// form every Eddy legacy/streaming log uses (MS-WMLOG 2.5.1, 2.6.1).
var FieldNames47 = append(append([]string(nil), FieldNames44...), "cs-url", "cs-media-name", "cs-media-role")

// FieldNames52 lists the log_data52 field names in order (MS-WMLOG 2.2.2).
var FieldNames52 = append(append([]string(nil), FieldNames44...),
	"cs-user-name", "s-session-id", "s-content-path", "cs-url",
	"cs-media-name", "c-max-bandwidth", "cs-media-role", "s-proxied")

// maxUint32 bounds every numeric field (MS-WMLOG 2.1: 0..4,294,967,295).
const maxUint32 = math.MaxUint32

// Fields renders the record as named values for one log kind and
// destination, in W3C order: 47 fields (log_data44 plus cs-url,
// cs-media-name, cs-media-role) for legacy and streaming logs and for
// rendering logs sent to a web server, 52 (log_data52) for rendering logs
// sent to a media server (MS-WMLOG 2.7.2). Values are already sanitised.
func (r *Record) Fields(kind Kind, dest Destination) []Pair {
	v := map[string]string{
		"c-ip":                    "0.0.0.0",
		"date":                    r.Time.UTC().Format("2006-01-02"),
		"time":                    r.Time.UTC().Format("15:04:05"),
		"c-dns":                   "-",
		"cs-uri-stem":             urlValue(stem(r.URIStem)),
		"c-starttime":             seconds(r.StartTime, false),
		"x-duration":              seconds(r.Duration, true),
		"c-rate":                  rateValue(r.Rate),
		"c-status":                "200",
		"c-playerid":              Value(r.PlayerID),
		"c-playerversion":         Value(r.PlayerVersion),
		"c-playerlanguage":        Value(r.PlayerLanguage),
		"cs-User-Agent":           Value(r.UserAgent),
		"cs-Referer":              urlValue(r.Referer),
		"c-hostexe":               Value(r.Host.Exe),
		"c-hostexever":            Value(r.Host.ExeVersion),
		"c-os":                    Value(r.Host.OS),
		"c-osversion":             Value(r.Host.OSVersion),
		"c-cpu":                   Value(r.Host.CPU),
		"filelength":              seconds(r.FileLength, true),
		"filesize":                count(r.FileSize),
		"avgbandwidth":            optCount(r.AvgBandwidth),
		"protocol":                Value(r.Protocol),
		"transport":               Value(r.Transport),
		"audiocodec":              codecs(r.AudioCodecs),
		"videocodec":              codecs(r.VideoCodecs),
		"c-channelURL":            urlValue(r.ChannelURL),
		"sc-bytes":                "-",
		"c-bytes":                 count(r.Bytes),
		"s-pkts-sent":             "-",
		"c-pkts-received":         count(r.PacketsReceived),
		"c-pkts-lost-client":      count(r.lostClient()),
		"c-pkts-lost-net":         count(r.PacketsLostNet),
		"c-pkts-lost-cont-net":    count(r.PacketsLostContNet),
		"c-resendreqs":            optCount(r.ResendRequests),
		"c-pkts-recovered-ECC":    count(r.PacketsRecoveredECC),
		"c-pkts-recovered-resent": count(r.PacketsRecoveredResent),
		"c-buffercount":           count(r.BufferCount),
		"c-totalbuffertime":       seconds(r.BufferTime, false),
		"c-quality":               strconv.Itoa(r.Quality()),
		"s-ip":                    "-",
		"s-dns":                   "-",
		"s-totalclients":          "-",
		"s-cpu-util":              "-",
		"cs-url":                  urlValue(r.URL),
		"cs-media-name":           Value(r.MediaName),
		"cs-media-role":           Value(r.MediaRole),
		"cs-user-name":            "-",
		"s-session-id":            "-",
		"s-content-path":          "-",
		"c-max-bandwidth":         "-",
		"s-proxied":               "0",
	}
	if r.Reconnected {
		v["c-status"] = "210"
	}
	if v["cs-url"] == "-" {
		v["cs-url"] = v["cs-uri-stem"]
	}
	switch kind {
	case Streaming: // MS-WMLOG 2.6.1
		v["audiocodec"] = "-"
		v["videocodec"] = "-"
		v["x-duration"] = seconds(r.ReceiveTime, true)
	case Rendering: // MS-WMLOG 2.7.1
		// 2.7.1 does not fix c-ip as 2.5.1 and 2.6.1 do ("0.0.0.0"):
		// 2.1.8 applies, and a client SHOULD log "-" (the 3.4 example
		// shows 0.0.0.0).
		v["c-ip"] = "-"
		for _, k := range []string{"avgbandwidth", "c-buffercount",
			"c-pkts-lost-client", "c-pkts-lost-cont-net", "c-pkts-lost-net",
			"c-pkts-received", "c-pkts-recovered-ECC",
			"c-pkts-recovered-resent", "c-resendreqs", "c-totalbuffertime",
			"transport"} {
			v[k] = "-"
		}
		v["c-quality"] = "100"
		v["protocol"] = "Cache"
	}
	// s-ip: "-" towards a media server (2.5.2, 2.5.3, 2.6.2, and 2.1.43 for
	// a client's rendering log); the server's address towards a web server
	// for legacy and streaming logs (2.5.4, 2.6.3).
	if dest == ToWebServer && kind != Rendering {
		v["s-ip"] = Value(r.ServerIP)
	}
	names := FieldNames47
	if kind == Rendering && dest == ToMediaServer {
		names = FieldNames52
	}
	out := make([]Pair, len(names))
	for i, n := range names {
		out[i] = Pair{Name: n, Value: v[n]}
	}
	return out
}

// lostClient is c-pkts-lost-client: lost and not recovered (2.1.12, 2.1.16).
func (r *Record) lostClient() int64 {
	n := r.PacketsLostNet - r.PacketsRecoveredECC
	if n < 0 {
		return 0
	}
	return n
}

// Quality is c-quality (MS-WMLOG 2.1.21): the percentage of packets
// rendered, (received + recovered) / (received + recovered + lost) × 100,
// rounded down so that any loss shows; 100 when nothing was expected.
func (r *Record) Quality() int {
	rendered := nonNeg(r.PacketsReceived) + nonNeg(r.PacketsRecoveredECC) + nonNeg(r.PacketsRecoveredResent)
	den := rendered + r.lostClient()
	if den <= 0 {
		return 100
	}
	return int(rendered * 100 / den)
}

func nonNeg(n int64) int64 {
	if n < 0 {
		return 0
	}
	return n
}

// W3C renders the record as one W3C-format line (MS-WMLOG 2.2): the value
// of a MS-WMSP log-line Pragma (legacy log, MS-WMLOG 2.5.2).
func (r *Record) W3C(kind Kind, dest Destination) string {
	f := r.Fields(kind, dest)
	vals := make([]string, len(f))
	for i, p := range f {
		vals[i] = p.Value
	}
	return strings.Join(vals, " ")
}

// WebServer renders the body POSTed to a web-server log URL (MS-WMLOG 2.3):
// "MX_STATS_LogLine:" SP TAB followed by the W3C fields.
func (r *Record) WebServer(kind Kind) []byte {
	return []byte("MX_STATS_LogLine: \t" + r.W3C(kind, ToWebServer))
}

// Value sanitises a free-text field value for a W3C log (MS-WMLOG 2.2):
// empty becomes "-", spaces and control characters become "_", invalid
// UTF-8 is replaced. The result never contains a space.
func Value(s string) string {
	if s == "" {
		return "-"
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && n <= 1:
			b.WriteByte('_')
		case c <= ' ' || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029:
			b.WriteByte('_')
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// urlValue percent-encodes a URL for a log field (MS-WMLOG 2.2: URLs MUST be
// percent-encoded per RFC 3986 2.1); empty becomes "-". Existing escapes
// are kept.
func urlValue(s string) string {
	if s == "" {
		return "-"
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if uriChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// uriChar reports RFC 3986 unreserved, reserved and '%' characters.
func uriChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", c) >= 0
}

// stem cuts a URL at the first '?' (cs-uri-stem, MS-WMLOG 2.1.33).
func stem(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

func count(n int64) string {
	if n < 0 {
		n = 0
	}
	if n > maxUint32 {
		n = maxUint32
	}
	return strconv.FormatInt(n, 10)
}

func optCount(n int64) string {
	if n < 0 {
		return "-"
	}
	return count(n)
}

// seconds renders a duration in whole seconds, rounded up when up is set
// (x-duration, filelength: "rounded to the nearest larger integer"),
// truncated otherwise.
func seconds(d time.Duration, up bool) string {
	if d <= 0 {
		return "0"
	}
	s := int64(d / time.Second)
	if up && d%time.Second != 0 {
		s++
	}
	return count(s)
}

// rateValue renders c-rate ([ "-" ] 1*2DIGIT, MS-WMLOG 2.1.22).
func rateValue(r float64) string {
	if r == 0 || math.IsNaN(r) {
		return "1"
	}
	n := int64(math.Round(r))
	if n == 0 {
		if r < 0 {
			n = -1
		} else {
			n = 1
		}
	}
	n = max(-99, min(99, n))
	return strconv.FormatInt(n, 10)
}

// codecs joins codec names with ";" (each once, spaces as "_"), "-" when
// none; at most 256 characters (MS-WMLOG 2.1.1, 2.1.51).
func codecs(names []string) string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		v := Value(strings.ReplaceAll(n, ";", ","))
		if n == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	if len(out) == 0 {
		return "-"
	}
	s := strings.Join(out, ";")
	if len(s) > 256 {
		s = s[:256]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}
