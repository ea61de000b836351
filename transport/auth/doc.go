// Package auth answers HTTP access-authentication challenges (RFC 2617,
// RFC 7616, NTLM over HTTP per [MS-NLMP]) for the Windows Media streaming
// protocols: MS-WMSP requests over HTTP ([MS-WMSP] 2.1, 3.1.5.3) and MS-RTSP
// requests, which use the same schemes and headers ([MS-RTSP] 2.2.6,
// 3.1.5.3).
//
// It works on header values, not on a protocol's message type: the caller
// hands in the WWW-Authenticate or Proxy-Authenticate values of a 401/407
// response, and gets back the Authorization or Proxy-Authorization value to
// put on the request it sends again (on the same connection when it can:
// NTLM and Negotiate are bound to their connection).
//
//	c := auth.NewClient(cfg.Credentials, nil) // auth.DefaultSchemes
//	req.Set(auth.AcceptHeader(false), auth.AcceptValue(c.Schemes()))
//	if a, ok := c.Preempt(false, "DESCRIBE", uri); ok {
//		req.Set(a.Header, a.Value) // a scheme that worked before
//	}
//	// ... a 401 came back:
//	a, ok, err := c.Respond(false, "DESCRIBE", uri, resp.Values(auth.ChallengeHeader(false)), sent)
//	if err != nil || !ok {
//		return c.RequiredError(url, false, sent, resp.Values(auth.ChallengeHeader(false)))
//	}
//	req.Set(a.Header, a.Value) // and Connection: Keep-Alive when a.KeepAlive
//
// The package keeps no credentials in errors and does no I/O.
package auth
