// Package alsatest makes ALSA test devices that need no sound card:
// ALSA's file PCM, which writes the raw PCM it is given to a file and
// plays it on the null PCM. alsa-lib reads the configuration named by
// ALSA_CONFIG_PATH; point it at Write's before the process's first ALSA
// call, or with t.Setenv (alsa-lib reads the files again when the list
// changes).
package alsatest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Device is a test device: Name is its PCM name, Output the file that
// receives what it plays.
type Device struct {
	Name        string
	Description string
	Output      string
}

// Write writes asound.conf into dir: the system's alsa.conf, a default
// PCM that plays nothing (so that nothing depends on the machine's sound
// card), and one file PCM per name, each with a hint section (so that
// alsa-lib's name hints, and `aplay -L`, list it) described as "Eddy test
// NAME", writing to dir/NAME.raw. It returns the configuration's path and
// the devices.
func Write(dir string, names ...string) (string, []Device, error) {
	var b strings.Builder
	b.WriteString("</usr/share/alsa/alsa.conf>\npcm.!default { type null }\n")
	var devs []Device
	for _, n := range names {
		d := Device{Name: n, Description: "Eddy test " + n, Output: filepath.Join(dir, n+".raw")}
		fmt.Fprintf(&b, "pcm.%s {\n\ttype file\n\tslave.pcm \"null\"\n\tfile %q\n\tformat \"raw\"\n\thint { show on description %q }\n}\n",
			d.Name, d.Output, d.Description)
		devs = append(devs, d)
	}
	conf := filepath.Join(dir, "asound.conf")
	if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
		return "", nil, err
	}
	return conf, devs, nil
}
