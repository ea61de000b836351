package wms

import (
	"crypto/rand"
	"fmt"
)

// NewGUID returns a random (version 4) GUID in the registry format with
// braces, "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}": the form of a client
// GUID (MS-WMSP xClientGUID 2.2.1.4.33, MS-RTSP X-Client-GUID, the
// c-playerid of MS-WMLOG logs).
func NewGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("{%08X-%04X-%04X-%04X-%012X}", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
