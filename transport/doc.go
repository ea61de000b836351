// Package transport holds the vocabulary shared by every protocol client in
// Eddy: media tracks, codecs, samples, the Session a protocol client opens, and
// the Registry that maps a URL to the client that can open it.
//
// A protocol package (transport/progressive, transport/mmsh, ...) provides a
// Dialer. The player builds a Registry in main, asks it to Dial a URL, chooses
// tracks (ChooseTracks: the player alone decides) and has the session apply
// them with Session.Select, calls Play and then pulls decoded-ready samples
// with ReadSample until io.EOF. On ErrInfoChanged (a new presentation) it
// chooses again for the new Info and calls Select before reading on. What
// the session can do with the content (fast forward, playlist skipping,
// stream switching) is Info.Caps; its counters are Stats.
//
//	reg := transport.NewRegistry()
//	reg.Register("file", progressive.MatchFile, progressive.FileDialer{})
//	s, err := reg.Dial(ctx, "/music/song.wma", transport.Config{})
//	...
//	s.Select(ctx, transport.ChooseTracks(s.Info(), 0, transport.Preferences{}))
//	s.Play(ctx, 0)
//	for {
//		smp, err := s.ReadSample(ctx)
//		if errors.Is(err, io.EOF) { break }
//		if errors.Is(err, transport.ErrInfoChanged) {
//			s.Select(ctx, transport.ChooseTracks(s.Info(), 0, transport.Preferences{}))
//			continue
//		}
//		...
//	}
//
// Nothing here imports a GUI or audio library.
package transport
