package fmp4

import "fmt"

// containers are the boxes Walk descends into: those whose payload is
// only boxes (ISO/IEC 14496-12 8.2.1, 8.3.1, 8.4.1, 8.4.4, 8.5.1, 8.7.1,
// 8.8.1, 8.8.4, 8.8.6).
var containers = map[BoxType]bool{
	TypeMoov: true, TypeTrak: true, TypeMdia: true, TypeMinf: true, TypeStbl: true,
	{'d', 'i', 'n', 'f'}: true, {'e', 'd', 't', 's'}: true, TypeMvex: true, TypeMoof: true, TypeTraf: true,
}

// Walk calls fn for every box of b in depth-first order, descending into
// the plain container boxes (moov, trak, mdia, minf, stbl, dinf, edts,
// mvex, moof, traf) at most MaxDepth levels deep: deeper nesting is
// ErrTooDeep. depth is 0 for the top level; payload aliases b. An error
// from fn stops the walk and is returned.
func Walk(b []byte, fn func(depth int, h BoxHeader, payload []byte) error) error {
	return walk(b, 0, fn)
}

func walk(b []byte, depth int, fn func(int, BoxHeader, []byte) error) error {
	if depth >= MaxDepth {
		return fmt.Errorf("%w: more than %d levels", ErrTooDeep, MaxDepth)
	}
	return forEachBox(b, func(c childBox) error {
		if err := fn(depth, c.BoxHeader, c.payload); err != nil {
			return err
		}
		if containers[c.Type] {
			if err := walk(c.payload, depth+1, fn); err != nil {
				return fmt.Errorf("%s: %w", c.Type, err)
			}
		}
		return nil
	})
}
