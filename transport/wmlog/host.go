package wmlog

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// DefaultHost describes this machine and program: c-hostexe is the
// executable's base name, c-os the operating system ("Linux", "Windows",
// "Darwin", ...), c-osversion the kernel release reduced to the
// ver_major "." ver_minor ["." n "." n] form MS-WMLOG 2.1.11 requires, c-cpu
// the architecture. exeVersion is the host application's version
// (c-hostexever, 2.1.7), e.g. the player version.
func DefaultHost(exeVersion string) Host {
	exe := "eddy"
	if p, err := os.Executable(); err == nil {
		exe = filepath.Base(p)
	}
	return Host{
		Exe:        exe,
		ExeVersion: Version(exeVersion),
		OS:         osName(runtime.GOOS),
		OSVersion:  Version(osRelease()),
		CPU:        runtime.GOARCH,
	}
}

func osName(goos string) string {
	if goos == "" {
		return "-"
	}
	return strings.ToUpper(goos[:1]) + goos[1:]
}

// osRelease returns the kernel release on Linux, "" elsewhere.
func osRelease() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// Version reduces a version string to the MS-WMLOG version syntax
// (ver_major "." ver_minor, where ver_minor = 1*2DIGIT ["." 1*4DIGIT "."
// 1*4DIGIT]): the leading numeric components are kept, "6.18.44-fc" becomes
// "6.18.44.0", "v0.3" becomes "0.3", anything without digits "0.0".
func Version(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	var parts []string
	for _, p := range strings.Split(s, ".") {
		n := 0
		for n < len(p) && p[n] >= '0' && p[n] <= '9' {
			n++
		}
		if n == 0 {
			break
		}
		parts = append(parts, p[:n])
		if n < len(p) {
			break // "44-fc": keep 44, stop
		}
	}
	lim := []int{2, 2, 4, 4}
	for i := range parts {
		if i >= len(lim) {
			parts = parts[:i]
			break
		}
		if len(parts[i]) > lim[i] {
			parts[i] = parts[i][len(parts[i])-lim[i]:]
		}
	}
	switch len(parts) {
	case 0:
		return "0.0"
	case 1:
		return parts[0] + ".0"
	case 2:
		return parts[0] + "." + parts[1]
	case 3:
		return parts[0] + "." + parts[1] + "." + parts[2] + ".0"
	}
	return strings.Join(parts, ".")
}
