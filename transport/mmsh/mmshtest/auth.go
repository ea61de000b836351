package mmshtest

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"strings"
	"unicode/utf16"

	"github.com/eddyplayer/eddy/transport/mmsh"
)

// Auth makes the server demand credentials ([MS-WMSP] 2.1, 3.2.5.1).
type Auth struct {
	// Scheme is "Basic", "Digest", "NTLM" or "Negotiate" (NTLMSSP tokens).
	Scheme         string
	User, Password string
	Realm          string
	// Domain is the NTLM domain the user belongs to ("" for none).
	Domain string
	// Proxy makes the server answer like an HTTP proxy in front of the
	// origin: 407 with Proxy-Authenticate; requests must use absolute URIs.
	Proxy bool
}

// authConnState is the per-connection NTLM state.
type authConnState struct {
	challenge []byte
	ok        bool
}

// checkAuth enforces Options.Auth: ok when the request may proceed; keep
// tells whether the connection stays open after a challenge.
func (s *Server) checkAuth(c *srvConn, r *Request) (ok, keep bool) {
	a := s.opts.Auth
	if a == nil {
		return true, true
	}
	hdr, chal, code, reason := "Authorization", "WWW-Authenticate", 401, "Unauthorized"
	if a.Proxy {
		hdr, chal, code, reason = "Proxy-Authorization", "Proxy-Authenticate", 407, "Proxy Authentication Required"
		if !strings.HasPrefix(r.Target, "http://") && r.Target != "*" {
			s.respond(c, 400, "Bad Request", []Header{{"Content-Length", "0"}, {"Connection", "close"}}, nil)
			return false, false
		}
	}
	realm := a.Realm
	if realm == "" {
		realm = "WMS"
	}
	challenge := func(value string, keep bool) (bool, bool) {
		hs := []Header{{chal, value}, {"Content-Length", "0"}}
		if keep {
			hs = append(hs, Header{"Connection", "Keep-Alive"})
		} else {
			hs = append(hs, Header{"Connection", "close"})
		}
		s.respond(c, code, reason, hs, nil)
		return false, keep
	}
	scheme, rest, _ := strings.Cut(r.Get(hdr), " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(a.Scheme) {
	case "basic":
		if strings.EqualFold(scheme, "Basic") {
			if b, err := base64.StdEncoding.DecodeString(rest); err == nil && string(b) == a.User+":"+a.Password {
				return true, true
			}
		}
		return challenge(`Basic realm="`+realm+`"`, true)
	case "digest":
		if strings.EqualFold(scheme, "Digest") && verifyDigest(rest, r.Method, a.User, a.Password, realm) {
			return true, true
		}
		nonce := make([]byte, 12)
		_, _ = rand.Read(nonce)
		return challenge(fmt.Sprintf(`Digest realm="%s", nonce="%s", qop="auth", algorithm=MD5, opaque="5ccc069c403ebaf9"`, realm, hex.EncodeToString(nonce)), true)
	case "ntlm", "negotiate":
		if c.auth.ok {
			return true, true
		}
		name := a.Scheme
		if !strings.EqualFold(scheme, name) || rest == "" {
			return challenge(name, true)
		}
		msg, err := base64.StdEncoding.DecodeString(rest)
		if err != nil || len(msg) < 12 || !bytes.HasPrefix(msg, []byte("NTLMSSP\x00")) {
			return challenge(name, false)
		}
		switch binary.LittleEndian.Uint32(msg[8:]) {
		case 1:
			c.auth.challenge = make([]byte, 8)
			_, _ = rand.Read(c.auth.challenge)
			return challenge(name+" "+base64.StdEncoding.EncodeToString(ntlmChallenge(c.auth.challenge)), true)
		case 3:
			if c.auth.challenge != nil && verifyNTLM(msg, c.auth.challenge, a.User, a.Domain, a.Password) {
				c.auth.ok = true
				return true, true
			}
		}
		return challenge(name, false)
	}
	return true, true
}

// verifyDigest checks an RFC 2617 Authorization (qop=auth or none).
func verifyDigest(v, method, user, pass, realm string) bool {
	p := map[string]string{}
	for _, t := range mmsh.ParsePragma(v) {
		p[strings.ToLower(t.Name)] = t.Value
	}
	if p["username"] != user || p["realm"] != realm || p["nonce"] == "" {
		return false
	}
	h := func(s string) string { x := md5.Sum([]byte(s)); return hex.EncodeToString(x[:]) }
	ha1 := h(user + ":" + realm + ":" + pass)
	ha2 := h(method + ":" + p["uri"])
	want := h(ha1 + ":" + p["nonce"] + ":" + ha2)
	if p["qop"] != "" {
		want = h(ha1 + ":" + p["nonce"] + ":" + p["nc"] + ":" + p["cnonce"] + ":" + p["qop"] + ":" + ha2)
	}
	return p["response"] == want
}

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

// ntlmChallenge builds an NTLM CHALLENGE_MESSAGE ([MS-NLMP] 2.2.1.2)
// asking for NTLMv2 with target info.
func ntlmChallenge(serverChallenge []byte) []byte {
	const (
		flagUnicode       = 0x00000001
		flagRequestTarget = 0x00000004
		flagNTLM          = 0x00000200
		flagAlwaysSign    = 0x00008000
		flagTargetDomain  = 0x00010000
		flagExtSession    = 0x00080000
		flagTargetInfo    = 0x00800000
	)
	target := utf16le("WMS")
	var info bytes.Buffer
	av := func(id uint16, v []byte) {
		_ = binary.Write(&info, binary.LittleEndian, id)
		_ = binary.Write(&info, binary.LittleEndian, uint16(len(v)))
		info.Write(v)
	}
	av(2, utf16le("WMS"))
	av(1, utf16le("SERVER"))
	av(0, nil)
	const fixed = 48
	b := make([]byte, fixed, fixed+len(target)+info.Len())
	copy(b, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(b[8:], 2)
	binary.LittleEndian.PutUint16(b[12:], uint16(len(target)))
	binary.LittleEndian.PutUint16(b[14:], uint16(len(target)))
	binary.LittleEndian.PutUint32(b[16:], fixed)
	binary.LittleEndian.PutUint32(b[20:], flagUnicode|flagRequestTarget|flagNTLM|flagAlwaysSign|flagTargetDomain|flagExtSession|flagTargetInfo)
	copy(b[24:32], serverChallenge)
	binary.LittleEndian.PutUint16(b[40:], uint16(info.Len()))
	binary.LittleEndian.PutUint16(b[42:], uint16(info.Len()))
	binary.LittleEndian.PutUint32(b[44:], uint32(fixed+len(target)))
	b = append(b, target...)
	return append(b, info.Bytes()...)
}

// verifyNTLM checks the NTLMv2 response of an AUTHENTICATE_MESSAGE
// ([MS-NLMP] 2.2.1.3, 3.3.2).
func verifyNTLM(msg, serverChallenge []byte, user, domain, pass string) bool {
	field := func(off int) []byte {
		if off+8 > len(msg) {
			return nil
		}
		l := int(binary.LittleEndian.Uint16(msg[off:]))
		o := int(binary.LittleEndian.Uint32(msg[off+4:]))
		if o < 0 || l < 0 || o+l > len(msg) {
			return nil
		}
		return msg[o : o+l]
	}
	nt := field(20)
	gotDomain := fromUTF16(field(28))
	gotUser := fromUTF16(field(36))
	if len(nt) < 16+8 || !strings.EqualFold(gotUser, user) || !strings.EqualFold(gotDomain, domain) {
		return false
	}
	h := md4Sum(utf16le(pass))
	v2 := hmacMD5(h[:], utf16le(strings.ToUpper(gotUser)+gotDomain))
	proof := hmacMD5(v2, append(append([]byte(nil), serverChallenge...), nt[16:]...))
	return hmac.Equal(proof, nt[:16])
}

func fromUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

func hmacMD5(key []byte, data ...[]byte) []byte {
	m := hmac.New(md5.New, key)
	for _, d := range data {
		m.Write(d)
	}
	return m.Sum(nil)
}

// md4Sum is MD4 (RFC 1320), needed for the NT hash.
func md4Sum(msg []byte) [16]byte {
	a, b, c, d := uint32(0x67452301), uint32(0xefcdab89), uint32(0x98badcfe), uint32(0x10325476)
	ml := uint64(len(msg)) * 8
	m := append(append([]byte(nil), msg...), 0x80)
	for len(m)%64 != 56 {
		m = append(m, 0)
	}
	m = binary.LittleEndian.AppendUint64(m, ml)
	var x [16]uint32
	for off := 0; off < len(m); off += 64 {
		for i := range x {
			x[i] = binary.LittleEndian.Uint32(m[off+4*i:])
		}
		aa, bb, cc, dd := a, b, c, d
		f := func(x, y, z uint32) uint32 { return x&y | ^x&z }
		g := func(x, y, z uint32) uint32 { return x&y | x&z | y&z }
		h := func(x, y, z uint32) uint32 { return x ^ y ^ z }
		r1 := []int{3, 7, 11, 19}
		for i := 0; i < 16; i++ {
			k := i
			switch i % 4 {
			case 0:
				a = bits.RotateLeft32(a+f(b, c, d)+x[k], r1[0])
			case 1:
				d = bits.RotateLeft32(d+f(a, b, c)+x[k], r1[1])
			case 2:
				c = bits.RotateLeft32(c+f(d, a, b)+x[k], r1[2])
			case 3:
				b = bits.RotateLeft32(b+f(c, d, a)+x[k], r1[3])
			}
		}
		r2 := []int{3, 5, 9, 13}
		for i := 0; i < 16; i++ {
			k := (i%4)*4 + i/4
			const c2 = 0x5a827999
			switch i % 4 {
			case 0:
				a = bits.RotateLeft32(a+g(b, c, d)+x[k]+c2, r2[0])
			case 1:
				d = bits.RotateLeft32(d+g(a, b, c)+x[k]+c2, r2[1])
			case 2:
				c = bits.RotateLeft32(c+g(d, a, b)+x[k]+c2, r2[2])
			case 3:
				b = bits.RotateLeft32(b+g(c, d, a)+x[k]+c2, r2[3])
			}
		}
		order := []int{0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15}
		r3 := []int{3, 9, 11, 15}
		for i := 0; i < 16; i++ {
			k := order[i]
			const c3 = 0x6ed9eba1
			switch i % 4 {
			case 0:
				a = bits.RotateLeft32(a+h(b, c, d)+x[k]+c3, r3[0])
			case 1:
				d = bits.RotateLeft32(d+h(a, b, c)+x[k]+c3, r3[1])
			case 2:
				c = bits.RotateLeft32(c+h(d, a, b)+x[k]+c3, r3[2])
			case 3:
				b = bits.RotateLeft32(b+h(c, d, a)+x[k]+c3, r3[3])
			}
		}
		a, b, c, d = a+aa, b+bb, c+cc, d+dd
	}
	var out [16]byte
	binary.LittleEndian.PutUint32(out[0:], a)
	binary.LittleEndian.PutUint32(out[4:], b)
	binary.LittleEndian.PutUint32(out[8:], c)
	binary.LittleEndian.PutUint32(out[12:], d)
	return out
}
