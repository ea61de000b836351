package asf

import (
	"fmt"
	"time"
)

// ScriptCommand is one command of the Script Command Object (ASF spec §3.6),
// e.g. Type "URL" with a web address, or "FILENAME".
type ScriptCommand struct {
	// Time is the presentation time with the preroll removed (the stored
	// value is ms including the preroll).
	Time    time.Duration
	Type    string
	Command string
}

// parseScriptCommands reads the Script Command Object: Reserved GUID,
// Commands Count WORD, Command Types Count WORD, Command Types {Name Length
// WORD (WCHARs), Name}, Commands {Presentation Time DWORD (ms), Type Index
// WORD, Name Length WORD (WCHARs), Name}. It also returns the raw times.
func parseScriptCommands(body []byte) ([]ScriptCommand, []uint32, error) {
	r := newReader(body)
	r.guid()
	nCmd := int(r.u16())
	nType := int(r.u16())
	if r.err != nil {
		return nil, nil, r.err
	}
	if nType*2+nCmd*8 > r.remaining() {
		return nil, nil, fmt.Errorf("%w: %d command types and %d commands in %d bytes", ErrTruncated, nType, nCmd, r.remaining())
	}
	types := make([]string, 0, nType)
	for i := 0; i < nType && r.err == nil; i++ {
		types = append(types, r.wchars(int(r.u16())))
	}
	cmds := make([]ScriptCommand, 0, nCmd)
	raw := make([]uint32, 0, nCmd)
	for i := 0; i < nCmd && r.err == nil; i++ {
		t := r.u32()
		idx := int(r.u16())
		c := ScriptCommand{Command: r.wchars(int(r.u16()))}
		if idx < len(types) {
			c.Type = types[idx]
		}
		if r.err == nil {
			cmds = append(cmds, c)
			raw = append(raw, t)
		}
	}
	if r.err != nil {
		return nil, nil, r.err
	}
	return cmds, raw, nil
}
