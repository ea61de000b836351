package mmsh

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Byte-level vectors for every framed packet type, written by hand from
// the field tables of [MS-WMSP] 2.2.3.1.1 (framing header: B, Frame 0x24,
// PacketID, PacketLength little-endian, Reason), 2.2.3.1.2 (MMS data
// packet: LocationId, Incarnation, AFFlags, PacketSize, Payload) and
// 2.2.3.2–2.2.3.8 (per type). The fake server (mmshtest) writes its
// packets with Packet.Marshal and Fragment and the client reads them with
// Reader: a mistake made in both would pass every session test, so both
// are held to these bytes here.
var specPackets = []struct {
	name string
	hex  string
	// payload follows the hex bytes; pkt is what they mean.
	payload []byte
	pkt     Packet
}{
	// 2.2.3.8: PacketID 'T' (0x54), PacketLength 0, no Reason.
	{"$T", "24 54 0000", nil, Packet{Type: TypeTest}},
	// 2.2.3.1.1: with B set, byte 0 is 0xA4.
	{"$T with B", "A4 54 0000", nil, Packet{Type: TypeTest, B: true}},
	// 2.2.3.4: 'E' (0x45), PacketLength 4, Reason S_OK / S_FALSE /
	// NS_S_EOS_RECEDING (0x000D2F09) / a failure (E_FAIL 0x80004005).
	{"$E S_OK", "24 45 0400 00000000", nil, Packet{Type: TypeEnd}},
	{"$E S_FALSE", "24 45 0400 01000000", nil, Packet{Type: TypeEnd, Reason: 1}},
	{"$E NS_S_EOS_RECEDING", "24 45 0400 092F0D00", nil, Packet{Type: TypeEnd, Reason: 0x000D2F09}},
	{"$E E_FAIL", "24 45 0400 05400080", nil, Packet{Type: TypeEnd, Reason: 0x80004005}},
	// 2.2.3.2: 'C' (0x43), PacketLength 4, Reason 0 or 0x400D14BE
	// (previous entry, reverse play).
	{"$C next", "24 43 0400 00000000", nil, Packet{Type: TypeStreamChange}},
	{"$C previous", "24 43 0400 BE140D40", nil, Packet{Type: TypeStreamChange, Reason: 0x400D14BE}},
	// 2.2.3.3: 'D' (0x44), B set, an MMS data packet: LocationId 7 (the
	// ASF packet number), Incarnation 2, AFFlags 3 (the $D sequence
	// number), PacketSize = PacketLength = 8 + 4.
	{"$D", "A4 44 0C00 | 07000000 | 02 | 03 | 0C00", []byte("ASF!"),
		Packet{Type: TypeData, B: true, LocationID: 7, Incarnation: 2, AFFlags: 3, Payload: []byte("ASF!")}},
	// 2.2.3.5, 2.2.3.1.2: 'H' (0x48); an object in two fragments:
	// LocationId 0 with AFFlags 0x04 (first), LocationId 1 with 0x08
	// (last); one fragment alone is 0x0C.
	{"$H first fragment", "24 48 0B00 | 00000000 | 00 | 04 | 0B00", []byte{0x30, 0x26, 0xB2},
		Packet{Type: TypeHeader, AFFlags: AFFirst, Payload: []byte{0x30, 0x26, 0xB2}}},
	{"$H last fragment", "24 48 0A00 | 01000000 | 00 | 08 | 0A00", []byte{0x75, 0x8E},
		Packet{Type: TypeHeader, LocationID: 1, AFFlags: AFLast, Payload: []byte{0x75, 0x8E}}},
	{"$H only fragment", "24 48 0A00 | 00000000 | 05 | 0C | 0A00", []byte{0x30, 0x26},
		Packet{Type: TypeHeader, Incarnation: 5, AFFlags: AFOnly, Payload: []byte{0x30, 0x26}}},
	// 2.2.3.6: 'M' (0x4D); the Metadata-Payload ABNF (playlist-gen-id
	// "," SP "broadcast-id=" 1*10DIGIT "," SP features %x00
	// *content-description-list) with the CDL pair of 2.2.4's example;
	// 140 payload bytes, PacketLength 148 (0x94).
	{"$M", "24 4D 9400 | 00000000 | 00 | 0C | 9400", []byte(specMetadata),
		Packet{Type: TypeMetadata, AFFlags: AFOnly, Payload: []byte(specMetadata)}},
}

// specMetadata is a $M payload written from 2.2.3.6 and 2.2.4 (the
// language pair first, with the length of "language", 8; the spec's ABNF
// says 7, a defect).
const specMetadata = "playlist-gen-id=2587, broadcast-id=0, features=\"seekable,stridable\"\x00" +
	"8,language,31,5,en-us,9,copyright,31,30,(c) 1999 Microsoft Corporation\r\n"

// TestSpecPacketVectors: each vector parses (Reader, as the client reads a
// body) to its fields, and those fields marshal (as the fake server
// writes) to the same bytes.
func TestSpecPacketVectors(t *testing.T) {
	for _, v := range specPackets {
		t.Run(v.name, func(t *testing.T) {
			wire := append(unhex(t, v.hex), v.payload...)
			r := NewReader(bytes.NewReader(wire))
			p, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Payload) == 0 {
				p.Payload = nil
			}
			if !reflect.DeepEqual(p, v.pkt) {
				t.Errorf("Reader: %+v, want %+v", p, v.pkt)
			}
			if _, err := r.Next(); !errors.Is(err, io.EOF) {
				t.Errorf("after the packet: %v", err)
			}
			b, err := v.pkt.Marshal()
			if err != nil || !bytes.Equal(b, wire) {
				t.Errorf("Marshal: % X (%v)\nwant     % X", b, err, wire)
			}
		})
	}
}

// TestSpecFragmentVectors: Fragment, the fake server's $H/$M writer, cuts
// an object as 2.2.3.1.2 numbers and flags it (the two $H vectors above).
func TestSpecFragmentVectors(t *testing.T) {
	frags := Fragment(TypeHeader, []byte{0x30, 0x26, 0xB2, 0x75, 0x8E}, 3, 0)
	var got []byte
	for _, f := range frags {
		b, err := f.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b...)
	}
	want := append(append(unhex(t, specPackets[9].hex), specPackets[9].payload...), append(unhex(t, specPackets[10].hex), specPackets[10].payload...)...)
	if !bytes.Equal(got, want) {
		t.Errorf("Fragment\n got % X\nwant % X", got, want)
	}
}

// TestSpecMetadataVector: the $M payload of the vector means what
// 2.2.3.6 and 2.2.4 say, and Metadata.Marshal (the fake server's $M
// writer) writes exactly it.
func TestSpecMetadataVector(t *testing.T) {
	m, err := ParseMetadata([]byte(specMetadata))
	if err != nil {
		t.Fatal(err)
	}
	want := &Metadata{PlaylistGenID: 2587, Features: Features{FeatureSeekable: true, FeatureStridable: true},
		CDL: []ContentDescription{{Language: "en-us", Pairs: []CDPair{{"copyright", VTLPWStr, "(c) 1999 Microsoft Corporation"}}}}}
	if m.PlaylistGenID != want.PlaylistGenID || m.BroadcastID != 0 || !reflect.DeepEqual(m.Features, want.Features) || !reflect.DeepEqual(m.CDL, want.CDL) {
		t.Errorf("parsed %+v", m)
	}
	if b := want.Marshal(); string(b) != specMetadata {
		t.Errorf("Marshal\n got %q\nwant %q", b, specMetadata)
	}
}

// TestSpecPacketPairVectors: the three $P of 2.2.3.7 for a 300-byte
// (0x012C) HTTP response header: PacketLength 504, 504, 1048 (0x01F8,
// 0x01F8, 0x0418), Reason 300 in each, payloads of 504 − 300, 504 and
// 1048 + 300 bytes; and the first $P of a header of 504 bytes or more,
// Reason 504 and no payload.
func TestSpecPacketPairVectors(t *testing.T) {
	heads := []string{"24 50 F801 2C010000", "24 50 F801 2C010000", "24 50 1804 2C010000"}
	sizes := []int{204, 504, 1348}
	var body []byte
	for i, h := range heads {
		body = append(body, unhex(t, h)...)
		body = append(body, bytes.Repeat([]byte{byte(i + 1)}, sizes[i])...)
	}
	body = append(body, unhex(t, "24 45 0400 00000000")...)
	r := NewReader(bytes.NewReader(body))
	off := 0
	for i := range heads {
		p, err := r.Next()
		if err != nil {
			t.Fatalf("$P %d: %v", i+1, err)
		}
		if p.Type != TypePacketPair || p.PairIndex != i+1 || p.Reason != 300 || len(p.Payload) != sizes[i] || p.Payload[0] != byte(i+1) {
			t.Errorf("$P %d: %v index %d Reason %d payload %d", i+1, p.Type, p.PairIndex, p.Reason, len(p.Payload))
		}
		n := 8 + sizes[i]
		if b, err := p.Marshal(); err != nil || !bytes.Equal(b, body[off:off+n]) {
			t.Errorf("$P %d Marshal: %v", i+1, err)
		}
		off += n
	}
	if p, err := r.Next(); err != nil || p.Type != TypeEnd {
		t.Errorf("after the three $P: %v %v", p.Type, err)
	}
	first := Packet{Type: TypePacketPair, PairIndex: 1, Reason: 504}
	if b, err := first.Marshal(); err != nil || !bytes.Equal(b, unhex(t, "24 50 F801 F8010000")) {
		t.Errorf("$P 1 with Reason 504: % X %v", b, err)
	}
}

// TestSpecResponseVectors: the example responses of [MS-WMSP] 2.2.2.1,
// 2.2.2.3.2 and 2.2.2.6 (the digest's D4 copies, "HTTP 1.1" typo kept)
// give the session state the spec's tokens say (3.1.5.3: client-id,
// timeout, features, Supported; 3.2.5.6: AccelBW, AccelDuration, Speed).
// The fake server writes its responses with strings of its own, so these
// are the client's only check against the spec's text.
func TestSpecResponseVectors(t *testing.T) {
	parse := func(text string) *response {
		t.Helper()
		resp, err := readResponse(bufio.NewReader(strings.NewReader(strings.ReplaceAll(text, "\n", "\r\n") + "\r\n\r\n")))
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	o := &owner{s: &session{}}
	describe := parse(`HTTP/1.1 200 OK
Pragma: packet-pair-experiment=1, no-cache, pipeline-experiment=1, client-id=2676631236, xResetStrm=1, features="seekable, stridable", timeout=60000
Content-Type: application/vnd.ms.wms-hdr.asfv1
Server: Cougar/9.5.6001.18281
Content-Length: 0
Cache-Control: no-cache, x-wms-content-size=923118, max-age=86399, user-public, must-revalidate, proxy-public, proxy-revalidate
Supported: com.microsoft.wm.srvppair, com.microsoft.wm.sswitch, com.microsoft.wm.predstrm, com.microsoft.wm.fastcache, com.microsoft.wm.startupprofile`)
	if err := o.common(describe); err != nil {
		t.Fatal(err)
	}
	pr := describe.pragma()
	if o.clientID != 2676631236 || o.keepaliveTO != time.Minute || !o.features[FeatureSeekable] || !o.features[FeatureStridable] ||
		o.contentSize != 923118 || !o.serverFeat[SupportFastCache] || o.server != (ServerVersion{"Cougar", 9, 5}) ||
		!pr.Flag("packet-pair-experiment") || !pr.Flag("pipeline-experiment") || !pr.Flag("xResetStrm") {
		t.Errorf("Describe response: client-id %d, timeout %v, features %v, size %d, server %v", o.clientID, o.keepaliveTO, o.features, o.contentSize, o.server)
	}
	options := parse(`HTTP 1.1 200 OK
Server: Cougar/9.00.00.1234
Public: GET, POST, OPTIONS
Allow: OPTIONS
Pragma: client-id=3333510490, timeout=90000
Supported: com.microsoft.wm.srvppair, com.microsoft.wm.sswitch, com.microsoft.wm.predstrm, com.microsoft.wm.fastcache
Content-Length: 0`)
	if err := o.common(options); err != nil || o.clientID != 3333510490 || o.keepaliveTO != 90*time.Second || o.serverFeat[SupportStartupProfile] {
		t.Errorf("OPTIONS response: %v, client-id %d, timeout %v, features %v", err, o.clientID, o.keepaliveTO, o.serverFeat)
	}
	play := parse(`HTTP/1.1 200 OK
Content-Type: application/x-mms-framed
Server: Cougar/9.5.6001.18281
Pragma: no-cache, client-id=2338761264, features="", timeout=60000, AccelBW=3500000, AccelDuration=18000, Speed=5.000
Transfer-Encoding: chunked
Supported: com.microsoft.wm.srvppair, com.microsoft.wm.sswitch, com.microsoft.wm.predstrm, com.microsoft.wm.fastcache, com.microsoft.wm.startupprofile`)
	if err := o.common(play); err != nil {
		t.Fatal(err)
	}
	o.acceptAccel(play.pragma())
	if o.clientID != 2338761264 || len(o.features) != 0 || o.accelBW != 3500000 || o.accelDur != 18*time.Second || o.speed != 5 || !play.Chunked {
		t.Errorf("Play response: client-id %d, features %v, AccelBW %d, AccelDuration %v, Speed %v", o.clientID, o.features, o.accelBW, o.accelDur, o.speed)
	}
}
