// Package smooth is the Smooth Streaming client (MS-SSTR): a manifest
// (transport/smooth/manifest) describes streams as fragmented-MP4
// fragments (transport/fmp4) at several qualities, fetched over plain
// HTTP.
//
// Every QualityLevel is a transport.Track; the qualities of a StreamIndex
// form one bit-rate group (transport.ExcludeBitrate), and the session is
// adaptive (Capabilities.Adaptive): given several qualities of a stream
// it chooses one per fragment from the measured throughput and the
// player's buffer (abr.go); given one, it plays that quality.
//
// One fetcher goroutine per selected stream downloads fragments in order
// into a bounded queue (a few fragments ahead), on the HTTP client's
// keep-alive connections; ReadSample merges the streams in decode order
// (a sparse caption stream's fragments join when they come, never holding
// the media back). Live fetchers pace themselves LookaheadCount fragments
// behind the estimated edge so that each fragment's tfrf keeps the
// timeline growing without fetching the manifest again.
// A fragment that answers 404 or 412 is retried with backoff (a live
// fragment not yet there) and, on demand, given up with a clear error
// after a few tries: never an endless retry.
package smooth
