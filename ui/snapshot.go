package ui

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Snapshot saves the picture on screen as a PNG file at the video's own
// size (not the window's) in the snapshot folder (Config.SnapshotDir, or
// the user's pictures folder), named after the title and the position:
// "Title 01m23s.png". The picture says that it went (a success is no
// warning for the status bar), the status bar why not. It is written at once, fast-compressed (tens of
// milliseconds for 720p, once per key press): the picture's memory is the
// next frame's.
func (v *View) Snapshot() {
	pic := v.video.pictureOf()
	if pic == nil {
		v.status.SetWarning("No picture to take a snapshot of")
		return
	}
	dir := v.snapshotDir
	if dir == "" {
		dir = picturesDir()
	}
	path, err := writePNG(dir, snapshotName(recordingName(v.media), v.st.Position), pic)
	if err != nil {
		v.status.SetWarning(oneLine("Snapshot not saved: " + err.Error()))
		return
	}
	v.lastSnapshot = path
	v.osd.show("Snapshot saved: " + filepath.Base(path))
}

// snapshotName is "Title 01m23s.png" from a recording name ("Title.asf")
// and the position.
func snapshotName(base string, at time.Duration) string {
	base = strings.TrimSuffix(base, ".asf")
	s := int64(at / time.Second)
	pos := fmt.Sprintf("%02dm%02ds", s/60, s%60)
	if s >= 3600 {
		pos = fmt.Sprintf("%dh%02dm%02ds", s/3600, s/60%60, s%60)
	}
	return base + " " + pos + ".png"
}

// writePNG writes img into dir as name, or "name (2).png" and so on when
// it exists (a snapshot never replaces a file), and returns the path.
func writePNG(dir, name string, img image.Image) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	stem := strings.TrimSuffix(name, ".png")
	for i := 1; i <= 1000; i++ {
		n := name
		if i > 1 {
			n = fmt.Sprintf("%s (%d).png", stem, i)
		}
		path := filepath.Join(dir, n)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if os.IsExist(err) {
			continue
		}
		if err != nil {
			return "", err
		}
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err := enc.Encode(f, img); err != nil {
			f.Close()
			os.Remove(path)
			return "", err
		}
		return path, f.Close()
	}
	return "", fmt.Errorf("%s: too many snapshots of that name", filepath.Join(dir, name))
}

// picturesDir is the user's pictures folder (XDG_PICTURES_DIR, else
// ~/Pictures), or the home folder.
func picturesDir() string {
	if d := os.Getenv("XDG_PICTURES_DIR"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return os.TempDir()
	}
	if st, err := os.Stat(filepath.Join(home, "Pictures")); err == nil && st.IsDir() {
		return filepath.Join(home, "Pictures")
	}
	return home
}
