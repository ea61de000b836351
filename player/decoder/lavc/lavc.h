// C side of package lavc: a thin layer over libavcodec's send/receive
// decode API, libswresample and libswscale. Every FFmpeg object lives in one
// EddyDec, allocated and freed here; Go only holds the EddyDec pointer and
// copies data in (eddy_input) and out (eddy_audio_out, eddy_video_convert).
// No Go pointer is stored in C memory: Go buffers are passed as call
// arguments and used only during that call.
#ifndef EDDY_LAVC_H
#define EDDY_LAVC_H

#include <stdint.h>

// EddyParams are the stream parameters taken from WAVEFORMATEX or
// BITMAPINFOHEADER, set on the AVCodecContext before avcodec_open2.
typedef struct EddyParams {
	int codec_id;          // enum AVCodecID
	uint32_t codec_tag;    // wFormatTag or biCompression (little-endian FourCC)
	int64_t bit_rate;      // bits per second
	int block_align;       // nBlockAlign
	int sample_rate;       // nSamplesPerSec
	int channels;          // nChannels
	int bits_per_coded_sample; // wBitsPerSample or biBitCount
	int width, height;     // biWidth, |biHeight|
	int threads;           // thread_count (video); 0 means 1
	int use_parser;        // split input with an AVCodecParser
	int out_float;         // audio: 1 = interleaved F32, 0 = interleaved S16
	int64_t max_pixels;    // AVCodecContext.max_pixels
} EddyParams;

// EddyFrameInfo describes the frame last received.
typedef struct EddyFrameInfo {
	int64_t pts;           // the time of the packet the frame was coded in; EDDY_NOPTS when none
	int64_t pkt_dts;       // the time of the packet whose decoding released the frame
	int key;
	int width, height;
	int sample_rate, channels, nb_samples;
} EddyFrameInfo;

// EddyAudioFormat is the locked audio output format.
typedef struct EddyAudioFormat {
	int sample_rate, channels, is_float;
} EddyAudioFormat;

typedef struct EddyDec EddyDec;

#define EDDY_NOPTS INT64_MIN
#define EDDY_TIMEBASE 10000000 // packet time base: 100 ns units (ASF, MS-SSTR)

// Result codes besides FFmpeg's negative AVERROR values.
#define EDDY_AGAIN 1  // AVERROR(EAGAIN): feed more input / drain output first
#define EDDY_EOF 2    // AVERROR_EOF: fully drained

int eddy_codec_id(const char *name);
const char *eddy_codec_name(int codec_id);
int eddy_has_decoder(int codec_id);
int eddy_parser_available(int codec_id);
unsigned eddy_avcodec_version(void);
void eddy_init_log(void);

int eddy_open(EddyDec **out, const EddyParams *p, const uint8_t *extra, int extra_len);
void eddy_close(EddyDec *d);
const char *eddy_err(EddyDec *d);

int eddy_input(EddyDec *d, const uint8_t *data, int size, int64_t pts, int64_t dts, int key);
int eddy_input_drain(EddyDec *d);
int eddy_next(EddyDec *d);
int eddy_send(EddyDec *d);
int eddy_send_drain(EddyDec *d);
int eddy_receive(EddyDec *d, EddyFrameInfo *info);
void eddy_unref_frame(EddyDec *d);
void eddy_reset(EddyDec *d);

int eddy_audio_convert(EddyDec *d, int flush);
const uint8_t *eddy_audio_out(EddyDec *d);
void eddy_audio_format(EddyDec *d, EddyAudioFormat *f);

int eddy_video_prepare(EddyDec *d);
int eddy_video_convert(EddyDec *d, uint8_t *dst, int dst_stride);

#endif
