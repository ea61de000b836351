// Package playlist reads the metafiles Windows Media users open instead of
// media: ASX v3 playlists (.asx, .wax, .wvx, .wmx) and the INI-style
// [Reference] redirectors a Windows Media server sends to plain HTTP
// clients, and walks them as Windows Media Player does.
//
// The package has three layers:
//
//   - Parsing, pure and without I/O: Sniff tells whether bytes are a
//     metafile, Parse turns one into a Playlist. The ASX reader is a
//     forgiving, hand-rolled tokenizer (Windows Media Metafile Elements
//     Reference; sstr-asf digest 3.1): names are case-insensitive, values
//     may be unquoted or single-quoted, a stray '&' stays literal, tags
//     left open or closed out of order are repaired by the ASX content
//     model, and UTF-8, UTF-16 (with or without a BOM), Windows-1252 and
//     <?xml encoding=?> are honoured. Input is capped at MaxSize bytes and
//     MaxEntries entries; hostile input ends in an error or warnings,
//     never a panic or unbounded memory.
//   - Loading: Load fetches a metafile and Resolve splices in the entries
//     of its ENTRYREF targets (depth, fetch count and size bounded), both
//     through an injectable Fetch function.
//   - Walking: Flatten lists the entries once for a playlist panel and a
//     Cursor is the player's position in the show: REPEAT blocks (COUNT
//     absent = forever, without allocating), CLIENTSKIP, EVENT with
//     WHENDONE.
//
// Security: a metafile that came from the network (any base URL whose
// scheme is not file) never yields a local path or file:// URL, in a REF
// or an ENTRYREF; those are dropped with a warning. Only media schemes
// (http, https, mms, mmsh, mmst, mmsu, rtsp, rtspt, rtspu, and file for
// local metafiles) are kept as REFs, and MOREINFO, BANNER and LOGURL keep
// only http and https, so nothing a metafile says can make Eddy run a
// program. Warnings and errors print URLs redacted (url.URL.Redacted).
package playlist
