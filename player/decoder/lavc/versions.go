//go:build cgo

package lavc

/*
#cgo pkg-config: libavcodec libavutil libswresample libswscale
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
*/
import "C"

import "fmt"

// Libraries returns the FFmpeg libraries this package links, each with
// the version the library itself reports at run time (avcodec_version(),
// avutil_version(), swresample_version(), swscale_version()), which is
// the installed library's, not the headers' Eddy was built with:
// "libavcodec 59.37.100", then libavutil, libswresample and libswscale.
func Libraries() []string {
	return []string{
		libVersion("libavcodec", uint(C.avcodec_version())),
		libVersion("libavutil", uint(C.avutil_version())),
		libVersion("libswresample", uint(C.swresample_version())),
		libVersion("libswscale", uint(C.swscale_version())),
	}
}

// libVersion writes an FFmpeg AV_VERSION_INT (major<<16 | minor<<8 |
// micro) as "name major.minor.micro".
func libVersion(name string, v uint) string {
	return fmt.Sprintf("%s %d.%d.%d", name, v>>16, v>>8&0xff, v&0xff)
}
