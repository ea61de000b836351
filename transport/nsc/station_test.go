package nsc

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/eddyplayer/eddy/asf"
)

// fixtureHeader is an ASF Header Object plus the Data Object's fixed part
// from a committed third-party file.
func fixtureHeader(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/asf/c_wmav2.wma")
	if err != nil {
		t.Fatal(err)
	}
	h, err := asf.ParseHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	if h.Data == nil {
		t.Fatal("fixture has no Data Object")
	}
	return h.Raw
}

// specEncodedAddress is the [Address] section of the MS-MSB 4.3 example
// in which every string is encoded, verbatim (CRLF, as 2.2.1 requires).
const specEncodedAddress = "[Address]\r\n" +
	"Name=029W000000000YJG1P05y0Gm1F04q0K01L05G0HG1I02m0801Y0700S00000\r\n" +
	"NSC Format Version=029G0000000008Cm0k0300000\r\n" +
	"Multicast Adapter=0230000000000UCG0r03S0BW0r03K0BW0n03G0EG0k0340C00o0000\r\n" +
	"IP Address=020G000000000UCW0p03a0BW0n03a0CW0k03G0E00k0340Dm0v0000\r\n" +
	"IP Port=0x00004A41\r\n" +
	"Time To Live=0x00000020\r\n" +
	"Default Ecc=0x0000000A\r\n" +
	"Log URL=020W0000000002000\r\n" +
	"Unicast URL=020W0000000002000\r\n" +
	"Allow Splitting=0x00000001\r\n" +
	"Allow Caching=0x00000001\r\n" +
	"Cache Expiration Time=0x00015180\r\n" +
	"Network Buffer Time=0x000001F4\r\n"

// specPlainAddress is the same section with raw strings (the first 4.3
// example).
const specPlainAddress = "[Address]\r\n" +
	"Name=MY_COMPUTER, bpp\r\n" +
	"NSC Format Version=3.0\r\n" +
	"Multicast Adapter=157.55.149.102\r\n" +
	"IP Address=239.192.48.179\r\n" +
	"IP Port=0x00004A41\r\n" +
	"Time To Live=0x00000020\r\n" +
	"Default Ecc=0x0000000A\r\n" +
	"Log URL=\r\n" +
	"Unicast URL=\r\n" +
	"Allow Splitting=0x00000001\r\n" +
	"Allow Caching=0x00000001\r\n" +
	"Cache Expiration Time=0x00015180\r\n" +
	"Network Buffer Time=0x000001F4\r\n"

func TestParseSpecExample(t *testing.T) {
	// The spec truncates Format1; this one carries a real header under
	// the example's Format ID 926.
	formats := "[Formats]\r\nFormat1=" + EncodeBlock(926, fixtureHeader(t)) + "\r\n" +
		"Description1=029m000000000SLm1f06u0P01l07S0Sm0W04q0PG1a06a0OG0000\r\n"
	for _, tc := range []struct {
		name, addr, desc string
		crcWarning       bool
	}{
		{"encoded", specEncodedAddress, "", true},
		{"plain", specPlainAddress, "Description1=Windows Media Audio Stream\r\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := formats
			if tc.desc != "" {
				f = strings.Replace(f, f[strings.Index(f, "Description1"):], tc.desc, 1)
			}
			st, err := Parse([]byte(tc.addr + f))
			if err != nil {
				t.Fatal(err)
			}
			want := Station{
				Name: "MY_COMPUTER, bpp", Version: "3.0",
				MulticastAdapter: netip.MustParseAddr("157.55.149.102"),
				Group:            netip.MustParseAddr("239.192.48.179"), Port: 19009,
				TTL: 32, DefaultECC: 10, AllowSplitting: true, AllowCaching: true,
				CacheExpiration: 86400 * time.Second, NetworkBufferTime: 500 * time.Millisecond,
			}
			got := *st
			got.Formats, got.Warnings = nil, nil
			if !equalStation(got, want) {
				t.Errorf("station\n got %+v\nwant %+v", got, want)
			}
			if len(st.Formats) != 1 || st.Formats[0].ID != 926 || st.Formats[0].ASF == nil {
				t.Fatalf("formats %+v", st.Formats)
			}
			wantDesc := "Windows Media"
			if tc.name == "plain" {
				wantDesc = "Windows Media Audio Stream"
			}
			if st.Formats[0].Description != wantDesc {
				t.Errorf("description %q, want %q", st.Formats[0].Description, wantDesc)
			}
			nameWarned := false
			for _, w := range st.Warnings {
				if strings.HasPrefix(w, "Name: CRC 0x26") {
					nameWarned = true
				} else {
					t.Errorf("unexpected warning %q", w)
				}
			}
			if nameWarned != tc.crcWarning {
				t.Errorf("Name CRC warning %v, want %v (%q)", nameWarned, tc.crcWarning, st.Warnings)
			}
		})
	}
}

func equalStation(a, b Station) bool {
	return a.Name == b.Name && a.Version == b.Version && a.MulticastAdapter == b.MulticastAdapter &&
		a.Group == b.Group && a.Port == b.Port && a.TTL == b.TTL && a.DefaultECC == b.DefaultECC &&
		a.LogURL == b.LogURL && a.UnicastURL == b.UnicastURL && a.AllowSplitting == b.AllowSplitting &&
		a.AllowCaching == b.AllowCaching && a.CacheExpiration == b.CacheExpiration &&
		a.NetworkBufferTime == b.NetworkBufferTime
}

// parseCases are shared by the table test and the fuzz seeds.
func parseCases(t testing.TB) []struct {
	name string
	in   string
	err  error
	warn string // a warning expected when err is nil
} {
	hdr := fixtureHeader(t)
	good := "Format1=" + EncodeBlock(5, hdr) + "\r\n"
	badCRC := []byte(EncodeBlock(5, hdr))
	// Flip the CRC: the first character holds its top 6 bits.
	badCRC[2] = alphabet[(strings.IndexByte(alphabet, badCRC[2])+1)%64]
	return []struct {
		name string
		in   string
		err  error
		warn string
	}{
		{"minimal", "[Address]\r\nIP Address=239.1.2.3\r\nIP Port=0x00001234\r\n[Formats]\r\n" + good, nil, ""},
		{"LF, spaces, any order, any case", "[formats]\n  format1 = " + EncodeBlock(5, hdr) + "\n[ADDRESS]\nip port\t=  0x1234 \nIP ADDRESS = 239.1.2.3\n", nil, ""},
		{"IPv6 group", "[Address]\r\nIP Address=ff15::efc0:1\r\nIP Port=0x00001234\r\n[Formats]\r\n" + good, nil, ""},
		{"IPv6 group with a zone", "[Address]\r\nIP Address=ff15::efc0:1%eth9\r\nIP Port=0x00001234\r\n[Formats]\r\n" + good, nil, "the zone is left out"},
		{"bad Format CRC warns", "[Address]\r\nIP Address=239.1.2.3\r\nIP Port=0x00001234\r\n[Formats]\r\nFormat1=" + string(badCRC) + "\r\n", nil, "Format1: CRC"},
		{"duplicate Format ID", "[Address]\r\nIP Address=239.1.2.3\r\nIP Port=4660\r\n[Formats]\r\n" + good + "Format2=" + EncodeBlock(5, hdr) + "\r\n", nil, "Format ID 5"},
		{"malformed TTL warns", "[Address]\r\nIP Address=239.1.2.3\r\nIP Port=4660\r\nTime To Live=0xZZ\r\n[Formats]\r\n" + good, nil, "Time To Live"},
		{"Multicast Adapter not an address", "[Address]\r\nMulticast Adapter=host.example\r\nIP Address=239.1.2.3\r\nIP Port=4660\r\n[Formats]\r\n" + good, nil, "Multicast Adapter"},
		{"empty", "", ErrSyntax, ""},
		{"no Address section", "IP Address=239.1.2.3\r\nIP Port=4660\r\n[Formats]\r\n" + good, ErrSyntax, ""},
		{"unicast group", "[Address]\r\nIP Address=10.0.0.1\r\nIP Port=4660\r\n[Formats]\r\n" + good, ErrSyntax, ""},
		{"group not an address", "[Address]\r\nIP Address=239.1.2\r\nIP Port=4660\r\n[Formats]\r\n" + good, ErrSyntax, ""},
		{"no port", "[Address]\r\nIP Address=239.1.2.3\r\n[Formats]\r\n" + good, ErrSyntax, ""},
		{"port 0", "[Address]\r\nIP Address=239.1.2.3\r\nIP Port=0x00000000\r\n[Formats]\r\n" + good, ErrSyntax, ""},
		{"port 65536", "[Address]\r\nIP Address=239.1.2.3\r\nIP Port=0x00010000\r\n[Formats]\r\n" + good, ErrSyntax, ""},
		{"port too long", "[Address]\r\nIP Address=239.1.2.3\r\nIP Port=0x000000001\r\n[Formats]\r\n" + good, ErrSyntax, ""},
		{"no Format", "[Address]\r\nIP Address=239.1.2.3\r\nIP Port=4660\r\n[Formats]\r\n", ErrSyntax, ""},
		{"Format ID over 11 bits", "[Address]\r\nIP Address=239.1.2.3\r\nIP Port=4660\r\n[Formats]\r\nFormat1=" + EncodeBlock(0x800, hdr) + "\r\n", ErrSyntax, ""},
		{"Format not ASF", "[Address]\r\nIP Address=239.1.2.3\r\nIP Port=4660\r\n[Formats]\r\nFormat1=" + EncodeBlock(5, []byte("not an ASF header at all, just text")) + "\r\n", ErrSyntax, ""},
		{"Format truncated", "[Address]\r\nIP Address=239.1.2.3\r\nIP Port=4660\r\n[Formats]\r\nFormat1=" + EncodeBlock(5, hdr)[:200] + "\r\n", ErrSyntax, ""},
		{"Format raw text", "[Address]\r\nIP Address=239.1.2.3\r\nIP Port=4660\r\n[Formats]\r\nFormat1=<ASF header 1>\r\n", ErrSyntax, ""},
		{"too large", "[Address]\r\n" + strings.Repeat("; padding line\r\n", MaxFileSize/16+1), ErrTooLarge, ""},
	}
}

func TestParseTable(t *testing.T) {
	for _, tc := range parseCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Parse([]byte(tc.in))
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.Port != 0x1234 || len(st.Formats) != 1 || st.Formats[0].ID != 5 {
				t.Fatalf("port %d formats %+v", st.Port, st.Formats)
			}
			found := tc.warn == ""
			for _, w := range st.Warnings {
				if tc.warn != "" && strings.Contains(w, tc.warn) {
					found = true
				} else {
					t.Errorf("unexpected warning %q", w)
				}
			}
			if !found {
				t.Errorf("no warning containing %q in %q", tc.warn, st.Warnings)
			}
		})
	}
}

func TestEncodeParseRoundTrip(t *testing.T) {
	hdr := fixtureHeader(t)
	in := &Station{
		Name: "Ünïcode, pub point", Version: "3.0",
		MulticastAdapter: netip.MustParseAddr("10.1.2.3"),
		Group:            netip.MustParseAddr("ff15::1:2"), Port: 30864,
		TTL: 5, DefaultECC: 10,
		LogURL: "http://log.example/scripts/wmsiislog.dll", UnicastURL: "mms://media.example/live",
		AllowSplitting: true, CacheExpiration: time.Hour, NetworkBufferTime: 2 * time.Second,
		Formats: []Format{{ID: 926, Header: hdr, Description: "Audio"}, {ID: 0x7FF, Header: hdr}},
	}
	out, err := Parse(Encode(in))
	if err != nil {
		t.Fatal(err)
	}
	if !equalStation(*out, *in) || len(out.Warnings) != 0 {
		t.Fatalf("round trip\n got %+v\nwant %+v", *out, *in)
	}
	if len(out.Formats) != 2 {
		t.Fatalf("%d formats", len(out.Formats))
	}
	for i, f := range out.Formats {
		if f.ID != in.Formats[i].ID || !bytes.Equal(f.Header, hdr) || f.Description != in.Formats[i].Description {
			t.Errorf("format %d: %d %q", i, f.ID, f.Description)
		}
	}
	// A non-ASCII Name must have been encoded, an ASCII URL not.
	enc := string(Encode(in))
	if strings.Contains(enc, "Ünïcode") || !strings.Contains(enc, "Unicast URL=mms://media.example/live\r\n") {
		t.Fatalf("encoding:\n%s", enc[:300])
	}
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name string
		head string
		want bool
	}{
		{"a.NSC", "", true},
		{"station", "\xEF\xBB\xBF\r\n[address]\r\n", true},
		{"x.txt", "junk\r\nNSC Format Version=3.0\r\n", true},
		{"x.asx", "<ASX version=\"3.0\">", false},
		{"x.asf", "\x30\x26\xB2\x75", false},
	} {
		if got := Sniff(tc.name, []byte(tc.head)); got != tc.want {
			t.Errorf("Sniff(%q, %q) = %v", tc.name, tc.head, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases(f) {
		f.Add([]byte(tc.in))
	}
	f.Add([]byte(specEncodedAddress))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Parse(data)
		if err != nil {
			return
		}
		if !st.Group.IsMulticast() || st.Port == 0 || len(st.Formats) == 0 {
			t.Fatalf("accepted an unusable station: %+v", st)
		}
		again, err := Parse(Encode(st))
		if err != nil {
			t.Fatalf("re-parse of Encode: %v", err)
		}
		if again.Group != st.Group || again.Port != st.Port || len(again.Formats) != len(st.Formats) {
			t.Fatalf("round trip changed the station")
		}
	})
}
