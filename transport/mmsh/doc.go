// Package mmsh is a client of the Windows Media HTTP Streaming Protocol
// ([MS-WMSP], "MMS over HTTP", mmsh://): the whole client side, not the
// Describe-and-Play subset other players implement.
//
//	reg := transport.NewRegistry()
//	mmsh.Register(reg, &mmsh.Dialer{PlayerVersion: "0.3"})
//	s, err := reg.Dial(ctx, "mmsh://server/live", transport.Config{
//		ClientID:    persistedGUID, // xClientGUID, one per installation
//		Credentials: creds,         // asked for after a *transport.AuthRequiredError
//	})
//	ids := transport.ChooseTracks(s.Info(), bandwidth, prefs)
//	s.Select(ctx, ids)
//	s.Play(ctx, 0)
//	for {
//		smp, err := s.ReadSample(ctx) // io.EOF, transport.ErrInfoChanged
//		if errors.Is(err, transport.ErrInfoChanged) {
//			// A new entry: choose for it; its SelectStream or
//			// PlayNextEntry goes out with this choice.
//			s.Select(ctx, transport.ChooseTracks(s.Info(), bandwidth, prefs))
//		}
//		...
//	}
//	s.Close() // Stop, then the play log
//
// What it does:
//
//   - Requests shaped like Windows Media Player's (D4 of the digest):
//     NSPlayer User-Agent, one xClientGUID per session (Config.ClientID),
//     the server's client-id on every request, request-context numbering,
//     tokens gated on the server version; Describe (following 300–305
//     redirects), Play with every stream listed in stream-switch-entry.
//   - Non-pipelined mode (side requests on connections of their own, Stop
//     by closing) and pipelined mode after the pipeline experiment ($T,
//     pipeline-result): Play, Stop, Log, SelectStream, PlayNextEntry and
//     OPTIONS KeepAlives on one connection, responses matched in order.
//   - The framing reader for $H $D $E $C $M $P $T (B bit masked,
//     PacketLength checked per type, $P sized by position), $H/$M
//     reassembly, ASF padding restored to the packet size, LocationId gaps
//     counted as loss, $D of another incarnation dropped.
//   - Seeking by stream-time, or by packet number and byte offset when the
//     server does not announce "seekable"; pause (Stop, Log, KeepAlives
//     from the server's timeout) and resume; rate where "stridable";
//     broadcasts joined at the live point and never seeked.
//   - Stream switching during playback with SelectStream (the changed
//     streams only, A:B:0 inside an exclusion group), or a Play at the
//     position reached when the server lacks sswitch.
//   - Fast start: LinkBW from the packet-pair measurement or
//     Config.Bandwidth, AccelBW/AccelDuration from the buffer target,
//     Advanced Fast Start (X-StartupProfile, transport.StartupAdvisor),
//     Speed only where fastcache is supported.
//   - Server-side playlists: $E reasons, $C and the next entry's $M/$H
//     (transport.ErrInfoChanged with the entry's titles), SelectStream or
//     PlayNextEntry for the new entry with the streams the consumer then
//     selects (the session never chooses), predictive selection, pl-offset
//     skips (transport.PlaylistNavigator). What the content allows (rate,
//     skips) is reported in Info.Caps from the server's features.
//   - Cookies (a jar shared with HTTP and RTSP, package wms), proxies
//     (Dialer.Proxy, the HTTP client's proxy, 305), Basic, Digest, NTLM and
//     Negotiate (NTLMSSP, package auth) for server and proxy;
//     *transport.AuthRequiredError when credentials are missing or wrong.
//   - Play logs (MS-WMLOG, package wmlog) after $E, Stop and seeks: XML to
//     Windows Media Services 9+, the log-line Pragma to older servers, a
//     remote-log SendEvent with a rendering log when Speed was used on a
//     subscribed server, web-server logs to Dialer.LogURLs and
//     PlaybackFacts.LogURLs. Player-side facts come in through
//     transport.PlaybackReporter. A failed log never stops playback.
//   - A dropped stream is resumed at the next packet (on demand) or
//     rejoined at the live point (broadcast), a connection silent for half
//     of Config.Timeout too; packets a server resends after a resume are
//     dropped, not played twice (Counters). Reconnections back off, are
//     bounded in a row without progress (ErrNoProgress) and per minute,
//     and a stream with no new data packet for Config.Timeout ends
//     (ErrTimeout) saying what came: nothing, a few bytes, or only packets
//     already received. Timers are the time package's; tests run sessions
//     in a testing/synctest bubble.
//   - A new ASF header in the middle of the data without $C (a server
//     looping its source) is a new entry: transport.ErrInfoChanged, new
//     tracks, counted in Counters.
//   - Malformed framing, error statuses and failure HRESULTs end the
//     session with an error naming the server, the request and the cause.
//
// Concurrency: one owner goroutine per session holds the protocol state
// (style guide §8); a reader goroutine per streaming connection and a side
// worker for requests on their own connections report to it through
// bounded channels. Every queue is bounded; when the reader of ReadSample
// falls behind, TCP flow control slows the server.
//
// mms:// reaches this client as the last step of Windows Media Player's
// rollover (cmd/internal/wiring: RTSP, then MS-MMSP, then MMS over HTTP
// on port 80). Not done: Negotiate carries NTLMSSP only (no Kerberos).
// See CHECKLIST.md for
// every client rule of the spec and the test that covers it.
package mmsh
