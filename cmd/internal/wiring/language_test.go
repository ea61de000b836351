package wiring

import "testing"

// TestLanguage: the user's language tag from the environment, as servers'
// logs and Accept-Language want it; the C locale in any spelling is no
// language (en-US then).
func TestLanguage(t *testing.T) {
	for _, c := range []struct{ all, lang, want string }{
		{"", "de_DE.UTF-8", "de-DE"},
		{"fr_CA@euro", "de_DE.UTF-8", "fr-CA"},
		{"", "C.UTF-8", "en-US"},
		{"C", "pt_BR", "pt-BR"},
		{"POSIX", "", "en-US"},
		{"", "", "en-US"},
	} {
		t.Setenv("LC_ALL", c.all)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		if got := Language(); got != c.want {
			t.Errorf("LC_ALL=%q LANG=%q: %q, want %q", c.all, c.lang, got, c.want)
		}
	}
}
