package mmsh

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), "|", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// packetCases are the byte-level examples of the digest's D2.3 (built from
// [MS-WMSP] 2.2.3) plus the first $D VLC's MMSH server sent (peers §4).
func packetCases(t testing.TB) []struct {
	name string
	wire []byte
	pkt  Packet
} {
	hundred := bytes.Repeat([]byte{0x5a}, 100)
	fiveK := bytes.Repeat([]byte{0x11}, 5000)
	return []struct {
		name string
		wire []byte
		pkt  Packet
	}{
		{"$T", unhex(t, "24540000"), Packet{Type: TypeTest}},
		{"$E S_OK", unhex(t, "2445040000000000"), Packet{Type: TypeEnd}},
		{"$E S_FALSE", unhex(t, "2445040001000000"), Packet{Type: TypeEnd, Reason: ReasonMoreEntries}},
		{"$E NS_S_EOS_RECEDING", unhex(t, "24450400092F0D00"), Packet{Type: TypeEnd, Reason: ReasonEOSReceding}},
		{"$C next entry", unhex(t, "2443040000000000"), Packet{Type: TypeStreamChange}},
		{"$C reverse", unhex(t, "24430400BE140D40"), Packet{Type: TypeStreamChange, Reason: ReasonReverseChange}},
		{"$D B=1 #7 seq 3", append(unhex(t, "A4446C00|07000000|00|03|6C00"), hundred...),
			Packet{Type: TypeData, B: true, LocationID: 7, AFFlags: 3, Payload: hundred}},
		{"$H single fragment", append(unhex(t, "24489013|00000000|00|0C|9013"), fiveK...),
			Packet{Type: TypeHeader, AFFlags: AFOnly, Payload: fiveK}},
	}
}

func TestPacketMarshalUnmarshal(t *testing.T) {
	for _, tt := range packetCases(t) {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.pkt.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, tt.wire) {
				t.Errorf("Marshal\n got %x\nwant %x", b[:min(len(b), 16)], tt.wire[:min(len(tt.wire), 16)])
			}
			if n := tt.pkt.MarshalSize(); n != len(tt.wire) {
				t.Errorf("MarshalSize %d, want %d", n, len(tt.wire))
			}
			if _, err := tt.pkt.MarshalTo(make([]byte, len(tt.wire)-1)); !errors.Is(err, io.ErrShortBuffer) {
				t.Errorf("MarshalTo short: %v", err)
			}
			var p Packet
			n, err := p.Unmarshal(tt.wire)
			if err != nil || n != len(tt.wire) {
				t.Fatalf("Unmarshal: %d %v", n, err)
			}
			if p.Payload == nil {
				p.Payload = tt.pkt.Payload
			}
			if !reflect.DeepEqual(p, tt.pkt) {
				t.Errorf("Unmarshal got %+v", p)
			}
		})
	}
}

func TestVLCFirstDataPacket(t *testing.T) {
	// peers README §4: "$D, len 4104, LocationId 39, incarnation 0,
	// AFFlags 0, len2 4104, followed by one full 4096-byte ASF packet".
	wire := append(unhex(t, "24440810270000000000 0810"), make([]byte, 4096)...)
	var p Packet
	if _, err := p.Unmarshal(wire); err != nil {
		t.Fatal(err)
	}
	if p.Type != TypeData || p.LocationID != 39 || len(p.Payload) != 4096 {
		t.Errorf("%+v", p)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	tests := []struct {
		name string
		wire string
	}{
		{"short", "2444"},
		{"bad frame", "2544 0000"},
		{"unknown type", "245A 0000"},
		{"$E bad length", "2445 0500 0000000000"},
		{"$E truncated", "2445 0400 0000"},
		{"$T with length", "2454 0100 00"},
		{"$D length < 8", "2444 0400 00000000"},
		{"$D PacketSize mismatch", "2444 0900 00000000 00 00 0A00 00"},
		{"$D truncated", "2444 1000 00000000 00 00 1000"},
		{"$P bad reason", "2450 F801 F9010000"},
		{"$P bad length", "2450 F701 F8010000"},
	}
	for _, tt := range tests {
		var p Packet
		if _, err := p.Unmarshal(unhex(t, tt.wire)); !errors.Is(err, ErrMalformedPacket) {
			t.Errorf("%s: %v, want ErrMalformedPacket", tt.name, err)
		}
	}
	big := Packet{Type: TypeData, Payload: make([]byte, MaxPayloadSize+1)}
	if _, err := big.Marshal(); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized payload: %v", err)
	}
}

// pairBody builds three $P packets as 2.2.3.7 sizes them, for an HTTP
// response header of hdrLen bytes.
func pairBody(t testing.TB, hdrLen int) []byte {
	r := uint32(min(hdrLen, 504))
	var b []byte
	for i := 1; i <= 3; i++ {
		size, err := pairPayloadSize(i, r)
		if err != nil {
			t.Fatal(err)
		}
		p := Packet{Type: TypePacketPair, PairIndex: i, Reason: r, Payload: bytes.Repeat([]byte{byte(i)}, size)}
		w, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, w...)
	}
	return b
}

func TestReaderDescribeBodyWithPacketPair(t *testing.T) {
	for _, hdrLen := range []int{0, 300, 504, 900} {
		body := pairBody(t, hdrLen)
		meta := &Metadata{PlaylistGenID: 2587, Features: Features{FeatureSeekable: true}}
		for _, p := range Fragment(TypeMetadata, meta.Marshal(), 0, 0) {
			w, _ := p.Marshal()
			body = append(body, w...)
		}
		hdr := bytes.Repeat([]byte{0xAB}, 70000)
		for _, p := range Fragment(TypeHeader, hdr, 0, 0) {
			w, _ := p.Marshal()
			body = append(body, w...)
		}
		r := NewReader(bytes.NewReader(body))
		var types []PacketType
		asm := newAssembler(TypeHeader, MaxHeaderSize)
		var got []byte
		for {
			p, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("hdr %d: %v", hdrLen, err)
			}
			types = append(types, p.Type)
			if p.Type == TypePacketPair {
				want := 504 - min(hdrLen, 504)
				if p.PairIndex == 2 {
					want = 504
				} else if p.PairIndex == 3 {
					want = 1048 + min(hdrLen, 504)
				}
				if len(p.Payload) != want {
					t.Errorf("hdr %d: $P %d payload %d, want %d", hdrLen, p.PairIndex, len(p.Payload), want)
				}
			}
			if p.Type == TypeHeader {
				obj, done, err := asm.add(p)
				if err != nil {
					t.Fatal(err)
				}
				if done {
					got = obj
				}
			}
		}
		want := []PacketType{TypePacketPair, TypePacketPair, TypePacketPair, TypeMetadata, TypeHeader, TypeHeader}
		if !reflect.DeepEqual(types, want) {
			t.Errorf("hdr %d: types %v", hdrLen, types)
		}
		if !bytes.Equal(got, hdr) {
			t.Errorf("hdr %d: reassembled header %d bytes, want %d", hdrLen, len(got), len(hdr))
		}
		if r.BytesRead() != int64(len(body)) {
			t.Errorf("BytesRead %d, want %d", r.BytesRead(), len(body))
		}
	}
}

func TestReaderPairLengthFallback(t *testing.T) {
	// A server that sizes $P by PacketLength (4 + 504 bytes) with a nonzero
	// Reason: the positional size would desynchronise; the fallback keeps
	// the stream in step (D2.3 [impl note]).
	var body []byte
	for _, l := range []int{504, 504, 1048} {
		b := make([]byte, 4+l)
		copy(b, []byte{0x24, 'P', byte(l), byte(l >> 8), 100, 0, 0, 0})
		body = append(body, b...)
	}
	body = append(body, unhex(t, "2445040000000000")...)
	r := NewReader(bytes.NewReader(body))
	for i := 0; i < 4; i++ {
		p, err := r.Next()
		if err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
		if i == 3 && p.Type != TypeEnd {
			t.Errorf("after the fallback: %v", p.Type)
		}
	}
}

func TestReaderErrors(t *testing.T) {
	tests := []struct {
		name string
		wire string
		want error
	}{
		{"partial header", "2444", io.ErrUnexpectedEOF},
		{"lying length", "2444 1000 00000000 00 00 1000 0102", io.ErrUnexpectedEOF},
		{"bad frame", "4142 0000", ErrMalformedPacket},
	}
	for _, tt := range tests {
		r := NewReader(bytes.NewReader(unhex(t, tt.wire)))
		if _, err := r.Next(); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	// Four $P in a row: the fourth is unexpected.
	body := pairBody(t, 504)
	body = append(body, pairBody(t, 504)[:512]...)
	r := NewReader(bytes.NewReader(body))
	var err error
	for i := 0; i < 4 && err == nil; i++ {
		_, err = r.Next()
	}
	if !errors.Is(err, ErrUnexpectedPacket) {
		t.Errorf("fourth $P: %v", err)
	}
	// Clean EOF at a packet boundary.
	r = NewReader(bytes.NewReader(unhex(t, "24540000")))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("boundary EOF: %v", err)
	}
}

func TestAssembler(t *testing.T) {
	obj := bytes.Repeat([]byte("0123456789"), 20)
	frags := Fragment(TypeHeader, obj, 64, 5)
	if len(frags) != 4 || frags[0].AFFlags != AFFirst || frags[1].AFFlags != AFMiddle || frags[3].AFFlags != AFLast {
		t.Fatalf("fragments %v", frags)
	}
	a := newAssembler(TypeHeader, 1000)
	for i, f := range frags {
		got, done, err := a.add(f)
		if err != nil {
			t.Fatal(err)
		}
		if done != (i == 3) {
			t.Fatalf("fragment %d done=%v", i, done)
		}
		if done && !bytes.Equal(got, obj) {
			t.Errorf("reassembled %q", got)
		}
	}
	// Out of order, no first, flagged first twice, too large, wrong type.
	bad := []struct {
		name  string
		pkts  []Packet
		limit int
		want  error
	}{
		{"gap", []Packet{frags[0], frags[2]}, 1000, ErrMalformedPacket},
		{"no first", []Packet{frags[1]}, 1000, ErrMalformedPacket},
		{"restarted at 1, then 1 again", []Packet{frags[0], {Type: TypeHeader, LocationID: 1, AFFlags: AFFirst}, {Type: TypeHeader, LocationID: 1, AFFlags: AFLast}}, 1000, ErrMalformedPacket},
		{"first flags at 0 with the last bit only", []Packet{{Type: TypeHeader, AFFlags: AFLast}}, 1000, ErrMalformedPacket},
		{"too large", frags, 100, ErrTooLarge},
		{"wrong type", []Packet{{Type: TypeMetadata, AFFlags: AFOnly}}, 1000, ErrUnexpectedPacket},
		{"bad first flags", []Packet{{Type: TypeHeader, AFFlags: 0x10}}, 1000, ErrMalformedPacket},
	}
	for _, tt := range bad {
		a := newAssembler(TypeHeader, tt.limit)
		var err error
		for _, p := range tt.pkts {
			if _, _, err = a.add(p); err != nil {
				break
			}
		}
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	// A new first fragment abandons a partial object.
	a = newAssembler(TypeHeader, 1000)
	a.add(frags[0])
	got, done, err := a.add(Packet{Type: TypeHeader, AFFlags: AFOnly, Payload: []byte("x")})
	if err != nil || !done || string(got) != "x" {
		t.Errorf("restart: %q %v %v", got, done, err)
	}
	// A fragment flagged first starts an object whatever its LocationId
	// (VLC numbers its $H with its running chunk counter); the next ones
	// count on from it.
	a = newAssembler(TypeHeader, 1000)
	vlc := Fragment(TypeHeader, obj, 64, 0)
	for i := range vlc {
		vlc[i].LocationID += 14
	}
	for i, f := range vlc {
		got, done, err := a.add(f)
		if err != nil || done != (i == len(vlc)-1) || (done && !bytes.Equal(got, obj)) {
			t.Fatalf("fragment at %d: done %v err %v", f.LocationID, done, err)
		}
	}
	if _, _, err := a.add(Packet{Type: TypeHeader, LocationID: 15, AFFlags: AFLast}); !errors.Is(err, ErrMalformedPacket) {
		t.Errorf("a last fragment without its first: %v", err)
	}
	// An empty object is one fragment.
	if f := Fragment(TypeMetadata, nil, 0, 0); len(f) != 1 || f[0].AFFlags != AFOnly {
		t.Errorf("empty: %v", f)
	}
}

// FuzzReader feeds arbitrary bodies to the framing reader and the $H/$M
// assemblers: no panic, every packet re-marshals to its wire bytes, and
// reading stops with io.EOF or an error.
//
// The seeds are small (the spec vectors, a $P triple, a header in
// fragments): the fuzzer minimises every input that finds new coverage,
// and minimising the mutants of a 5 KB seed kept a worker busy for tens of
// seconds. Each run allocates only what it reads (the Reader's buffer is 4
// KB; it was 64 KB, which made every run cost a large allocation and the
// garbage collection after it).
func FuzzReader(f *testing.F) {
	for _, tt := range packetCases(f) {
		if len(tt.wire) <= 512 {
			f.Add(tt.wire)
		}
	}
	for _, v := range specPackets {
		f.Add(append(unhex(f, v.hex), v.payload...))
	}
	f.Add(pairBody(f, 300))
	for _, p := range Fragment(TypeHeader, bytes.Repeat([]byte{7}, 300), 100, 1) {
		w, _ := p.Marshal()
		f.Add(w)
	}
	// A header whose first 24 bytes declare its 300 bytes (2.2.3.5).
	var hdr []byte
	for _, p := range Fragment(TypeHeader, append(headerObjectStart(f, 250), make([]byte, 300-24)...), 100, 1) {
		w, _ := p.Marshal()
		hdr = append(hdr, w...)
	}
	f.Add(hdr)
	f.Fuzz(func(t *testing.T, body []byte) {
		r := NewReader(bytes.NewReader(body))
		asm := map[PacketType]*assembler{TypeHeader: newHeaderAssembler(1 << 16), TypeMetadata: newAssembler(TypeMetadata, 1<<16)}
		for i := 0; i < 1000; i++ {
			off := r.BytesRead()
			p, err := r.Next()
			if err != nil {
				return
			}
			w, err := p.Marshal()
			if err != nil {
				if p.Type == TypePacketPair {
					continue // sized by the PacketLength fallback
				}
				t.Fatalf("re-marshal %v: %v", p.Type, err)
			}
			if !bytes.Equal(w, body[off:r.BytesRead()]) {
				t.Fatalf("%v re-marshals to other bytes", p.Type)
			}
			if a := asm[p.Type]; a != nil {
				obj, done, _ := a.add(p)
				// What it holds or returns stays within the limit and
				// what the object declares.
				if a.size > a.limit || (a.declared > 0 && a.size > a.declared) || (done && len(obj) > a.limit) {
					t.Fatalf("%v assembler holds %d bytes, returned %d (limit %d, declared %d)", p.Type, a.size, len(obj), a.limit, a.declared)
				}
			}
		}
	})
}
