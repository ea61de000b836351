// Package fynelocale gives Fyne a locale it can read when the user's is the
// C locale under another name. Importing it is enough (cmd/eddy does, for
// the side effect): its init sets LANGUAGE before Fyne's packages read it.
//
// Fyne reads the locale in the init of fyne.io/fyne/v2/lang, before any
// init of package main, and printed "Fyne error: Error parsing user locale
// C" on every start under LANG=C.UTF-8 (issue 11 defect 6). This package
// is initialized first because of the order the Go specification gives
// (Package initialization): of the packages whose imports are initialized,
// the first by import path goes next. This package imports only os and
// strings, as does github.com/jeandeaual/go-locale, which Fyne's lang
// package imports to read the environment, and "github.com/eddyplayer"
// sorts before "github.com/jeandeaual": so it runs before go-locale, and
// so before Fyne's lang. It must keep importing nothing more (an import
// initialized later would let go-locale and lang go first);
// cmd/eddy's TestNoLocaleErrorUnderCLocale fails if the order changes.
package fynelocale

import (
	"os"
	"strings"
)

func init() {
	if v, ok := Language(os.Getenv); ok {
		os.Setenv("LANGUAGE", v)
	}
}

// Language returns the value LANGUAGE must take so that Fyne's locale
// lookup does not fail, and false when it needs no change.
//
// Fyne takes the user's languages from LC_ALL, LC_MESSAGES or LANG (the
// first set), and from LANGUAGE (a colon-separated list) when that first
// one is not exactly "C" or "POSIX", and parses each as a BCP 47 tag after
// dropping the encoding. The C locale under another spelling ("C.UTF-8",
// "POSIX.UTF-8", "C@euro"), or a C entry in LANGUAGE, is no tag, and Fyne
// printed "Fyne error: Error parsing user locale C" on every start (issue
// 11 defect 6). An empty entry fails the same way.
//
// Only LANGUAGE is changed, so LANG and the LC_ variables (character
// classification, formats, the language Eddy asks servers for) stay the
// user's. The new list keeps the entries before the first C entry and puts
// "en" in its place, dropping what follows and the empty entries: gettext
// stops at a C entry and ignores empty ones, and the untranslated messages
// it shows then are English, so programs Eddy starts (xdg-open) speak as
// before. A list that is all C becomes "en".
func Language(getenv func(string) string) (string, bool) {
	locale := ""
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = getenv(name); locale != "" {
			break
		}
	}
	if locale == "C" || locale == "POSIX" {
		return "", false // Fyne looks no further and uses English, quietly
	}
	list := getenv("LANGUAGE")
	if list == "" {
		list = locale
	}
	if list == "" {
		return "", false
	}
	var keep []string
	changed := false
	for _, e := range strings.Split(list, ":") {
		if e == "" {
			changed = true
			continue
		}
		name := e
		if i := strings.IndexAny(name, ".@_-"); i >= 0 {
			name = name[:i]
		}
		if name == "C" || name == "POSIX" {
			keep = append(keep, "en")
			changed = true
			break
		}
		keep = append(keep, e)
	}
	if !changed {
		return "", false
	}
	if len(keep) == 0 {
		keep = []string{"en"}
	}
	return strings.Join(keep, ":"), true
}
