// Package progressive plays ASF files from random-access sources: local
// files (paths and file:// URLs), HTTP(S) progressive download (seeking by
// Range requests, the index read from the end of the file), and in-memory
// assets such as Eddy's built-in demo.
//
// An HTTP response that turns out to come from a Windows Media server
// (application/vnd.ms.wms-hdr.asfv1, application/x-mms-framed, a Cougar or
// WMServer Server header) or a [Reference] redirector is handed back to the
// registry as a *transport.RedirectError pointing at the MMSH client.
package progressive
