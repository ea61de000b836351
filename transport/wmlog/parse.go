package wmlog

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits on parsed logs.
const (
	// MaxLogSize is the largest XML log ParseXML accepts.
	MaxLogSize = 1 << 20
	// MaxElements bounds the number of elements in a parsed XML log.
	MaxElements = 4096
)

// Parsed is an XML log as read back by ParseXML: what a server (or a test)
// sees of a client's log.
type Parsed struct {
	// Summary is the <Summary> text split into its W3C fields.
	Summary []string
	// Elements are the top-level field elements in document order.
	Elements []Pair
	// ContentDescription holds the <ContentDescription> pairs.
	ContentDescription []Pair
	// Blocks are other nested blocks (client-logging-data).
	Blocks []Namespace
}

// Get returns the value of the first top-level element named name.
func (p *Parsed) Get(name string) (string, bool) {
	for _, e := range p.Elements {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

// ParseXML reads an XML log (MS-WMLOG 2.4, 2.8). It checks the structure
// (root <XML>, a <Summary>, elements at most two levels deep), not the
// field values.
func ParseXML(b []byte) (*Parsed, error) {
	if len(b) > MaxLogSize {
		return nil, fmt.Errorf("%w: %d bytes > %d", ErrMalformed, len(b), MaxLogSize)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	p := &Parsed{}
	var (
		depth    int
		stack    [3]string
		text     strings.Builder
		elements int
		sawRoot  bool
		sawSum   bool
		block    = -1 // index in p.Blocks of the open depth-1 block
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth >= len(stack) {
				return nil, fmt.Errorf("%w: nesting deeper than %d", ErrMalformed, len(stack))
			}
			if elements++; elements > MaxElements {
				return nil, fmt.Errorf("%w: more than %d elements", ErrMalformed, MaxElements)
			}
			name := t.Name.Local
			switch depth {
			case 0:
				if name != "XML" || sawRoot {
					return nil, fmt.Errorf("%w: root element %q", ErrMalformed, name)
				}
				sawRoot = true
			case 2:
				switch stack[1] {
				case "ContentDescription":
				case "Summary":
					return nil, fmt.Errorf("%w: element %q inside Summary", ErrMalformed, name)
				default:
					if block < 0 {
						p.Blocks = append(p.Blocks, Namespace{Name: stack[1]})
						block = len(p.Blocks) - 1
					}
				}
			}
			stack[depth] = name
			depth++
			text.Reset()
		case xml.EndElement:
			depth--
			name := stack[depth]
			v := strings.TrimSpace(text.String())
			text.Reset()
			switch depth {
			case 1:
				switch {
				case name == "Summary":
					sawSum = true
					p.Summary = strings.Fields(v)
				case name == "ContentDescription":
				case block >= 0:
					block = -1
				default:
					p.Elements = append(p.Elements, Pair{Name: name, Value: v})
				}
			case 2:
				if stack[1] == "ContentDescription" {
					p.ContentDescription = append(p.ContentDescription, Pair{Name: name, Value: v})
				} else {
					p.Blocks[block].Fields = append(p.Blocks[block].Fields, Pair{Name: name, Value: v})
				}
			}
		case xml.CharData:
			if text.Len()+len(t) <= MaxLogSize {
				text.Write(t)
			}
		}
	}
	if !sawRoot || depth != 0 {
		return nil, fmt.Errorf("%w: no complete <XML> root", ErrMalformed)
	}
	if !sawSum {
		return nil, fmt.Errorf("%w: no <Summary>", ErrMalformed)
	}
	return p, nil
}
