#!/bin/sh
# Demux throughput: Eddy's asf package vs `ffmpeg -i F -c copy -f null -` on the
# same ~200 MB ASF file (WMV2 at ~27 Mbit/s + WMA2 128 kbit/s, 60 s, made once by
# ffmpeg into bench/out/, which git ignores). Eddy is bench/demuxbench: asf.OpenFile,
# a PacketReader and a Demuxer emitting every media object, run two ways:
#   fresh    - every object's Data freshly allocated (the Demuxer's default);
#   recycled - Data buffers recycled through Demuxer.Alloc, as a player's decode
#              loop that hands them back to a pool does (FFmpeg's packet buffers
#              are likewise recycled by its allocator).
# Each command runs RUNS times (default 5) and its fastest wall-clock run (process
# start to exit, like FFmpeg's) counts; the file is read once beforehand so all
# start from the page cache. Prints the Eddy / FFmpeg throughput ratios.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
OUT=bench/out
F=$OUT/demux_wmv2_wmav2_200mb.wmv
mkdir -p "$OUT"
for tool in ffmpeg go; do
	command -v $tool >/dev/null || { echo "demux.sh: $tool is required" >&2; exit 1; }
done
if [ ! -s "$F" ]; then
	echo "making $F (once) ..."
	ffmpeg -hide_banner -loglevel error -y \
		-f lavfi -i "testsrc2=size=640x480:rate=25:duration=60" \
		-f lavfi -i "sine=frequency=440:sample_rate=44100:duration=60" \
		-vf "noise=alls=12:allf=t" -c:v wmv2 -q:v 3 -g 50 -c:a wmav2 -b:a 128k -ac 2 "$F.tmp.wmv"
	mv "$F.tmp.wmv" "$F"
fi
go build -o "$OUT/demuxbench" ./bench/demuxbench
SIZE=$(wc -c < "$F")
cat "$F" > /dev/null

now() { date +%s%N; }
best() { # best wall time in ns of RUNS runs of "$@"
	b=0
	i=0
	while [ $i -lt "$RUNS" ]; do
		s=$(now)
		"$@" > /dev/null
		e=$(now)
		t=$((e - s))
		if [ $b -eq 0 ] || [ $t -lt $b ]; then b=$t; fi
		i=$((i + 1))
	done
	echo $b
}

FRESH_NS=$(best "$OUT/demuxbench" -runs 1 "$F")
RECYCLED_NS=$(best "$OUT/demuxbench" -runs 1 -recycle "$F")
FFMPEG_NS=$(best ffmpeg -hide_banner -loglevel error -nostdin -i "$F" -c copy -f null -)
"$OUT/demuxbench" -runs 1 "$F" | head -1
awk -v size="$SIZE" -v a="$FRESH_NS" -v b="$RECYCLED_NS" -v f="$FFMPEG_NS" -v runs="$RUNS" 'BEGIN {
	am = size / (a / 1e9) / 1e6; bm = size / (b / 1e9) / 1e6; fm = size / (f / 1e9) / 1e6
	printf "file: %.1f MB; wall clock, best of %d runs each\n", size / 1e6, runs
	printf "eddy demux, fresh buffers:     %7.3f s  %8.1f MB/s\n", a / 1e9, am
	printf "eddy demux, recycled buffers:  %7.3f s  %8.1f MB/s\n", b / 1e9, bm
	printf "ffmpeg -c copy -f null:        %7.3f s  %8.1f MB/s\n", f / 1e9, fm
	printf "ratio eddy/ffmpeg throughput: %.2fx (recycled buffers), %.2fx (fresh buffers)\n", bm / fm, am / fm
}'
