package ui

import (
	"strings"

	"fyne.io/fyne/v2"
)

const (
	// MaxRecent bounds the recent-locations list.
	MaxRecent = 10
	// maxLocationLen bounds one remembered location, so a pasted blob
	// cannot bloat the preferences file.
	maxLocationLen = 4096
	// PrefRecent is the preferences key of the recent-locations list.
	PrefRecent = "recentLocations"
)

// recentList is the most-recently-opened locations, newest first, kept in
// the app's preferences. prefs may be nil (the list then lives in memory).
type recentList struct {
	prefs fyne.Preferences
	items []string
}

func newRecentList(prefs fyne.Preferences) *recentList {
	r := &recentList{prefs: prefs}
	if prefs != nil {
		for _, s := range prefs.StringList(PrefRecent) {
			r.items = appendUnique(r.items, s)
		}
	}
	return r
}

func appendUnique(items []string, s string) []string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxLocationLen || len(items) >= MaxRecent {
		return items
	}
	for _, it := range items {
		if it == s {
			return items
		}
	}
	return append(items, s)
}

// Items returns the list, newest first. The caller must not modify it.
func (r *recentList) Items() []string { return r.items }

// Add moves loc to the front (adding it if new) and persists the list.
func (r *recentList) Add(loc string) {
	loc = strings.TrimSpace(loc)
	if loc == "" || len(loc) > maxLocationLen {
		return
	}
	items := []string{loc}
	for _, it := range r.items {
		items = appendUnique(items, it)
	}
	r.items = items
	r.save()
}

// Clear empties the list.
func (r *recentList) Clear() {
	r.items = nil
	r.save()
}

func (r *recentList) save() {
	if r.prefs != nil {
		r.prefs.SetStringList(PrefRecent, append([]string(nil), r.items...))
	}
}
