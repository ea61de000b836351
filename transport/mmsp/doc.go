// Package mmsp is a client of the Microsoft Media Server protocol
// ([MS-MMSP], mmst:// and mmsu://): a TCP control connection on port 1755
// carrying TcpMessageHeader packets (2.2.3) and the messages of 2.2.4, the
// ASF data in Data packets (2.2.2) on that connection (MMST) or over UDP
// (MMSU).
//
//	reg := transport.NewRegistry()
//	mmsp.Register(reg, &mmsp.Dialer{PlayerVersion: "0.1.0", Language: "en-US"})
//	s, err := reg.Dial(ctx, "mmsu://server/live", transport.Config{})
//	s.Select(ctx, transport.ChooseTracks(s.Info(), bandwidth, prefs))
//	s.Play(ctx, 0)
//	for { smp, err := s.ReadSample(ctx) ... } // io.EOF, transport.ErrInfoChanged
//	s.Close() // StopPlaying, the play log, CloseFile
//
// What it does:
//
//   - The codec: Parse and AppendPacket for every client and server
//     message, Reader for the TCP connection (messages and Data packets
//     told apart by the sessionId, 3.1.5.2; lengths checked against the
//     bytes and a 64 KiB bound; undefined MIDs skipped and counted),
//     ParseData/AppendData for UDP datagrams, RequestPacketListResend
//     (2.2.5), CLIENT_LOG (2.2.1). The fake server in mmsptest shares it.
//   - The sequence of 3.1: LinkViewerToMacConnect with an NSPlayer/9.0
//     subscriberName and the session's GUID (Config.ClientID), FunnelInfo
//     (the Client-ID for resends), ConnectFunnel (TCP, or UDP on a port of
//     the client's own; a refused UDP funnel falls back to TCP on the
//     same connection, 3.1.5.5), OpenFile (the path, not
//     percent-encoded), ReadBlock and the ASF file header reassembled from
//     Data packets (over UDP under the Header timer: CancelReadBlock and
//     ReadBlock again, at most 4 retries, 3.1.6.1), StreamSwitch with the
//     complete selection then StartPlaying, pings answered.
//   - Packet-pair bandwidth estimation (3.1.5.4, 3.1.5.11, 4.4): the
//     client asks for it (Connect MMS_USE_PACKET_PAIR; FunnelInfo
//     MMS_PACKET_PAIR_TCP_HIGH_ENTROPY for mmst://,
//     MMS_PACKET_PAIR_UDP_HIGH_ENTROPY for mmsu://; Dialer.DisablePacketPair
//     turns it off) and times the first two of the three ReportFunnelInfo
//     over TCP, or the two packet-pair Data packets over UDP; the second
//     packet's bits over the gap (wms.PacketPairBandwidth), with a zero
//     gap, a lost packet, a size no pair has or a rate beyond 10 Gbit/s
//     measuring nothing. The estimate is Stats().BandwidthBps (what the
//     player's automatic stream choice reads when Config.Bandwidth is 0)
//     and Counters().PacketPairBps.
//   - Fast start (3.1.4.2.1, 2.2.4.25) to servers of version 9 or later:
//     StartPlaying's dwLinkBandwidth (Config.Bandwidth, else the
//     packet-pair estimate), dwAccelBandwidth and dwAccelDuration
//     (wms.FastStart: the buffer filled at the link's rate, never above
//     it; as fast as possible for twice the buffer when the rate is
//     unknown); Dialer.DisableFastStart turns it off. MS-MMSP has no
//     Advanced Fast Start (1.6) and no message granting fast start:
//     Stats().FastStart reports that it was asked for.
//   - mmsu:// moves to TCP on a new connection when no UDP data comes
//     (ErrUDPBlocked): with a UDP packet pair agreed, when neither pair
//     packet nor a header piece arrives within the Header timer while the
//     ReportReadBlock the server sends after the pair (3.2.5.8) arrives
//     over TCP; without one, after the Header timer's retries (3.1.6.1).
//     It remembers the host for the Dialer's life; Dialer.UDPOnly fails
//     instead. Config.UDPPorts bounds the data port; none free is
//     ErrUDPBlocked too.
//   - Stream switching during playback with the changed streams only
//     (3.1.4.3); seeks by time (position) or, where the server cannot
//     seek by time, by packet number (locationId); pause (StopPlaying, the
//     log, the ReportEndOfStream that answers it); broadcasts (not
//     seekable); server-side playlists (ReportEndOfStream hr 1,
//     ReportStreamChange, the next header: transport.ErrInfoChanged; over
//     UDP a ReadBlock, the consumer's Select and a StartPlaying).
//   - ReportRedirect (3.1.5.7): RedirectType 1 as a
//     *transport.RedirectError (the caller opens the URL), or through the
//     proxy when one is used; RedirectType 2 connects to the MMS proxy it
//     names (a Connect whose subscriberName names the server in its
//     host-param and host-string, 2.2.4.17) or, empty, straight to the
//     server again. At most 5 redirects; one repeated is a loop, an
//     error. The client-guid stays the session's throughout.
//   - Over UDP: datagrams from another address than the server's dropped
//     and counted (Counters.WrongSource); losses found from the AFFlags
//     sequence asked for again with RequestPacketListResend (3.1.4.7) and
//     waited for a bounded time; data that a TCP ReportEndOfStream
//     overtakes still taken.
//   - Basic and NTLM authentication (4.6; NTLMSSP from package auth), a
//     *transport.AuthRequiredError without or with refused credentials.
//   - Play logs: LinkViewerToMacLogging with a CLIENT_LOG at the end of
//     every streamed period (end of stream, stop, seek, close), its
//     numbers from wmlog.Period; the same log as MS-WMLOG to the player's
//     web log URLs (PlaybackFacts.LogURLs, an ASX LOGURL).
//   - Every read has a deadline (Config.Timeout): a server that stops
//     answering a request or sending data ends the session with
//     ErrTimeout; malformed bytes with ErrMalformed or ErrProtocol; a
//     failure HRESULT with *HRError.
//
// Concurrency: one owner goroutine per session holds the protocol state; a
// TCP reader and, for MMSU, a UDP reader hand it what arrives through a
// bounded channel; the owner stops taking packets while 512 samples wait
// for ReadSample.
//
// Not done: StartStriding (fast forward and rewind), an MMS proxy set by
// the user (only servers name one).
package mmsp
