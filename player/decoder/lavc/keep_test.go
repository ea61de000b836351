//go:build cgo

package lavc

import (
	"bytes"
	"testing"

	"github.com/eddyplayer/eddy/player/decoder"
	"github.com/eddyplayer/eddy/transport"
)

// TestDecodeKeepsNoInput: decoders keep nothing of a sample's Data after
// Decode returns (decoder.Audio's contract: the player gives the buffer
// back to the pool the next sample comes from). Every sample is decoded
// from one scratch buffer that is scribbled over after each Decode, and
// the output equals the decode of the samples as they are.
func TestDecodeKeepsNoInput(t *testing.T) {
	path := fixture(t, "d_wmv2_wmav2.wmv")
	for _, st := range demuxASF(t, path) {
		scratch := make([]byte, 0, 1<<20)
		switch st.track.Type {
		case transport.Audio:
			want, _ := decodeAudio(t, st.track, st.samples)
			a, err := NewAudio(st.track, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []byte
			for _, s := range st.samples {
				s.Data = append(scratch[:0], s.Data...)
				if got, err = a.Decode(got, s); err != nil {
					t.Fatal(err)
				}
				for j := range s.Data {
					s.Data[j] = 0xA5
				}
			}
			if got, err = a.Flush(got); err != nil {
				t.Fatal(err)
			}
			a.Close()
			if !bytes.Equal(got, want) {
				t.Errorf("%v: the audio decoded from a reused buffer differs", st.track.Codec)
			}
		case transport.Video:
			want := frameSums(decodeVideo(t, st.track, st.samples))
			v, err := NewVideo(st.track, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var frames []decoder.Frame
			for _, s := range st.samples {
				s.Data = append(scratch[:0], s.Data...)
				out, err := v.Decode(nil, s)
				if err != nil {
					t.Fatal(err)
				}
				for j := range s.Data {
					s.Data[j] = 0xA5
				}
				frames = append(frames, out...)
			}
			out, _ := v.Flush(nil)
			frames = append(frames, out...)
			got := frameSums(frames)
			v.Close()
			if len(got) != len(want) {
				t.Fatalf("%d frames from a reused buffer, %d as given", len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%v: frame %d decoded from a reused buffer differs", st.track.Codec, i)
					break
				}
			}
		}
	}
}
