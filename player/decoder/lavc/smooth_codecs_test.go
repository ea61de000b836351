//go:build cgo

package lavc

import (
	"encoding/hex"
	"testing"

	"github.com/eddyplayer/eddy/transport"
	"github.com/eddyplayer/eddy/transport/smooth/manifest"
)

// Smooth Streaming's WMA Pro and VC-1 qualities (MS-SSTR 2.2.2.5) reach
// libavcodec with the configuration the manifest's CodecPrivateData gives
// (transport.Track.Config's per-codec contract). FFmpeg has no encoder for
// either, so no fragment of them can be made here; what is checked is
// that the decoders accept the configuration IIS Media Services writes
// (the CodecPrivateData below are from a published IIS live manifest):
// libavcodec's WMA Pro decoder refuses any extradata but its 18-byte
// format block, and its VC-1 decoder needs the sequence and entry-point
// headers of the advanced profile.

// iisManifest is the shape of IIS's manifest for a VC-1 + WMA Pro
// presentation.
const iisManifest = `<?xml version="1.0" encoding="utf-8"?>
<SmoothStreamingMedia MajorVersion="2" MinorVersion="0" Duration="6000000000">
  <StreamIndex Type="video" Name="video" Chunks="1" TimeScale="10000000" Url="QualityLevels({bitrate})/Fragments(video={start time})">
    <QualityLevel Index="0" Bitrate="230000" CodecPrivateData="250000010FC3460B50878A0B5821FF878780490800704704DC0000010E5A67F840" FourCC="WVC1" MaxWidth="364" MaxHeight="272"/>
    <c t="0" d="20000000"/>
  </StreamIndex>
  <StreamIndex Type="audio" Name="audio" Chunks="1" TimeScale="10000000" Url="QualityLevels({bitrate})/Fragments(audio={start time})">
    <QualityLevel Index="0" Bitrate="96000" CodecPrivateData="1000030000000000000000000000E00042C0" FourCC="WMAP" AudioTag="354" Channels="2" SamplingRate="44100" BitsPerSample="16" PacketSize="4459"/>
    <c t="0" d="20000000"/>
  </StreamIndex>
</SmoothStreamingMedia>`

func smoothTracks(t *testing.T) (video, audio transport.Track) {
	t.Helper()
	m, err := manifest.Parse([]byte(iisManifest))
	if err != nil {
		t.Fatal(err)
	}
	v, a := m.Stream("video"), m.Stream("audio")
	return v.QualityLevels[0].Track(1, v), a.QualityLevels[0].Track(2, a)
}

func TestSmoothWMAProOpens(t *testing.T) {
	_, tr := smoothTracks(t)
	a, err := NewAudio(tr, Options{})
	if err != nil {
		t.Fatalf("WMA Pro from the manifest (%v, config %x): %v", tr.Codec, tr.Config, err)
	}
	defer a.Close()
	if tr.Codec != transport.FourCC("WMAP") || tr.Audio.SampleRate != 44100 || tr.Audio.Channels != 2 || len(tr.Config) != 18 {
		t.Errorf("track %+v, want WMAP at 44100 Hz stereo with the 18-byte format block", tr)
	}
	// The contract matters: the same track with the configuration
	// wrapped in a WAVEFORMATEX, or without one, is refused.
	wfx, _ := hex.DecodeString("6201020044AC0000F02E00006B1110001200")
	for _, cfg := range [][]byte{append(wfx, tr.Config...), nil} {
		bad := tr
		bad.Config = cfg
		if b, err := NewAudio(bad, Options{}); err == nil {
			b.Close()
			t.Errorf("WMA Pro opened with config %x", cfg)
		}
	}
}

func TestSmoothVC1Opens(t *testing.T) {
	tr, _ := smoothTracks(t)
	v, err := NewVideo(tr, Options{})
	if err != nil {
		t.Fatalf("VC-1 from the manifest (%v, config %x): %v", tr.Codec, tr.Config, err)
	}
	v.Close()
	bad := tr
	bad.Config = tr.Config[:8] // a sequence header cut short, no entry point
	if b, err := NewVideo(bad, Options{}); err == nil {
		b.Close()
		t.Errorf("VC-1 opened with config %x", bad.Config)
	}
}
