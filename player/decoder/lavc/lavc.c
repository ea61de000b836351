//go:build cgo

// C side of package lavc; see lavc.h. Only APIs present in FFmpeg 5.1
// (libavcodec 59.37, libavutil 57.28, libswresample 4.7, libswscale 6.7) and
// still present in FFmpeg 6.x and 7.x are used; version differences are
// guarded with #ifdef.

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
#include <libavutil/mem.h>
#include <libavutil/pixfmt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

#include "lavc.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

// Limits on what one frame may make the C side allocate. The Go side has
// the same numbers (limits.go).
#define EDDY_MAX_CHANNELS 32
#define EDDY_MAX_RATE 768000
#define EDDY_MAX_AUDIO_FRAME_BYTES (32 << 20)
#define EDDY_MAX_PARSE_STEPS 100000

struct EddyDec {
	AVCodecContext *ctx;
	AVPacket *pkt;  // the packet to send next (pkt_ready)
	AVFrame *frame; // the frame last received
	int pkt_ready;
	int is_video;

	// Parser input: a padded copy of the sample being split.
	AVCodecParserContext *parser;
	uint8_t *in;
	unsigned in_cap;
	int in_len, in_pos, in_flush;
	int64_t in_pts;

	// Audio output: locked format, resampler and output buffer.
	int out_float;
	int out_locked;
	AVChannelLayout out_layout;
	int out_rate;
	SwrContext *swr;
	AVChannelLayout swr_layout;
	int swr_rate, swr_fmt;
	uint8_t *abuf;
	size_t abuf_cap, abuf_len;

	// Video output: scaler, and an RGBA frame it writes into when the
	// caller's picture does not suit it (eddy_video_convert).
	struct SwsContext *sws;
	int sws_w, sws_h, sws_fmt, sws_cs, sws_range;
	AVFrame *rgba;

	char err[320];
};

// The last error-level FFmpeg log message of this thread. Each entry point
// clears it and copies it into d->err on failure, within the same call, so
// the message belongs to that call.
static __thread char tls_log[200];

static void log_cb(void *avcl, int level, const char *fmt, va_list vl) {
	(void)avcl;
	if (level > AV_LOG_ERROR) {
		return;
	}
	vsnprintf(tls_log, sizeof tls_log, fmt, vl);
	size_t n = strlen(tls_log);
	while (n > 0 && (tls_log[n - 1] == '\n' || tls_log[n - 1] == '\r')) {
		tls_log[--n] = 0;
	}
}

void eddy_init_log(void) { av_log_set_callback(log_cb); }

// eddy_limit_arenas caps glibc's malloc arenas at two, unless the user set
// MALLOC_ARENA_MAX. It runs as the program loads, before the Go runtime
// starts its threads: glibc gives a thread that finds the arenas busy an
// arena of its own (up to eight per core), and a cap set later does not
// undo the arenas made before it. Go runs a decoder's cgo calls on
// whichever thread holds its goroutine, so each decoder's frames and
// buffers were spread over many arenas, and what a closed decoder left
// free in one was not reused by the next decoder allocating in another:
// in bench/soak.sh, which opens decoders at every stream switch, resident
// memory kept growing. With two arenas and a trim after each decoder
// closes (eddy_close) it levels off (issue 12; the README has the
// figures).
__attribute__((constructor)) static void eddy_limit_arenas(void) {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
	if (getenv("MALLOC_ARENA_MAX") == NULL) {
		mallopt(M_ARENA_MAX, 2);
	}
#endif
}

static void clear_log(void) { tls_log[0] = 0; }

static int set_err(EddyDec *d, int ret, const char *what) {
	char e[AV_ERROR_MAX_STRING_SIZE];
	av_strerror(ret, e, sizeof e);
	if (tls_log[0]) {
		snprintf(d->err, sizeof d->err, "%s: %s (%s)", what, e, tls_log);
	} else {
		snprintf(d->err, sizeof d->err, "%s: %s", what, e);
	}
	return ret;
}

const char *eddy_err(EddyDec *d) { return d->err; }

int eddy_codec_id(const char *name) {
	const AVCodecDescriptor *desc = avcodec_descriptor_get_by_name(name);
	return desc ? (int)desc->id : (int)AV_CODEC_ID_NONE;
}

const char *eddy_codec_name(int codec_id) { return avcodec_get_name((enum AVCodecID)codec_id); }

int eddy_has_decoder(int codec_id) { return avcodec_find_decoder((enum AVCodecID)codec_id) != NULL; }

int eddy_parser_available(int codec_id) {
	AVCodecParserContext *p = av_parser_init(codec_id);
	if (!p) {
		return 0;
	}
	av_parser_close(p);
	return 1;
}

unsigned eddy_avcodec_version(void) { return avcodec_version(); }

void eddy_close(EddyDec *d) {
	if (!d) {
		return;
	}
	avcodec_free_context(&d->ctx); // also frees ctx->extradata
	av_packet_free(&d->pkt);
	av_frame_free(&d->frame);
	av_frame_free(&d->rgba);
	if (d->parser) {
		av_parser_close(d->parser);
	}
	av_freep(&d->in);
	swr_free(&d->swr);
	av_channel_layout_uninit(&d->out_layout);
	av_channel_layout_uninit(&d->swr_layout);
	av_freep(&d->abuf);
	sws_freeContext(d->sws);
	av_free(d);
#ifdef __GLIBC__
	// A decoder's frame pools, threads' contexts and scaler leave
	// megabytes free inside glibc's arenas, which it keeps mapped; a
	// player that opens a decoder at each stream switch and each entry
	// grew by them over a long session (issue 12). Hand the free pages
	// back now, once per decoder closed (a few milliseconds at most, at
	// a switch or an open, never while a decoder runs).
	malloc_trim(0);
#endif
}

int eddy_open(EddyDec **out, const EddyParams *p, const uint8_t *extra, int extra_len) {
	clear_log();
	*out = NULL;
	const AVCodec *codec = avcodec_find_decoder((enum AVCodecID)p->codec_id);
	if (!codec) {
		return AVERROR_DECODER_NOT_FOUND;
	}
	EddyDec *d = av_mallocz(sizeof *d);
	if (!d) {
		return AVERROR(ENOMEM);
	}
	*out = d;
	d->ctx = avcodec_alloc_context3(codec);
	d->pkt = av_packet_alloc();
	d->frame = av_frame_alloc();
	d->is_video = codec->type == AVMEDIA_TYPE_VIDEO;
	if (d->is_video) {
		d->rgba = av_frame_alloc();
	}
	if (!d->ctx || !d->pkt || !d->frame || (d->is_video && !d->rgba)) {
		return set_err(d, AVERROR(ENOMEM), "allocating decoder");
	}
	AVCodecContext *c = d->ctx;
	// The fields FFmpeg's own ASF demuxer fills from WAVEFORMATEX /
	// BITMAPINFOHEADER (via its codec parameters).
	c->codec_tag = p->codec_tag;
	c->bit_rate = p->bit_rate;
	c->bits_per_coded_sample = p->bits_per_coded_sample;
	c->pkt_timebase = (AVRational){1, EDDY_TIMEBASE};
	if (d->is_video) {
		c->width = p->width;
		c->height = p->height;
		c->thread_count = p->threads > 0 ? p->threads : 1;
		if (p->max_pixels > 0) {
			c->max_pixels = p->max_pixels;
		}
	} else {
		c->sample_rate = p->sample_rate;
		c->block_align = p->block_align;
		av_channel_layout_uninit(&c->ch_layout);
		if (p->channels > 0) {
			c->ch_layout.order = AV_CHANNEL_ORDER_UNSPEC;
			c->ch_layout.nb_channels = p->channels;
		}
		d->out_float = p->out_float;
	}
	if (extra_len > 0) {
		c->extradata = av_mallocz((size_t)extra_len + AV_INPUT_BUFFER_PADDING_SIZE);
		if (!c->extradata) {
			return set_err(d, AVERROR(ENOMEM), "allocating extradata");
		}
		memcpy(c->extradata, extra, (size_t)extra_len);
		c->extradata_size = extra_len;
	}
	int ret = avcodec_open2(c, codec, NULL);
	if (ret < 0) {
		return set_err(d, ret, "avcodec_open2");
	}
	if (p->use_parser) {
		d->parser = av_parser_init(codec->id);
		if (!d->parser) {
			return set_err(d, AVERROR(ENOSYS), "av_parser_init");
		}
	}
	return 0;
}

// eddy_input takes one compressed sample (copied; data is not kept).
int eddy_input(EddyDec *d, const uint8_t *data, int size, int64_t pts, int64_t dts, int key) {
	clear_log();
	int64_t ts = pts == EDDY_NOPTS ? AV_NOPTS_VALUE : pts;
	int64_t dts_ = dts == EDDY_NOPTS ? AV_NOPTS_VALUE : dts;
	if (size < 0) {
		return set_err(d, AVERROR(EINVAL), "input");
	}
	if (d->parser) {
		av_fast_padded_malloc(&d->in, &d->in_cap, (size_t)size);
		if (!d->in) {
			d->in_cap = 0;
			return set_err(d, AVERROR(ENOMEM), "input");
		}
		if (size > 0) {
			memcpy(d->in, data, (size_t)size);
		}
		d->in_len = size;
		d->in_pos = 0;
		d->in_flush = 0;
		d->in_pts = ts != AV_NOPTS_VALUE ? ts : dts_;
		return 0;
	}
	av_packet_unref(d->pkt);
	d->pkt_ready = 0;
	int ret = av_new_packet(d->pkt, size); // zeroes the padding
	if (ret < 0) {
		return set_err(d, ret, "av_new_packet");
	}
	if (size > 0) {
		memcpy(d->pkt->data, data, (size_t)size);
	}
	d->pkt->pts = ts;
	d->pkt->dts = dts_; // frame->pts follows pts through reordering, frame->pkt_dts follows dts in decode order
	if (key) {
		d->pkt->flags |= AV_PKT_FLAG_KEY;
	}
	d->pkt_ready = 1;
	return 0;
}

// eddy_input_drain marks the end of input: the parser hands out what it holds.
int eddy_input_drain(EddyDec *d) {
	if (d->parser) {
		d->in_len = d->in_pos = 0;
		d->in_flush = 1;
	}
	return 0;
}

static int load_parsed(EddyDec *d, const uint8_t *buf, int size) {
	av_packet_unref(d->pkt);
	int ret = av_new_packet(d->pkt, size);
	if (ret < 0) {
		return set_err(d, ret, "av_new_packet");
	}
	memcpy(d->pkt->data, buf, (size_t)size);
	d->pkt->pts = d->parser->pts;
	d->pkt->dts = d->parser->dts;
	if (d->parser->key_frame == 1) {
		d->pkt->flags |= AV_PKT_FLAG_KEY;
	}
	d->pkt_ready = 1;
	return 1;
}

// eddy_next returns 1 when d->pkt holds a packet to send, 0 when the input
// is used up, or an AVERROR.
int eddy_next(EddyDec *d) {
	clear_log();
	if (d->pkt_ready || !d->parser) {
		return d->pkt_ready;
	}
	for (int steps = 0; steps < EDDY_MAX_PARSE_STEPS; steps++) {
		uint8_t *out = NULL;
		int out_size = 0;
		if (d->in_flush) {
			if (d->in_flush > 2) {
				return 0;
			}
			d->in_flush++;
			av_parser_parse2(d->parser, d->ctx, &out, &out_size, NULL, 0, AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);
			if (out_size > 0) {
				return load_parsed(d, out, out_size);
			}
			return 0;
		}
		int left = d->in_len - d->in_pos;
		if (left <= 0) {
			return 0;
		}
		int n = av_parser_parse2(d->parser, d->ctx, &out, &out_size, d->in + d->in_pos, left, d->in_pts, d->in_pts, 0);
		// Like libavformat: only the first piece of a sample carries its time.
		d->in_pts = AV_NOPTS_VALUE;
		if (n < 0) {
			d->in_pos = d->in_len;
			return set_err(d, n, "av_parser_parse2");
		}
		if (n > left) {
			n = left;
		}
		d->in_pos += n;
		if (out_size > 0) {
			return load_parsed(d, out, out_size);
		}
		if (n == 0) {
			d->in_pos = d->in_len; // no progress: drop the rest
			return 0;
		}
	}
	d->in_pos = d->in_len;
	return set_err(d, AVERROR_INVALIDDATA, "parser made no progress");
}

// eddy_send sends d->pkt. It returns 0, EDDY_AGAIN (packet kept: receive
// frames first) or an AVERROR (packet dropped).
int eddy_send(EddyDec *d) {
	clear_log();
	int ret = avcodec_send_packet(d->ctx, d->pkt);
	if (ret == AVERROR(EAGAIN)) {
		return EDDY_AGAIN;
	}
	av_packet_unref(d->pkt);
	d->pkt_ready = 0;
	if (ret < 0) {
		return set_err(d, ret, "avcodec_send_packet");
	}
	return 0;
}

// eddy_send_drain enters draining mode (a NULL packet).
int eddy_send_drain(EddyDec *d) {
	clear_log();
	int ret = avcodec_send_packet(d->ctx, NULL);
	if (ret == AVERROR_EOF) {
		return 0; // already draining
	}
	if (ret == AVERROR(EAGAIN)) {
		return EDDY_AGAIN;
	}
	if (ret < 0) {
		return set_err(d, ret, "avcodec_send_packet(NULL)");
	}
	return 0;
}

int eddy_receive(EddyDec *d, EddyFrameInfo *info) {
	clear_log();
	av_frame_unref(d->frame);
	int ret = avcodec_receive_frame(d->ctx, d->frame);
	if (ret == AVERROR(EAGAIN)) {
		return EDDY_AGAIN;
	}
	if (ret == AVERROR_EOF) {
		return EDDY_EOF;
	}
	if (ret < 0) {
		return set_err(d, ret, "avcodec_receive_frame");
	}
	AVFrame *f = d->frame;
	info->pts = f->pts == AV_NOPTS_VALUE ? EDDY_NOPTS : f->pts;
	info->pkt_dts = f->pkt_dts == AV_NOPTS_VALUE ? EDDY_NOPTS : f->pkt_dts;
#ifdef AV_FRAME_FLAG_KEY
	info->key = (f->flags & AV_FRAME_FLAG_KEY) != 0;
#else
	info->key = f->key_frame != 0;
#endif
	info->width = f->width;
	info->height = f->height;
	info->sample_rate = f->sample_rate;
	info->channels = f->ch_layout.nb_channels;
	info->nb_samples = f->nb_samples;
	return 0;
}

void eddy_unref_frame(EddyDec *d) { av_frame_unref(d->frame); }

// eddy_reset drops all decoder, parser and resampler state (after a seek or
// a discontinuity, and after draining so decoding can go on).
void eddy_reset(EddyDec *d) {
	clear_log();
	avcodec_flush_buffers(d->ctx);
	av_packet_unref(d->pkt);
	d->pkt_ready = 0;
	av_frame_unref(d->frame);
	if (d->parser) {
		av_parser_close(d->parser);
		d->parser = av_parser_init(d->ctx->codec_id);
		d->in_len = d->in_pos = d->in_flush = 0;
	}
	swr_free(&d->swr);
}

static int abuf_reserve(EddyDec *d, size_t extra) {
	size_t need = d->abuf_len + extra;
	if (need > EDDY_MAX_AUDIO_FRAME_BYTES) {
		return set_err(d, AVERROR_INVALIDDATA, "audio frame too large");
	}
	if (need <= d->abuf_cap) {
		return 0;
	}
	size_t cap = d->abuf_cap * 2;
	if (cap < need) {
		cap = need;
	}
	uint8_t *b = av_malloc(cap);
	if (!b) {
		return set_err(d, AVERROR(ENOMEM), "audio buffer");
	}
	if (d->abuf_len > 0) {
		memcpy(b, d->abuf, d->abuf_len);
	}
	av_free(d->abuf);
	d->abuf = b;
	d->abuf_cap = cap;
	return 0;
}

// swr_out converts n input samples (or, with in == NULL, what the resampler
// still holds) and appends them to abuf.
static int swr_out(EddyDec *d, const uint8_t **in, int n) {
	int cap = swr_get_out_samples(d->swr, n);
	if (cap < 0) {
		return set_err(d, cap, "swr_get_out_samples");
	}
	if (cap == 0) {
		return 0;
	}
	size_t fs = (size_t)d->out_layout.nb_channels * (d->out_float ? 4 : 2);
	int ret = abuf_reserve(d, (size_t)cap * fs);
	if (ret < 0) {
		return ret;
	}
	uint8_t *out[1] = {d->abuf + d->abuf_len};
	int got = swr_convert(d->swr, out, cap, in, n);
	if (got < 0) {
		return set_err(d, got, "swr_convert");
	}
	d->abuf_len += (size_t)got * fs;
	return 0;
}

// eddy_audio_convert converts the received frame (or, with flush, what the
// resampler holds) to the locked output format: interleaved S16 or F32 at
// the rate and channel layout of the first frame. It returns the number of
// bytes at eddy_audio_out, or an AVERROR.
int eddy_audio_convert(EddyDec *d, int flush) {
	clear_log();
	d->abuf_len = 0;
	if (flush) {
		if (!d->swr) {
			return 0;
		}
		int ret = swr_out(d, NULL, 0);
		return ret < 0 ? ret : (int)d->abuf_len;
	}
	AVFrame *f = d->frame;
	int ch = f->ch_layout.nb_channels;
	if (ch <= 0 || ch > EDDY_MAX_CHANNELS || f->sample_rate <= 0 || f->sample_rate > EDDY_MAX_RATE ||
	    f->nb_samples < 0 || f->format < 0) {
		return set_err(d, AVERROR_INVALIDDATA, "audio frame format out of range");
	}
	AVChannelLayout in = {0};
	int ret;
	if (f->ch_layout.order == AV_CHANNEL_ORDER_NATIVE) {
		ret = av_channel_layout_copy(&in, &f->ch_layout);
		if (ret < 0) {
			return set_err(d, ret, "channel layout");
		}
	} else {
		av_channel_layout_default(&in, ch);
	}
	if (!d->out_locked) {
		ret = av_channel_layout_copy(&d->out_layout, &in);
		if (ret < 0) {
			av_channel_layout_uninit(&in);
			return set_err(d, ret, "channel layout");
		}
		d->out_rate = f->sample_rate;
		d->out_locked = 1;
	}
	if (d->swr && (av_channel_layout_compare(&in, &d->swr_layout) != 0 || f->sample_rate != d->swr_rate ||
	               f->format != d->swr_fmt)) {
		// The input changed mid-stream: hand out what the old resampler
		// holds, then build one for the new input.
		ret = swr_out(d, NULL, 0);
		swr_free(&d->swr);
		if (ret < 0) {
			av_channel_layout_uninit(&in);
			return ret;
		}
	}
	if (!d->swr) {
		enum AVSampleFormat ofmt = d->out_float ? AV_SAMPLE_FMT_FLT : AV_SAMPLE_FMT_S16;
		ret = swr_alloc_set_opts2(&d->swr, &d->out_layout, ofmt, d->out_rate, &in, (enum AVSampleFormat)f->format,
		                          f->sample_rate, 0, NULL);
		if (ret >= 0) {
			ret = swr_init(d->swr);
		}
		if (ret < 0) {
			swr_free(&d->swr);
			av_channel_layout_uninit(&in);
			return set_err(d, ret, "swr_init");
		}
		av_channel_layout_uninit(&d->swr_layout);
		ret = av_channel_layout_copy(&d->swr_layout, &in);
		if (ret < 0) {
			swr_free(&d->swr);
			av_channel_layout_uninit(&in);
			return set_err(d, ret, "channel layout");
		}
		d->swr_rate = f->sample_rate;
		d->swr_fmt = f->format;
	}
	av_channel_layout_uninit(&in);
	ret = swr_out(d, (const uint8_t **)f->extended_data, f->nb_samples);
	return ret < 0 ? ret : (int)d->abuf_len;
}

const uint8_t *eddy_audio_out(EddyDec *d) { return d->abuf; }

void eddy_audio_format(EddyDec *d, EddyAudioFormat *f) {
	f->sample_rate = d->out_locked ? d->out_rate : 0;
	f->channels = d->out_locked ? d->out_layout.nb_channels : 0;
	f->is_float = d->out_float;
}

// eddy_video_prepare checks the received frame's size and makes the
// scaler that converts it to RGBA of the same size, with the flags
// FFmpeg's command line uses by default (bicubic). The caller then
// provides the picture eddy_video_convert writes.
int eddy_video_prepare(EddyDec *d) {
	clear_log();
	AVFrame *f = d->frame;
	if (f->width <= 0 || f->height <= 0 || f->format < 0 ||
	    (d->ctx->max_pixels > 0 && (int64_t)f->width * f->height > d->ctx->max_pixels)) {
		return set_err(d, AVERROR_INVALIDDATA, "picture size out of range");
	}
	if (!d->sws || f->width != d->sws_w || f->height != d->sws_h || f->format != d->sws_fmt ||
	    (int)f->colorspace != d->sws_cs || (int)f->color_range != d->sws_range) {
		sws_freeContext(d->sws);
		d->sws = sws_getContext(f->width, f->height, (enum AVPixelFormat)f->format, f->width, f->height,
		                        AV_PIX_FMT_RGBA, SWS_BICUBIC, NULL, NULL, NULL);
		if (!d->sws) {
			return set_err(d, AVERROR(EINVAL), "sws_getContext");
		}
		d->sws_w = f->width;
		d->sws_h = f->height;
		d->sws_fmt = f->format;
		d->sws_cs = f->colorspace;
		d->sws_range = f->color_range;
	}
	return 0;
}

// eddy_video_convert converts the received frame (after eddy_video_prepare)
// into dst, a width x height RGBA picture with rows dst_stride bytes apart
// (Go memory, used only during this call). The scaler writes into dst
// itself, with no copy and no picture of its own, when dst suits its
// vector code: rows aligned to 32 bytes and a width a multiple of 8 (its
// x86 YUV to RGB converters work 8 pixels at a time, and how they end a
// row with room for fewer has changed between FFmpeg versions). Otherwise
// it converts into a frame of its own, which FFmpeg pads, copied row by
// row.
int eddy_video_convert(EddyDec *d, uint8_t *dst, int dst_stride) {
	clear_log();
	AVFrame *f = d->frame;
	if (!d->sws || f->width != d->sws_w || f->height != d->sws_h || dst_stride < f->width * 4) {
		return set_err(d, AVERROR(EINVAL), "eddy_video_convert before eddy_video_prepare");
	}
	if ((uintptr_t)dst % 32 == 0 && dst_stride % 32 == 0 && f->width % 8 == 0) {
		uint8_t *planes[4] = {dst, NULL, NULL, NULL};
		int strides[4] = {dst_stride, 0, 0, 0};
		if (sws_scale(d->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes, strides) !=
		    f->height) {
			return set_err(d, AVERROR(EINVAL), "sws_scale");
		}
		return 0;
	}
	if (d->rgba->width != f->width || d->rgba->height != f->height || !d->rgba->data[0]) {
		av_frame_unref(d->rgba);
		d->rgba->format = AV_PIX_FMT_RGBA;
		d->rgba->width = f->width;
		d->rgba->height = f->height;
		int ret = av_frame_get_buffer(d->rgba, 0);
		if (ret < 0) {
			return set_err(d, ret, "av_frame_get_buffer");
		}
	}
	if (sws_scale(d->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, d->rgba->data,
	              d->rgba->linesize) != f->height) {
		return set_err(d, AVERROR(EINVAL), "sws_scale");
	}
	const AVFrame *r = d->rgba;
	size_t row = (size_t)r->width * 4;
	for (int y = 0; y < r->height; y++) {
		memcpy(dst + (size_t)y * dst_stride, r->data[0] + (size_t)y * r->linesize[0], row);
	}
	return 0;
}
