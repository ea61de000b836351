package asf

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkDemux measures the demuxer over whole in-memory files: packets
// read through File.ReadPacket into one reused buffer and pushed into a
// Demuxer. It reports MB/s of file data (b.SetBytes) and packets/s.
func BenchmarkDemux(b *testing.B) {
	for _, name := range committedFixtures {
		data, err := os.ReadFile(fixturePath(name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) { benchDemux(b, data) })
	}
	// FFmpeg-style PCM: 4096-byte objects over 3200-byte packets, so every
	// object is reassembled from two fragments.
	b.Run("pcm_fragmented", func(b *testing.B) {
		var pkts [][]byte
		hdr := headerObj(
			fileProps{fileID: testFileID, prerollMS: 3100, maxPkt: 3200}.bytes(),
			streamProps{typ: GUIDStreamTypeAudio, number: 1, typeSpecific: waveEx(WaveFormatPCM, 2, 44100, 4, 16, nil)}.bytes(),
		)
		obj := seq(4096, 1)
		for i := 0; i < 2000; i += 2 {
			p1 := Packet{ECFlags: 0x82, ECData: []byte{0, 0}, LengthTypeFlags: 0x08, PropertyFlags: DefaultPropertyFlags, SendTime: uint32(i * 12),
				Payloads: []Payload{{Stream: 1, ObjectNumber: uint32(i/2) & 0xFF, ObjectSize: 4096, PresentationTime: uint32(3100 + i*12), Data: obj[:3100]}}}
			p2 := p1
			p2.Payloads = []Payload{{Stream: 1, ObjectNumber: uint32(i/2) & 0xFF, Offset: 3100, ObjectSize: 4096, PresentationTime: uint32(3100 + i*12), Data: obj[3100:]}}
			for _, p := range []*Packet{&p1, &p2} {
				if err := p.PadTo(3200); err != nil {
					b.Fatal(err)
				}
				enc, err := p.Marshal()
				if err != nil {
					b.Fatal(err)
				}
				pkts = append(pkts, enc)
			}
		}
		file := concat(hdr, dataObjFixed(testFileID, uint64(len(pkts)), uint64(DataObjectFixedSize+3200*len(pkts))), concat(pkts...))
		benchDemux(b, file)
	})
}

func benchDemux(b *testing.B, data []byte) {
	f, err := OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		b.Fatal(err)
	}
	n := f.PacketCount()
	b.SetBytes(int64(n) * int64(f.PacketSize()))
	buf := make([]byte, f.PacketSize())
	var objects int
	emit := func(o Object) { objects += len(o.Data) & 1 }
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		d := NewDemuxer(f.Header())
		for i := uint64(0); i < n; i++ {
			p, err := f.ReadPacket(i, buf)
			if err != nil {
				b.Fatal(err)
			}
			if err := d.Push(p, emit); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "packets/s")
}
