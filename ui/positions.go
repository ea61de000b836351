package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/eddyplayer/eddy/player"
)

// maxPositions bounds the positions remembered: the oldest goes first.
const maxPositions = 200

// Positions keeps where presentations were left (player.Config.Resume) in
// the app's preferences, so a file opened again the next day starts
// where it was left: by a hash of the URL (no address is stored in the
// clear), at most maxPositions, the built-in demo never.
type Positions struct {
	p fyne.Preferences
}

var _ player.Positions = (*Positions)(nil)

// NewPositions keeps positions in p (fyne.App.Preferences).
func NewPositions(p fyne.Preferences) *Positions { return &Positions{p: p} }

const positionsOrder = "resume.order"

func positionKey(url string) string {
	h := sha256.Sum256([]byte(url))
	return "resume." + hex.EncodeToString(h[:12])
}

// Position implements player.Positions.
func (s *Positions) Position(url string) (time.Duration, bool) {
	if remembered(url) {
		if ms := s.p.Int(positionKey(url)); ms > 0 {
			return time.Duration(ms) * time.Millisecond, true
		}
	}
	return 0, false
}

// SetPosition implements player.Positions.
func (s *Positions) SetPosition(url string, at time.Duration) {
	if !remembered(url) {
		return
	}
	k := positionKey(url)
	order := slices.DeleteFunc(s.p.StringList(positionsOrder), func(x string) bool { return x == k })
	if at <= 0 {
		s.p.RemoveValue(k)
		s.p.SetStringList(positionsOrder, order)
		return
	}
	s.p.SetInt(k, int(at/time.Millisecond))
	order = append(order, k)
	for len(order) > maxPositions {
		s.p.RemoveValue(order[0])
		order = order[1:]
	}
	s.p.SetStringList(positionsOrder, order)
}

// remembered: the built-in demo is not (it is a short showcase).
func remembered(url string) bool { return !strings.HasPrefix(url, "demo:") }
