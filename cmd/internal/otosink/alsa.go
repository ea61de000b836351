package otosink

// #cgo pkg-config: alsa
// #include <alsa/asoundlib.h>
//
// static void eddyQuietALSA(const char *file, int line, const char *function, int err, const char *fmt, ...) {}
//
// static void eddySilenceALSA(void) { snd_lib_error_set_handler(eddyQuietALSA); }
//
// static int eddyProbePCM(const char *name) {
// 	snd_pcm_t *h;
// 	int err = snd_pcm_open(&h, name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
// 	if (err < 0) return err;
// 	snd_pcm_close(h);
// 	return 0;
// }
import "C"

import (
	"fmt"
	"strings"
	"sync"
	"unsafe"
)

var silenceOnce sync.Once

// silenceALSA stops alsa-lib from printing its error messages on stderr
// (process-wide); the errors still come back as values.
func silenceALSA() { silenceOnce.Do(func() { C.eddySilenceALSA() }) }

// probeDevices are the PCMs oto tries first.
var probeDevices = []string{"default", "plug:default"}

// probeALSA opens and closes the default playback PCM without blocking.
// It returns nil when one of probeDevices opens, else an error in oto's
// words: `ALSA error at snd_pcm_open: "default": ..., "plug:default": ...`.
func probeALSA() error {
	var msgs []string
	for _, name := range probeDevices {
		cname := C.CString(name)
		rc := C.eddyProbePCM(cname)
		C.free(unsafe.Pointer(cname))
		if rc == 0 {
			return nil
		}
		msgs = append(msgs, fmt.Sprintf("%q: %s", name, C.GoString(C.snd_strerror(rc))))
	}
	return fmt.Errorf("ALSA error at snd_pcm_open: %s", strings.Join(msgs, ", "))
}
