// Package lavc decodes the Windows Media family (WMA, WMV, VC-1, MS MPEG-4)
// and the other codecs Eddy meets in ASF and Smooth Streaming (MP3 and MPEG
// audio, AAC, H.264, ADPCM, GSM 6.10, AC-3, DTS) with FFmpeg's libavcodec,
// through cgo against the system's FFmpeg (5.1 / libavcodec 59 or later).
//
// This package owns all of Eddy's cgo for FFmpeg. It binds only the
// send/receive decode API (avcodec_send_packet / avcodec_receive_frame,
// plus the frame parsers for codecs whose frames may straddle ASF objects),
// libswresample (to interleaved S16 or F32) and libswscale (to RGBA). MPEG
// audio is split into frames in Go instead (decoder.MPEGFramer), so that a
// stream joined in the middle starts at a real frame and what could not be
// decoded is reported (see NewAudio).
// Compressed data is copied into C memory on the way in and decoded PCM and
// pictures are copied into Go memory on the way out; no C pointer is handed
// to callers and no Go pointer is kept by C.
//
// Usage, in main:
//
//	reg := decoder.NewRegistry()
//	decoder.RegisterBuiltin(reg) // pure Go: PCM, and MP3 (go-mp3) as the fallback
//	lavc.Register(reg)           // libavcodec, taking MP3 over from go-mp3
//
// or lavc.RegisterMissing(reg) to keep the decoders registered before
// (go-mp3 for MP3) and add libavcodec only for the other codecs. Decoders
// are also available directly with NewAudio and NewVideo, which take
// Options.
//
// A build without cgo (CGO_ENABLED=0) has no libavcodec: Register and
// RegisterMissing then mark every codec of this package as missing with
// the reason, so eddyplay --probe and playback errors name what the build
// lacks.
//
// Audio decoders also have Flush (drain at end of stream); video decoders
// have Release (give a shown picture back for reuse, which keeps the Go
// heap flat at 25 frames/s). Both are found by type assertion on the
// decoder.Audio / decoder.Video a Registry returns.
//
// Each decoder is used from one goroutine at a time; different decoders may
// run concurrently. Close frees the C side at once and must be called; a
// runtime cleanup frees a decoder that was dropped unclosed, as a safety
// net only.
//
// FFmpeg's own log output is captured, not printed: the last error-level
// message of a failing call is part of the returned error.
package lavc
