//go:build cgo

package alsasink

// #cgo pkg-config: alsa
// #include <stdlib.h>
// #include <errno.h>
// #include <alsa/asoundlib.h>
//
// static void eddyAlsaQuiet(const char *file, int line, const char *function, int err, const char *fmt, ...) {}
//
// static void eddyAlsaSilence(void) { snd_lib_error_set_handler(eddyAlsaQuiet); }
//
// static int eddyAlsaOpen(snd_pcm_t **h, const char *name) {
// 	return snd_pcm_open(h, name, SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
// }
//
// // eddyAlsaSetup sets interleaved S16 at rate and channels with about
// // latencyUS of buffer, and reports the buffer and period sizes and
// // whether the device can pause.
// static int eddyAlsaSetup(snd_pcm_t *h, unsigned rate, unsigned channels, unsigned latencyUS,
// 		snd_pcm_uframes_t *buffer, snd_pcm_uframes_t *period, int *canPause) {
// 	int err = snd_pcm_set_params(h, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, channels, rate, 1, latencyUS);
// 	if (err < 0) return err;
// 	snd_pcm_hw_params_t *p;
// 	if ((err = snd_pcm_hw_params_malloc(&p)) < 0) return err;
// 	err = snd_pcm_hw_params_current(h, p);
// 	if (err == 0) *canPause = snd_pcm_hw_params_can_pause(p);
// 	snd_pcm_hw_params_free(p);
// 	if (err < 0) return err;
// 	return snd_pcm_get_params(h, buffer, period);
// }
//
// // eddyAlsaRate is the rate the device was set to.
// static int eddyAlsaRate(snd_pcm_t *h, unsigned *rate, unsigned *channels) {
// 	snd_pcm_hw_params_t *p;
// 	int err;
// 	if ((err = snd_pcm_hw_params_malloc(&p)) < 0) return err;
// 	err = snd_pcm_hw_params_current(h, p);
// 	if (err == 0) err = snd_pcm_hw_params_get_rate(p, rate, 0);
// 	if (err == 0) err = snd_pcm_hw_params_get_channels(p, channels);
// 	snd_pcm_hw_params_free(p);
// 	return err;
// }
//
// static snd_pcm_sframes_t eddyAlsaWrite(snd_pcm_t *h, const void *buf, snd_pcm_uframes_t frames) {
// 	return snd_pcm_writei(h, buf, frames);
// }
//
// static int eddyAlsaDelay(snd_pcm_t *h, snd_pcm_sframes_t *d) { return snd_pcm_delay(h, d); }
//
// static int eddyAlsaRunning(snd_pcm_t *h) { return snd_pcm_state(h) == SND_PCM_STATE_RUNNING; }
// static int eddyAlsaPrepared(snd_pcm_t *h) { return snd_pcm_state(h) == SND_PCM_STATE_PREPARED; }
//
// static int eddyAlsaErrAgain(int err) { return err == -EAGAIN; }
// static int eddyAlsaErrXrun(int err) { return err == -EPIPE || err == -ESTRPIPE; }
//
// // eddyAlsaHints lists the PCM names, descriptions and directions
// // (IOID: NULL for both, "Output" or "Input"); the caller frees the
// // strings and the arrays with eddyAlsaFreeHints.
// static int eddyAlsaHints(char ***names, char ***descs, char ***ioids, int *n) {
// 	void **hints;
// 	int err = snd_device_name_hint(-1, "pcm", &hints);
// 	if (err < 0) return err;
// 	int count = 0;
// 	for (void **h = hints; *h; h++) count++;
// 	*names = calloc(count + 1, sizeof(char *));
// 	*descs = calloc(count + 1, sizeof(char *));
// 	*ioids = calloc(count + 1, sizeof(char *));
// 	if (!*names || !*descs || !*ioids) {
// 		free(*names); free(*descs); free(*ioids);
// 		snd_device_name_free_hint(hints);
// 		return -ENOMEM;
// 	}
// 	for (int i = 0; i < count; i++) {
// 		(*names)[i] = snd_device_name_get_hint(hints[i], "NAME");
// 		(*descs)[i] = snd_device_name_get_hint(hints[i], "DESC");
// 		(*ioids)[i] = snd_device_name_get_hint(hints[i], "IOID");
// 	}
// 	*n = count;
// 	snd_device_name_free_hint(hints);
// 	return 0;
// }
//
// static void eddyAlsaFreeHints(char **names, char **descs, char **ioids, int n) {
// 	for (int i = 0; i < n; i++) { free(names[i]); free(descs[i]); free(ioids[i]); }
// 	free(names); free(descs); free(ioids);
// }
//
// static char *eddyAlsaAt(char **a, int i) { return a[i]; }
import "C"

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/eddyplayer/eddy/player/audio"
)

var silenceOnce sync.Once

// silenceALSA stops alsa-lib from printing its messages on stderr
// (process-wide); its errors still come back as values.
func silenceALSA() { silenceOnce.Do(func() { C.eddyAlsaSilence() }) }

// alsaError is an alsa-lib error code with the call that returned it.
type alsaError struct {
	call string
	code C.int
}

func (e *alsaError) Error() string {
	return e.call + ": " + C.GoString(C.snd_strerror(e.code))
}

// listHints returns alsa-lib's PCM name hints that can play: IOID absent
// (both directions) or "Output".
func listHints() ([]Device, error) {
	silenceALSA()
	var names, descs, ioids **C.char
	var n C.int
	if rc := C.eddyAlsaHints(&names, &descs, &ioids, &n); rc < 0 {
		return nil, &alsaError{"snd_device_name_hint", rc}
	}
	defer C.eddyAlsaFreeHints(names, descs, ioids, n)
	var out []Device
	for i := C.int(0); i < n; i++ {
		name := C.eddyAlsaAt(names, i)
		if name == nil {
			continue
		}
		io := C.eddyAlsaAt(ioids, i)
		if !outputHint(C.GoString(io), io != nil) {
			continue
		}
		d := Device{Name: C.GoString(name)}
		if desc := C.eddyAlsaAt(descs, i); desc != nil {
			d.Description = strings.Join(strings.Fields(C.GoString(desc)), " ")
		}
		out = append(out, d)
	}
	return out, nil
}

// pcm is an open alsa-lib playback PCM. Only the sink's device
// goroutine uses it after openPCM returns.
type pcm struct {
	h *C.snd_pcm_t
	params
}

// openPCM opens name for playback without blocking (a device another
// program holds fails with "Device or resource busy" at once) and sets it
// up for S16 at the first of the formats in want it accepts, with about
// latency of buffer.
func openPCM(name string, want []audio.Format, latency time.Duration) (device, params, error) {
	silenceALSA()
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var h *C.snd_pcm_t
	if rc := C.eddyAlsaOpen(&h, cname); rc < 0 {
		return nil, params{}, &alsaError{"snd_pcm_open", rc}
	}
	var last error = errors.New("no format to try")
	for _, f := range want {
		var buffer, period C.snd_pcm_uframes_t
		var canPause C.int
		rc := C.eddyAlsaSetup(h, C.uint(f.SampleRate), C.uint(f.Channels), C.uint(latency/time.Microsecond), &buffer, &period, &canPause)
		if rc < 0 {
			last = fmt.Errorf("%v: %w", f, &alsaError{"snd_pcm_set_params", rc})
			continue
		}
		var rate, channels C.uint
		if rc := C.eddyAlsaRate(h, &rate, &channels); rc < 0 {
			last = &alsaError{"snd_pcm_hw_params_current", rc}
			continue
		}
		got := audio.Format{SampleRate: int(rate), Channels: int(channels), Sample: audio.S16}
		if !got.Valid() || buffer == 0 || period == 0 || period > buffer || buffer > C.snd_pcm_uframes_t(maxBufferSeconds*got.SampleRate) {
			last = fmt.Errorf("the device set %v with a buffer of %d frames, periods of %d", got, buffer, period)
			continue
		}
		pr := params{format: got, buffer: int(buffer), period: int(period), canPause: canPause != 0}
		return &pcm{h: h, params: pr}, pr, nil
	}
	C.snd_pcm_close(h)
	return nil, params{}, last
}

// write writes whole frames from b; it returns the frames taken (0 when
// the device has no room: wait) or an error. An underrun (EPIPE) or a
// suspend (ESTRPIPE) is recovered and reported with xrun true.
func (p *pcm) write(b []byte) (frames int, xrun bool, err error) {
	fs := p.format.FrameSize()
	n := len(b) / fs
	if n == 0 {
		return 0, false, nil
	}
	rc := C.eddyAlsaWrite(p.h, unsafe.Pointer(&b[0]), C.snd_pcm_uframes_t(n))
	if rc >= 0 {
		return int(rc), false, nil
	}
	code := C.int(rc)
	if C.eddyAlsaErrAgain(code) != 0 {
		return 0, false, nil
	}
	if C.eddyAlsaErrXrun(code) != 0 {
		if r := C.snd_pcm_recover(p.h, code, 1); r < 0 {
			return 0, true, &alsaError{"snd_pcm_recover", r}
		}
		return 0, true, nil
	}
	return 0, false, &alsaError{"snd_pcm_writei", code}
}

// wait waits at most d for room in the device buffer (or an error).
func (p *pcm) wait(d time.Duration) error {
	rc := C.snd_pcm_wait(p.h, C.int(max(1, d/time.Millisecond)))
	if rc < 0 && C.eddyAlsaErrXrun(rc) == 0 {
		return &alsaError{"snd_pcm_wait", rc}
	}
	return nil
}

// delay is the frames written but not played yet.
func (p *pcm) delay() (int, error) {
	var d C.snd_pcm_sframes_t
	rc := C.eddyAlsaDelay(p.h, &d)
	if rc < 0 {
		if C.eddyAlsaErrXrun(rc) != 0 {
			return 0, nil // ran dry: nothing left to play
		}
		return 0, &alsaError{"snd_pcm_delay", rc}
	}
	return max(int(d), 0), nil
}

// start starts a prepared device that holds less than its start
// threshold (the end of a stream).
func (p *pcm) start() error {
	if C.eddyAlsaPrepared(p.h) == 0 {
		return nil
	}
	if rc := C.snd_pcm_start(p.h); rc < 0 {
		return &alsaError{"snd_pcm_start", rc}
	}
	return nil
}

// running reports whether the device is playing.
func (p *pcm) running() bool { return C.eddyAlsaRunning(p.h) != 0 }

// pause pauses or resumes a device that can (canPause) and is running.
func (p *pcm) pause(on bool) error {
	v := C.int(0)
	if on {
		v = 1
	}
	if rc := C.snd_pcm_pause(p.h, v); rc < 0 {
		return &alsaError{"snd_pcm_pause", rc}
	}
	return nil
}

// drop discards what the device holds and prepares it for new data.
func (p *pcm) drop() error {
	if rc := C.snd_pcm_drop(p.h); rc < 0 {
		return &alsaError{"snd_pcm_drop", rc}
	}
	if rc := C.snd_pcm_prepare(p.h); rc < 0 {
		return &alsaError{"snd_pcm_prepare", rc}
	}
	return nil
}

func (p *pcm) close() {
	C.snd_pcm_drop(p.h)
	C.snd_pcm_close(p.h)
}
