package fynelocale

import "testing"

// TestLanguage holds Language to its rules: LANGUAGE changes only
// when Fyne would meet an entry it cannot parse (the C locale under any
// spelling, an empty entry); the entries before a C entry are kept, in
// order, and "en" takes the C entry's place.
func TestLanguage(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string // "" = no change
	}{
		// What Fyne reads quietly today: no change.
		{env: map[string]string{}},
		{env: map[string]string{"LANG": "C"}},
		{env: map[string]string{"LANG": "POSIX"}},
		{env: map[string]string{"LC_ALL": "C", "LANGUAGE": "fr"}},
		{env: map[string]string{"LANG": "C", "LANGUAGE": "C.UTF-8"}}, // LANGUAGE unread under LANG=C
		{env: map[string]string{"LANG": "de_DE.UTF-8"}},
		{env: map[string]string{"LANG": "de_DE.UTF-8", "LANGUAGE": "fr:de"}},
		{env: map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "fr:en"}},
		{env: map[string]string{"LC_ALL": "de_DE.UTF-8", "LANG": "C.UTF-8"}},
		// The C locale spelled otherwise: English for Fyne.
		{env: map[string]string{"LANG": "C.UTF-8"}, want: "en"},
		{env: map[string]string{"LANG": "C.utf8"}, want: "en"},
		{env: map[string]string{"LANG": "POSIX.UTF-8"}, want: "en"},
		{env: map[string]string{"LANG": "C@euro"}, want: "en"},
		{env: map[string]string{"LC_ALL": "C.UTF-8", "LANG": "de_DE.UTF-8"}, want: "en"},
		{env: map[string]string{"LANG": "de_DE.UTF-8", "LC_MESSAGES": "C.UTF-8"}, want: "en"},
		// A C entry in LANGUAGE ends the list (gettext stops there too).
		{env: map[string]string{"LANG": "de_DE.UTF-8", "LANGUAGE": "C"}, want: "en"},
		{env: map[string]string{"LANG": "de_DE.UTF-8", "LANGUAGE": "C:de"}, want: "en"},
		{env: map[string]string{"LANG": "de_DE.UTF-8", "LANGUAGE": "fr:de:C:it"}, want: "fr:de:en"},
		{env: map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "pt_BR:POSIX"}, want: "pt_BR:en"},
		// Empty entries are dropped.
		{env: map[string]string{"LANG": "de_DE.UTF-8", "LANGUAGE": "fr::de:"}, want: "fr:de"},
		{env: map[string]string{"LANG": "de_DE.UTF-8", "LANGUAGE": ":"}, want: "en"},
	} {
		got, changed := Language(func(k string) string { return c.env[k] })
		if changed != (c.want != "") || got != c.want {
			t.Errorf("%v: LANGUAGE %q (change %v), want %q", c.env, got, changed, c.want)
		}
	}
}
