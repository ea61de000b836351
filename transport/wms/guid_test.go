package wms

import (
	"regexp"
	"testing"
)

func TestNewGUID(t *testing.T) {
	re := regexp.MustCompile(`^\{[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\}$`)
	seen := map[string]bool{}
	for range 100 {
		g := NewGUID()
		if !re.MatchString(g) {
			t.Fatalf("%q is not a braced version-4 GUID", g)
		}
		if seen[g] {
			t.Fatalf("%q twice", g)
		}
		seen[g] = true
	}
}
