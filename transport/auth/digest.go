package auth

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// randomCnonce is a fresh Digest client nonce: 8 random bytes in hex.
func randomCnonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// digestResponse computes a Digest credentials value (RFC 2617 3.2.2; RFC
// 7616 3.4 for SHA-256) from the challenge's params, with qop=auth when the
// server offers it, else the RFC 2069 form.
func digestResponse(p map[string]string, method, uri, user, pass string, nc uint32, cnonce string) (string, error) {
	realm, nonce := p["realm"], p["nonce"]
	if nonce == "" {
		return "", errors.New("digest challenge without a nonce")
	}
	algo := p["algorithm"]
	var newHash func() hash.Hash
	switch strings.ToUpper(algo) {
	case "", "MD5", "MD5-SESS":
		newHash = md5.New
	case "SHA-256", "SHA-256-SESS":
		newHash = sha256.New
	default:
		return "", fmt.Errorf("digest algorithm %q not supported", algo)
	}
	h := func(s string) string {
		x := newHash()
		x.Write([]byte(s))
		return hex.EncodeToString(x.Sum(nil))
	}
	ha1 := h(user + ":" + realm + ":" + pass)
	if strings.HasSuffix(strings.ToUpper(algo), "-SESS") {
		ha1 = h(ha1 + ":" + nonce + ":" + cnonce)
	}
	ha2 := h(method + ":" + uri)
	qop := ""
	for _, q := range strings.Split(p["qop"], ",") {
		if strings.TrimSpace(q) == "auth" {
			qop = "auth"
		}
	}
	ncs := fmt.Sprintf("%08x", nc)
	var resp string
	if qop != "" {
		resp = h(ha1 + ":" + nonce + ":" + ncs + ":" + cnonce + ":" + qop + ":" + ha2)
	} else {
		resp = h(ha1 + ":" + nonce + ":" + ha2)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s"`, user, realm, nonce, uri, resp)
	if algo != "" {
		fmt.Fprintf(&b, ", algorithm=%s", algo)
	}
	if o, ok := p["opaque"]; ok {
		fmt.Fprintf(&b, `, opaque="%s"`, o)
	}
	if qop != "" {
		fmt.Fprintf(&b, `, qop=%s, nc=%s, cnonce="%s"`, qop, ncs, cnonce)
	}
	return b.String(), nil
}
