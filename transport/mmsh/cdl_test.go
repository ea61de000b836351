package mmsh

import (
	"errors"
	"reflect"
	"testing"
)

var cdlCases = []struct {
	name string
	in   string
	want []ContentDescription
	ok   bool
}{
	{"spec pair (2.2.4, with the language pair)",
		"8,language,31,5,en-us,9,copyright,31,30,(c) 1999 Microsoft Corporation\r\n",
		[]ContentDescription{{Language: "en-us", Pairs: []CDPair{{"copyright", VTLPWStr, "(c) 1999 Microsoft Corporation"}}}}, true},
	{"spec's 7,language defect",
		"7,language,31,0,,5,title,31,4,Song\r\n",
		[]ContentDescription{{Pairs: []CDPair{{"title", VTLPWStr, "Song"}}}}, true},
	{"two languages, commas and CRLF inside values",
		"8,language,31,2,en,5,title,31,12,a, b\r\nc, d,e\r\n8,language,31,2,de,5,title,31,4,Lied\r\n",
		[]ContentDescription{{Language: "en", Pairs: []CDPair{{"title", VTLPWStr, "a, b\r\nc, d,e"}}},
			{Language: "de", Pairs: []CDPair{{"title", VTLPWStr, "Lied"}}}}, true},
	{"unknown type skipped, numeric kept",
		"8,language,31,0,,3,odd,99,1,x,8,duration,19,5,12345\r\n",
		[]ContentDescription{{Pairs: []CDPair{{"duration", VTUI4, "12345"}}}}, true},
	{"no final CRLF, trailing NUL", "8,language,31,0,\x00\x00", []ContentDescription{{}}, true},
	{"empty", "", nil, true},
	{"first pair not language", "5,title,31,1,x\r\n", nil, false},
	{"value length past end", "8,language,31,9,en\r\n", nil, false},
	{"name length past end", "99,language", nil, false},
	{"missing comma after type", "8,language,31;0,\r\n", nil, false},
	{"junk between pairs", "8,language,31,0,;5,title,31,1,x\r\n", nil, false},
	{"huge length", "8,language,31,99999999999,x", nil, false},
	{"type too long", "8,language,3111,0,\r\n", nil, false},
}

func TestParseCDL(t *testing.T) {
	for _, tt := range cdlCases {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCDL([]byte(tt.in))
			if (err == nil) != tt.ok {
				t.Fatalf("err %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				if !errors.Is(err, ErrProtocol) && !errors.Is(err, ErrTooLarge) {
					t.Errorf("error %v is neither ErrProtocol nor ErrTooLarge", err)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
			// Marshal and parse again.
			again, err := ParseCDL(AppendCDL(nil, got))
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("round trip: %#v %v", again, err)
			}
		})
	}
}

func TestMetadata(t *testing.T) {
	m := &Metadata{PlaylistGenID: 2587, BroadcastID: 0, Features: Features{FeatureSeekable: true, FeatureStridable: true},
		CDL: []ContentDescription{{Language: "en-us", Pairs: []CDPair{{"title", VTLPWStr, "Welcome"}, {"WMS_CONTENT_DESCRIPTION_ROLE", VTLPWStr, "ADVERTISEMENT"}}}}}
	b := m.Marshal()
	want := "playlist-gen-id=2587, broadcast-id=0, features=\"seekable,stridable\"\x00" +
		"8,language,31,5,en-us,5,title,31,7,Welcome,28,WMS_CONTENT_DESCRIPTION_ROLE,31,13,ADVERTISEMENT\r\n"
	if string(b) != want {
		t.Errorf("Marshal\n got %q\nwant %q", b, want)
	}
	got, err := ParseMetadata(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.PlaylistGenID != 2587 || !got.Features[FeatureStridable] || got.Title() != "Welcome" || len(got.CDL) != 1 {
		t.Errorf("%+v", got)
	}
	for _, bad := range []string{
		"broadcast-id=0, features=\"\"\x00",
		"playlist-gen-id=x, broadcast-id=0, features=\"\"\x00",
		"playlist-gen-id=1, features=\"\"\x00",
		"playlist-gen-id=1, broadcast-id=0\x00",
		"playlist-gen-id=1, broadcast-id=0, features=\"\"\x005,title,31,1,x\r\n",
	} {
		if _, err := ParseMetadata([]byte(bad)); !errors.Is(err, ErrProtocol) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	// No NUL and no CDL is tolerated.
	if m, err := ParseMetadata([]byte(`playlist-gen-id=7, broadcast-id=3, features="broadcast"`)); err != nil || m.BroadcastID != 3 || !m.Features[FeatureBroadcast] {
		t.Errorf("%+v %v", m, err)
	}
}

// FuzzParseCDL: no panic; what parses marshals and parses back equal.
func FuzzParseCDL(f *testing.F) {
	for _, tt := range cdlCases {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ds, err := ParseCDL(b)
		if err != nil {
			return
		}
		again, err := ParseCDL(AppendCDL(nil, ds))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if len(again) != len(ds) {
			t.Fatalf("round trip: %d descriptions, want %d", len(again), len(ds))
		}
		for i := range ds {
			if again[i].Language != ds[i].Language || len(again[i].Pairs) != len(ds[i].Pairs) {
				t.Fatalf("round trip description %d: %#v != %#v", i, again[i], ds[i])
			}
		}
		_, _ = ParseMetadata(append([]byte("playlist-gen-id=1, broadcast-id=0, features=\"\"\x00"), b...))
	})
}

var remoteEventCases = []struct {
	in string
	ok bool
}{
	{"1\r\n1,28,0\r\n", true},
	{"1\r\n1,30,2147500037\r\n12,context-type,3,1,2,14,WMS_USER_AGENT,31,20,NSPlayer/12.0.7724.0\r\n12,context-type,3,1,5,12,@.REMOTE_LOG,31,7,<XML>\r\n\r\n", true},
	{"1\r\n1,30,0\r\n", false},
	{"1\r\n1,29,0\r\n12,context-type,3,1,2\r\n", false},
	{"2\r\n1,28,0\r\n", false},
	{"1\r\n1,31,0\r\n", false},
	{"1\r\n1,28,x\r\n", false},
}

func TestParseRemoteEvent(t *testing.T) {
	for _, c := range remoteEventCases {
		ev, err := ParseRemoteEvent([]byte(c.in))
		if (err == nil) != c.ok {
			t.Errorf("%q: %v", c.in, err)
		}
		if err == nil && ev.Type == EventRemoteLog {
			if v, _ := ev.Descriptions[1].Get("@.REMOTE_LOG"); v != "<XML>\r\n" {
				t.Errorf("value with CRLF: %q", v)
			}
		}
	}
	b := remoteEvent(5, "NSPlayer/12.0.7724.0", "{3300AD50-2C39-46C0-AE0A-4F6B136D663C}", "http://h/a.wma", []byte("<XML>\r\n</XML>\r\n"))
	ev, err := ParseRemoteEvent(b)
	if err != nil || ev.Reason != 5 || len(ev.Descriptions) != 2 {
		t.Fatalf("own event: %+v %v", ev, err)
	}
}

// FuzzParseRemoteEvent: no panic on any body.
func FuzzParseRemoteEvent(f *testing.F) {
	for _, c := range remoteEventCases {
		f.Add([]byte(c.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := ParseRemoteEvent(b)
		if err == nil && ev.Type == EventRemoteLog && len(ev.Descriptions) != 2 {
			t.Fatal("remote-log event without two descriptions")
		}
	})
}
