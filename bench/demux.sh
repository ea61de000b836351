#!/bin/sh
# Demux throughput: Eddy's asf package vs `ffmpeg -i F -c copy -f null -` on the
# same ~200 MB ASF file (WMV2 at ~27 Mbit/s + WMA2 128 kbit/s, 60 s, made once by
# ffmpeg into bench/out/, which git ignores). Eddy is bench/demuxbench: asf.OpenFile,
# a PacketReader and a Demuxer emitting every media object, run two ways:
#   fresh    - every object's Data freshly allocated (the Demuxer's default);
#   recycled - Data buffers recycled through Demuxer.Alloc, as a player's decode
#              loop that hands them back to a pool does (FFmpeg's packet buffers
#              are likewise recycled by its allocator);
#   player   - the demuxer exactly as the player drives it: the local-file
#              session (transport/progressive) read sample by sample, every
#              buffer from transport/bufpool and given back to it, as the
#              player's decoders do (goal: >= 2x FFmpeg, issue 12).
# Each command runs RUNS times (default 7) as a separate process; the file is read
# once beforehand so all start from the page cache. Throughput is the file size
# over the best CPU time (user + system of the whole process, from its resource
# usage), which a busy shared machine disturbs less than wall-clock time; the best
# wall-clock times are printed too. Prints the Eddy / FFmpeg throughput ratios.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
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
B=$OUT/demuxbench
go build -o "$B" ./bench/demuxbench
SIZE=$(wc -c < "$F")
cat "$F" > /dev/null

FRESH=$("$B" -time "$RUNS" -- "$B" -runs 1 "$F")
RECYCLED=$("$B" -time "$RUNS" -- "$B" -runs 1 -recycle "$F")
PLAYER=$("$B" -time "$RUNS" -- "$B" -runs 1 -player "$F")
FFMPEG=$("$B" -time "$RUNS" -- ffmpeg -hide_banner -loglevel error -nostdin -i "$F" -c copy -f null -)
"$B" -runs 1 "$F" | head -1
echo "$FRESH $RECYCLED $FFMPEG $PLAYER" | tr '=' ' ' | awk -v size="$SIZE" -v runs="$RUNS" '{
	mb = size / 1e6
	fc = $2; fw = $4; rc = $6; rw = $8; xc = $10; xw = $12; pc = $14; pw = $16
	printf "file: %.1f MB; best of %d runs each; MB/s = size / CPU time (user+sys)\n", mb, runs
	printf "%-30s %8s %9s %9s\n", "", "cpu s", "MB/s", "wall s"
	printf "%-30s %8.3f %9.1f %9.3f\n", "eddy demux, fresh buffers", fc, mb / fc, fw
	printf "%-30s %8.3f %9.1f %9.3f\n", "eddy demux, recycled buffers", rc, mb / rc, rw
	printf "%-30s %8.3f %9.1f %9.3f\n", "eddy, as the player reads", pc, mb / pc, pw
	printf "%-30s %8.3f %9.1f %9.3f\n", "ffmpeg -c copy -f null", xc, mb / xc, xw
	printf "ratio eddy/ffmpeg throughput (CPU time) as the player reads: %.2fx (goal >= 2)\n", xc / pc
	printf "ratio eddy/ffmpeg throughput (CPU time):  %.2fx recycled buffers, %.2fx fresh buffers\n", xc / rc, xc / fc
	printf "ratio eddy/ffmpeg throughput (wall time): %.2fx recycled buffers, %.2fx fresh buffers\n", xw / rw, xw / fw
}'
