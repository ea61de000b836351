#!/bin/sh
# bench/soak.sh: no growth over time (issue 12). bench/soakbench plays a
# looping live MMSH broadcast of a 320x240 WMV2+WMA2 file (the fake
# server, paced in real time) through the whole player for DUR (default
# 30m), switching streams every 20 s (video off, video on; every fifth
# switch opens the stream again), and reads the resident memory (and
# where it is: the Go heap, what the Go runtime holds, the buffer pool,
# the C heap in use and what the C allocator keeps free), goroutines and
# open files each minute. It prints the readings and the
# growth after the first minute, and exits 1 when memory grew by more than
# 32 MB, goroutines by more than 8 or files by more than 4 (goal: flat).
# `make test` runs a two-minute version (TestSoakShort).
# Needs ffmpeg, Go with cgo and the FFmpeg dev packages.
set -eu
cd "$(dirname "$0")/.."
DUR=${DUR:-30m}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc=size=320x240:rate=25:duration=60" \
  -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=60" \
  -c:v wmv2 -b:v 300k -g 25 -c:a wmav2 -b:a 64k -ac 2 "$tmp/av.wmv"
go build -o "$tmp/soakbench" ./bench/soakbench
"$tmp/soakbench" -duration "$DUR" -every 20s -sample 1m -settle 1m "$tmp/av.wmv"
