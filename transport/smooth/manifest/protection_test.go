package manifest

import (
	"errors"
	"strings"
	"testing"

	"github.com/eddyplayer/eddy/transport"
)

// A Protection element ([MS-SSTR] 2.2.2.2) is refused whatever the
// system: PlayReady with the error text the issue names, another system
// by its SystemID; a protected manifest that is also invalid still says
// it is protected (that is why it cannot play), without a manifest.
func TestProtection(t *testing.T) {
	protected := func(id string, streams ...string) []byte {
		return doc(`MajorVersion="2" MinorVersion="0" Duration="10"`,
			append([]string{`<Protection><ProtectionHeader SystemID="` + id + `">AAAA</ProtectionHeader></Protection>`}, streams...)...)
	}
	cases := []struct {
		name     string
		in       []byte
		text     string
		manifest bool
	}{
		{"PlayReady, lower case, with dashes", protected("{9a04f079-9840-4286-ab92-e65be0885f95}", video(`<c d="10"/>`)),
			"PlayReady-protected content is not supported", true},
		{"another system", protected("{EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED}", video(`<c d="10"/>`)),
			`content protected by system "{EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED}" is not supported`, true},
		{"PlayReady and an invalid timeline", protected("{9A04F079-9840-4286-AB92-E65BE0885F95}", video(`<c t="5" d="1"/><c t="1" d="1"/>`)),
			"PlayReady-protected content is not supported", false},
		{"PlayReady and a stream without Type", protected("{9A04F079-9840-4286-AB92-E65BE0885F95}", `<StreamIndex/>`),
			"PlayReady-protected content is not supported", false},
	}
	for _, c := range cases {
		m, err := Parse(c.in)
		var pe *ProtectedError
		if !errors.As(err, &pe) || !errors.Is(err, ErrProtected) || !errors.Is(err, transport.ErrEncrypted) {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if err.Error() != c.text {
			t.Errorf("%s: text %q, want %q", c.name, err.Error(), c.text)
		}
		if (m != nil) != c.manifest {
			t.Errorf("%s: manifest returned: %v", c.name, m != nil)
		}
		if m != nil && (len(m.Protection) != 1 || m.Protection[0].Data != "AAAA") {
			t.Errorf("%s: protection %+v", c.name, m.Protection)
		}
	}
	if strings.Contains(ErrProtected.Error(), "smooth") || ErrProtected.Error() != "PlayReady-protected content is not supported" {
		t.Errorf("ErrProtected text %q", ErrProtected)
	}
}
