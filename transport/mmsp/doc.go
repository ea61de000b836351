// Package mmsp is a client of the Microsoft Media Server protocol
// ([MS-MMSP], mmst:// and mmsu://): the TCP control connection with its
// TcpMessageHeader framing (2.2.3) and messages (2.2.4), ASF data in Data
// packets (2.2.2) on the TCP connection (MMST) or over UDP (MMSU).
//
// The codec (Parse, AppendPacket, Reader, ParseData, AppendData,
// ClientLog) is shared with the fake server in mmsptest.
package mmsp
