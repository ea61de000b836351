// Package wmlog builds Windows Media play logs ([MS-WMLOG]): the W3C field
// lines (log_data44, log_data52; MS-WMLOG 2.2), the XML form POSTed to
// Windows Media Services as application/x-wms-LogStats (MS-WMLOG 2.4), the
// "MX_STATS_LogLine:" body sent to a web-server log URL (MS-WMLOG 2.3) and the
// connect-time log (MS-WMLOG 2.8).
//
// A Record holds the client's measured facts once; Record.Fields renders them
// for one log kind (legacy, streaming or rendering, MS-WMLOG 2.5–2.7), which
// fixes the values the spec prescribes per kind ("-" for server-owned fields,
// "0.0.0.0" for c-ip, ...). Values are sanitised as MS-WMLOG 2.2 requires:
// spaces become "_", empty values "-", URLs are percent-encoded.
//
//	rec := wmlog.Record{Time: now, URIStem: "http://host/a.wma", ...}
//	body := rec.XML(wmlog.Legacy)        // POST with ContentType
//	line := rec.W3C(wmlog.Legacy)        // Pragma: log-line=<line>
//	web := rec.WebServer(wmlog.Legacy)   // POST to an ASX LOGURL
//
// A Period follows one logged stretch of streaming as the protocol client
// receives it, and Period.Fill sets the Record fields it measures (c-bytes,
// losses, avgbandwidth, x-duration, c-starttime, c-buffercount):
//
//	o.period.Start(now, from, rate, facts)
//	o.period.Bytes += n; o.period.Lost(gap); o.period.Sample(pts)
//	rec := wmlog.Record{Time: now, Protocol: "rtsp", Transport: "UDP", ...}
//	o.period.Fill(&rec, playerFacts, broadcast)
//
// The package is protocol-neutral: MS-WMSP (transport/mmsh) and MS-RTSP
// clients share it. It does no I/O except reading the OS version in
// DefaultHost.
package wmlog
