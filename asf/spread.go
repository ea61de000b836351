package asf

// descramble undoes Audio Spread interleaving (ASF spec §9.1): an object of
// span·packetLen bytes was written as span virtual packets, virtual packet j
// holding chunks j, j+span, j+2·span... of the original. dst and src have
// the same length span·packetLen; chunk divides packetLen.
//
// Original chunk k = row·span + col sits in the scrambled buffer at chunk
// index row + col·(packetLen/chunk).
func descramble(dst, src []byte, span, packetLen, chunk int) {
	perPacket := packetLen / chunk
	for off := 0; off+chunk <= len(dst); off += chunk {
		k := off / chunk
		row, col := k/span, k%span
		idx := row + col*perPacket
		copy(dst[off:off+chunk], src[idx*chunk:idx*chunk+chunk])
	}
}

// scramble is the inverse of descramble (used to build test objects and by
// servers that write Audio Spread streams).
func scramble(dst, src []byte, span, packetLen, chunk int) {
	perPacket := packetLen / chunk
	for off := 0; off+chunk <= len(src); off += chunk {
		k := off / chunk
		row, col := k/span, k%span
		idx := row + col*perPacket
		copy(dst[idx*chunk:idx*chunk+chunk], src[off:off+chunk])
	}
}
