module github.com/eddyplayer/eddy

go 1.26.0

require (
	fyne.io/fyne/v2 v2.7.1 // indirect
	github.com/ebitengine/purego v0.4.1 // indirect
	github.com/hajimehoshi/go-mp3 v0.3.4 // indirect
	github.com/hajimehoshi/oto/v2 v2.4.3 // indirect
	go.uber.org/goleak v1.3.0 // indirect
	golang.org/x/sys v0.30.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
