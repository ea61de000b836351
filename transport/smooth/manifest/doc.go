// Package manifest reads the Smooth Streaming manifest ([MS-SSTR] 2.2.2,
// the answer to GET .../Name.ism/Manifest) and answers what a client
// needs from it: the presentation (duration, live, DVR window), its
// streams (video, audio, sparse text) and their quality levels, each
// stream's timeline of fragments with the run-length rules of 2.2.2.6 and
// 3.1.5.1 applied, the URL of any fragment of any quality level
// (2.2.2.4, 3.1.4.2), and each quality level as a transport.Track with
// the decoder configuration its CodecPrivateData gives.
//
//	m, err := manifest.Parse(body) // errors.Is(err, manifest.ErrProtected) for PlayReady
//	for _, s := range m.Streams {
//		for f := range s.All() { // Start/Duration in s.TimeScale units
//			u, _ := s.FragmentURL(manifestURL, s.QualityLevels[0], f.Start)
//			…
//		}
//	}
//
// A live client extends a stream's timeline with the fragments a tfrf box
// announces, or a refreshed manifest lists (StreamIndex.Extend), and
// drops those that left the DVR window (TrimBefore). Sniff tells a manifest from other HTTP answers. Input is
// bounded (MaxManifestSize and the other Max constants); times are
// uint64 and their conversions to time.Duration cannot overflow. The
// package does no I/O. A Manifest is a plain value: Extend and TrimBefore
// change a stream's timeline, so a caller that shares one between
// goroutines guards it.
package manifest
