// Package progressive plays ASF files from random-access sources: local
// files (paths and file:// URLs), HTTP(S) progressive download (seeking by
// Range requests, the index read from the end of the file), and in-memory
// assets such as Eddy's built-in demo.
//
// An HTTP response that turns out to come from a Windows Media server
// (application/vnd.ms.wms-hdr.asfv1, application/x-mms-framed, a Cougar or
// WMServer Server header) is handed back to the registry as a
// *transport.RedirectError pointing at the MMSH client. A body, or a local
// file, that is a playlist metafile (an ASX playlist or a [Reference]
// redirector, recognised by transport/playlist.Sniff) is returned whole
// (at most playlist.MaxSize bytes) as a *transport.MetafileError, for the
// caller to open with transport/playlist.
//
// Hostile or broken servers end in bounded time with an error that says
// what happened:
//
//   - Dial, as a whole, gives up after transport.Config.Timeout (or when its
//     context ends): the response headers and every byte of the ASF header
//     must arrive within it.
//   - After that, every read the demuxer makes (a data packet, an index)
//     must get its bytes within the timeout, measured from the read's start,
//     so a stall ("no data for 5s") and a drip ("data arriving too slowly:
//     12 bytes in 5s where 3200 were needed") both end within the timeout.
//     A blocked ReadSample also returns when its context is cancelled.
//   - A body that ends before its declared length (Content-Length,
//     Content-Range) is resumed with a Range request (RFC 9110 14.2), at
//     most three times in a row without progress; otherwise the error wraps
//     transport.ErrTruncated ("the server closed the connection after N of
//     M bytes"). A file, local or remote, that holds fewer data packets than
//     its ASF header declares plays the packets it has, then ReadSample
//     returns an error wrapping transport.ErrTruncated instead of io.EOF.
package progressive
