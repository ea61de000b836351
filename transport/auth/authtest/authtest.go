// Package authtest is the server side of HTTP access authentication for
// the fake servers of the protocol tests (mmshtest, and an MS-RTSP fake
// server): it checks Basic, Digest and NTLM/Negotiate credentials and
// makes the challenges, from header values.
package authtest

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
	"regexp"
	"strings"
	"unicode/utf16"
)

// Server checks credentials the way a Windows Media server answers a
// client that must log in ([MS-WMSP] 3.2.5.1; [MS-RTSP] 3.2.5.4): a 401
// (or 407 from a proxy) with a challenge until the request carries valid
// credentials. It works on header values only, so an MS-WMSP and an
// MS-RTSP fake server share it; the fake server picks the status, the
// header names (auth.ChallengeHeader, auth.CredentialsHeader) and whether
// the request target must be absolute (a proxy).
//
// The checks are written from the schemes' specifications, not with the
// client's code: RFC 2617 3.2.2 for Digest (MD5, qop=auth or none), RFC
// 2617 2 for Basic, [MS-NLMP] 3.3.2 NTLMv2 for NTLM and Negotiate (raw
// NTLMSSP tokens).
type Server struct {
	// Scheme is "Basic", "Digest", "NTLM" or "Negotiate" (NTLMSSP tokens).
	Scheme         string
	User, Password string
	// Realm of Basic and Digest challenges; default "WMS".
	Realm string
	// Domain is the NTLM domain the user belongs to ("" for none).
	Domain string
}

// Conn is the per-connection state of the NTLM handshake, which is bound
// to its connection ([MS-NLMP] 3.1.5.1.1): one per client connection, zero
// value ready.
type Conn struct {
	challenge []byte
	ok        bool
}

// Check inspects credentials, the value of the request's Authorization
// (or Proxy-Authorization) header ("" when absent), for a request of
// method on connection c. ok means the request may proceed. Otherwise
// challenge is the WWW-Authenticate (or Proxy-Authenticate) value to
// answer with, and keep tells whether the connection stays open after
// that answer (false after a malformed or refused NTLM handshake).
func (s *Server) Check(c *Conn, method, credentials string) (ok bool, challenge string, keep bool) {
	realm := s.Realm
	if realm == "" {
		realm = "WMS"
	}
	scheme, rest, _ := strings.Cut(credentials, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(s.Scheme) {
	case "basic":
		if strings.EqualFold(scheme, "Basic") {
			if b, err := base64.StdEncoding.DecodeString(rest); err == nil && string(b) == s.User+":"+s.Password {
				return true, "", true
			}
		}
		return false, `Basic realm="` + realm + `"`, true
	case "digest":
		if strings.EqualFold(scheme, "Digest") && verifyDigest(rest, method, s.User, s.Password, realm) {
			return true, "", true
		}
		nonce := make([]byte, 12)
		_, _ = rand.Read(nonce)
		return false, fmt.Sprintf(`Digest realm="%s", nonce="%s", qop="auth", algorithm=MD5, opaque="5ccc069c403ebaf9"`, realm, hex.EncodeToString(nonce)), true
	case "ntlm", "negotiate":
		if c.ok {
			return true, "", true
		}
		name := s.Scheme
		if !strings.EqualFold(scheme, name) || rest == "" {
			return false, name, true
		}
		msg, err := base64.StdEncoding.DecodeString(rest)
		if err != nil || len(msg) < 12 || !bytes.HasPrefix(msg, []byte("NTLMSSP\x00")) {
			return false, name, false
		}
		switch binary.LittleEndian.Uint32(msg[8:]) {
		case 1:
			c.challenge = make([]byte, 8)
			_, _ = rand.Read(c.challenge)
			return false, name + " " + base64.StdEncoding.EncodeToString(ntlmChallenge(c.challenge)), true
		case 3:
			if c.challenge != nil && verifyNTLM(msg, c.challenge, s.User, s.Domain, s.Password) {
				c.ok = true
				return true, "", true
			}
		}
		return false, name, false
	}
	return true, "", true
}

// digestParam is one auth-param of Digest credentials: name=token or
// name="quoted string".
var digestParam = regexp.MustCompile(`([A-Za-z][A-Za-z0-9-]*)\s*=\s*(?:"([^"]*)"|([^\s,"]*))`)

// verifyDigest checks an RFC 2617 Authorization (qop=auth or none).
func verifyDigest(v, method, user, pass, realm string) bool {
	// The params are read here with an expression of RFC 2617 3.2.2's
	// grammar, not with the client's parser, so that the check is
	// independent of the code it checks.
	p := map[string]string{}
	for _, m := range digestParam.FindAllStringSubmatch(v, -1) {
		p[strings.ToLower(m[1])] = m[2] + m[3]
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
