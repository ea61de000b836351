package playlist

// Clone returns an independent copy of c: the player walks it ahead to
// open the next entry while the current one plays, and adopts it when
// the current one ends.
func (c *Cursor) Clone() *Cursor {
	d := &Cursor{pl: c.pl, main: c.main.clone()}
	if c.ev != nil {
		d.ev = &eventRun{ev: c.ev.ev, w: c.ev.w.clone()}
	}
	return d
}

func (w walker) clone() walker {
	w.iter = append([]int(nil), w.iter...)
	return w
}
