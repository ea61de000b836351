package ui

import (
	"fmt"
	"math"
	"strings"

	"github.com/eddyplayer/eddy/player/audio"
)

// speedStep is how much [ and ] change the playback speed.
const speedStep = 0.25

// changeSpeed moves the playback speed by d, within 0.5×–2×.
func (v *View) changeSpeed(d float64) {
	v.setSpeed(math.Round((v.currentSpeed()+d)/speedStep) * speedStep)
}

// currentSpeed is the speed the keys count from: the one last asked for
// while the player still reports the speed it reported then (it reports
// a new speed with its next event, and while paused none comes), else
// the player's.
func (v *View) currentSpeed() float64 {
	cur := v.st.Speed
	if v.speedAsked > 0 && cur == v.speedBase {
		cur = v.speedAsked
	}
	if cur <= 0 {
		cur = 1
	}
	return cur
}

// setSpeed asks for speed s (clamped to 0.5×–2×) and says it on the
// picture.
func (v *View) setSpeed(s float64) {
	s = max(min(s, audio.MaxSpeed), audio.MinSpeed)
	v.ctl.SetSpeed(s)
	v.speedAsked, v.speedBase = s, v.st.Speed
	v.osd.show("Speed " + speedText(s))
}

// speedText is "1.25×".
func speedText(s float64) string {
	t := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", s), "0"), ".")
	return t + "×"
}
