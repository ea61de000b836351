// Package mmshtest is a loopback MS-WMSP (MMS over HTTP) server for tests,
// in the manner of net/http/httptest. It follows the server side of
// [MS-WMSP] closely enough to exercise a client completely:
//
//   - Describe with the packet-pair experiment (three $P, 2.2.3.7),
//     pipeline-experiment, $M metadata with a content description list for
//     clients >= 9.0 of a Cougar >= 9 server, fragmented $H;
//   - the pipeline test ($T, pipeline-result) and pipelined mode: chunked
//     Play responses, Stop, SelectStream and PlayNextEntry on the Play
//     connection, Log/KeepAlive answers queued behind the stream;
//   - Play with stream-switch-entry honoured (payloads of unselected
//     streams removed, padding stripped), stream-time / packet-num /
//     stream-offset with the 3.2.5.6 precedence, broadcast (live point,
//     virtual LocationIds), AccelBW/AccelDuration bursts with the B bit,
//     X-StartupProfile, Speed with fastcache; a negative rate on
//     stridable content streams backwards (key frame by key frame where
//     the Simple Index names them, else packet by packet) and ends with
//     NS_S_EOS_RECEDING, or with the reverse $C into the previous
//     playlist entry;
//   - server-side playlists: $E S_FALSE, $C, the next entry's $M/$H, and
//     a wait for SelectStream/PlayNextEntry unless predictive;
//   - sessions (client-id) that expire after the advertised timeout, so a
//     late Play gets xResetStrm=1;
//   - Basic, Digest, NTLM and Negotiate challenges, as origin or proxy;
//     redirects; faults (dropped connections, stalls, garbage, lying
//     lengths, error statuses, $E failure HRESULTs).
//
// Every request is recorded verbatim (header lines in order) so tests can
// assert the exact shape of what a client sends, including its play logs.
//
//	srv, _ := mmshtest.NewServer(mmshtest.Options{})
//	defer srv.Close()
//	c, _ := mmshtest.File(asfBytes)
//	srv.Handle("/a.wma", c)
//	sess, err := (&mmsh.Dialer{}).Dial(ctx, srv.URL+"/a.wma", transport.Config{})
//	...
//	logs := srv.RequestsOf("Log")
//
// NewPipeServer serves over in-memory pipes instead of TCP, for tests that
// run inside a testing/synctest bubble and let virtual time pass
// (keepalives, stall detection, reconnection backoff).
package mmshtest
