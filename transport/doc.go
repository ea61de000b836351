// Package transport holds the vocabulary shared by every protocol client in
// Eddy: media tracks, codecs, samples, the Session a protocol client opens, and
// the Registry that maps a URL to the client that can open it.
//
// A protocol package (transport/progressive, transport/mmsh, ...) provides a
// Dialer. The player builds a Registry in main, asks it to Dial a URL, picks
// tracks with Session.Select, calls Play and then pulls decoded-ready samples
// with ReadSample until io.EOF.
//
//	reg := transport.NewRegistry()
//	reg.Register("file", progressive.MatchFile, progressive.FileDialer{})
//	s, err := reg.Dial(ctx, "/music/song.wma", transport.Config{})
//	...
//	s.Select([]int{1})
//	s.Play(ctx, 0)
//	for {
//		smp, err := s.ReadSample(ctx)
//		if errors.Is(err, io.EOF) { break }
//		...
//	}
//
// Nothing here imports a GUI or audio library.
package transport
