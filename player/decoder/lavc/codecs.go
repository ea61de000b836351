package lavc

import "github.com/eddyplayer/eddy/transport"

// codecInfo maps one of Eddy's codec keys to a libavcodec decoder.
type codecInfo struct {
	codec transport.Codec
	video bool
	// name is the libavcodec codec name (AVCodecDescriptor.name); the
	// decoder is the one libavcodec picks for that codec ID, as the ffmpeg
	// tool does.
	name string
	// tag is the codec_tag given to libavcodec when the key is a FourCC
	// for an audio codec (Smooth Streaming); 0 means derive it from the key.
	tag uint32
	// parse splits samples into codec frames with libavcodec's parser,
	// for codecs whose frames may straddle ASF media objects.
	parse bool
	// mpa marks MPEG audio (layers I–III): samples are split into frames
	// in Go (decoder.MPEGFramer), which finds frames also when the
	// stream is joined in the middle and reports what it drops, and each
	// stream is decoded by libavcodec's decoder for its layer (see
	// Audio.useLayer).
	mpa bool
	// display, when set, is the decoder name shown instead of name.
	display string
}

// codecs lists every codec this package decodes, in registration order.
// The wFormatTag values are from the ASF digest 2.8 (transport.Tag*), the
// FourCCs from BITMAPINFOHEADER biCompression and [MS-SSTR] 2.2.2.5
// (FourCC attribute).
var codecs = []codecInfo{
	// Audio.
	{codec: transport.WaveFormat(transport.TagWMA1), name: "wmav1"},
	{codec: transport.WaveFormat(transport.TagWMA2), name: "wmav2"},
	{codec: transport.WaveFormat(transport.TagWMAPro), name: "wmapro"},
	{codec: transport.WaveFormat(transport.TagWMALossless), name: "wmalossless"},
	{codec: transport.WaveFormat(transport.TagWMAVoice), name: "wmavoice"},
	{codec: transport.FourCC("WMAP"), name: "wmapro", tag: uint32(transport.TagWMAPro)},
	{codec: transport.WaveFormat(transport.TagMP3), name: "mp3", mpa: true},
	{codec: transport.WaveFormat(transport.TagMPEG), name: "mp2", mpa: true, display: "mp1/mp2/mp3"},
	{codec: transport.WaveFormat(transport.TagAAC), name: "aac"},
	{codec: transport.FourCC("AACL"), name: "aac", tag: uint32(transport.TagAAC)},
	{codec: transport.FourCC("AACH"), name: "aac", tag: uint32(transport.TagAAC)},
	{codec: transport.WaveFormat(0x1600), name: "aac", parse: true}, // ADTS
	{codec: transport.WaveFormat(transport.TagADPCM), name: "adpcm_ms"},
	{codec: transport.WaveFormat(transport.TagIMAADPCM), name: "adpcm_ima_wav"},
	{codec: transport.WaveFormat(transport.TagGSM610), name: "gsm_ms"},
	{codec: transport.WaveFormat(transport.TagAC3), name: "ac3", parse: true},
	{codec: transport.WaveFormat(transport.TagDTS), name: "dts", parse: true},
	// Video.
	{codec: transport.FourCC("WMV1"), video: true, name: "wmv1"},
	{codec: transport.FourCC("WMV2"), video: true, name: "wmv2"},
	{codec: transport.FourCC("WMV3"), video: true, name: "wmv3"},
	{codec: transport.FourCC("WVC1"), video: true, name: "vc1"},
	{codec: transport.FourCC("WMVA"), video: true, name: "vc1"},
	{codec: transport.FourCC("WMVP"), video: true, name: "wmv3image"},
	{codec: transport.FourCC("WVP2"), video: true, name: "vc1image"},
	{codec: transport.FourCC("MP43"), video: true, name: "msmpeg4v3"},
	{codec: transport.FourCC("MP42"), video: true, name: "msmpeg4v2"},
	{codec: transport.FourCC("MPG4"), video: true, name: "msmpeg4v1"},
	{codec: transport.FourCC("M4S2"), video: true, name: "mpeg4"},
	{codec: transport.FourCC("MP4S"), video: true, name: "mpeg4"},
	{codec: transport.FourCC("H264"), video: true, name: "h264"},
	{codec: transport.FourCC("AVC1"), video: true, name: "h264"},
}

// Codecs returns the codec keys this package can decode (when built with
// cgo and the system's libavcodec has the decoder), audio first.
func Codecs() []transport.Codec {
	out := make([]transport.Codec, len(codecs))
	for i, ci := range codecs {
		out[i] = ci.codec
	}
	return out
}

func lookup(c transport.Codec) (codecInfo, bool) {
	for _, ci := range codecs {
		if ci.codec == c {
			return ci, true
		}
	}
	return codecInfo{}, false
}

// fourCCTag is the little-endian codec_tag of a FourCC (MKTAG).
func fourCCTag(cc string) uint32 {
	var t uint32
	for i := 0; i < 4 && i < len(cc); i++ {
		t |= uint32(cc[i]) << (8 * i)
	}
	return t
}

func (ci codecInfo) codecTag() uint32 {
	switch {
	case ci.tag != 0:
		return ci.tag
	case ci.codec.Kind == transport.CodecWaveFormat:
		return uint32(ci.codec.Tag)
	}
	return fourCCTag(ci.codec.FourCC)
}

func (ci codecInfo) displayName() string {
	if ci.display != "" {
		return ci.display + " (libavcodec)"
	}
	return ci.name + " (libavcodec)"
}

// mpaDecoders are libavcodec's codec names for MPEG audio layers I, II
// and III: the ID whose first registered decoder FFmpeg uses for a
// stream of that layer (its parser sets the codec ID from the frame
// header), so the output is FFmpeg's (mp3 is the float decoder, mp2 and
// mp1 the fixed-point ones).
var mpaDecoders = [4]string{1: "mp1", 2: "mp2", 3: "mp3"}
