package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// warmFonts loads the window's two font faces on another goroutine and
// closes the channel it returns when they are loaded (issue 12, start-up).
//
// Fyne loads a text style's faces at the first text it measures in that
// style, and keeps them: it parses the theme's font, indexes the fonts
// installed on the system (go-text reads fontconfig's XML configuration
// and checks each font file against its index cache) and parses the
// system's font for the user's language, the fallback. For the regular
// and the bold face, the only two the window uses (ui's
// TestWindowUsesTwoFaces), that was 40 ms of the main thread's time as
// the window was built. Loaded here, on another core, while the main
// thread makes the player and the window, it is done or nearly when the
// view is built.
//
// The caller waits for the channel before the first text of its own is
// measured: go-text's faces keep caches that two goroutines shaping text
// at once would both write. a is the running app, whose theme and driver
// measure the text.
func warmFonts(a fyne.App) <-chan struct{} {
	done := make(chan struct{})
	size := a.Settings().Theme().Size(theme.SizeNameText)
	go func() {
		defer close(done)
		for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
			fyne.MeasureText("Eddy", size, style)
		}
	}()
	return done
}
