package smooth

import "github.com/eddyplayer/eddy/transport"

// TimelineLen is how many fragments s (a session of this package) holds
// in the timeline of its stream name: the live tests check that the DVR
// window bounds it.
func TimelineLen(s transport.Session, name string) int {
	ss := s.(*session)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for _, st := range ss.streams {
		if st.si.Name == name {
			return st.si.Len()
		}
	}
	return -1
}
