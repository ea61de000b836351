#!/bin/sh
# bench/decode.sh [FILE]: CPU time of `eddyplay --out /dev/null FILE` (the
# player decodes the audio to PCM and the video to RGBA, nothing displayed)
# against `ffmpeg -i FILE -f null -` in the same run, printed as a ratio
# (goal <= 1.2: the same codec library, so the difference is our overhead).
# Without FILE it makes the 60 s WMV2+WMA2 fixture of
# shared/peers/make_fixtures.sh (long_wmv2_wmav2_60s.wmv) in a temp dir.
# Needs ffmpeg, Go and the FFmpeg dev packages (cgo).
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
F=${1:-}
if [ -z "$F" ]; then
  F=$tmp/long_wmv2_wmav2_60s.wmv
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc=size=320x240:rate=25:duration=60" \
    -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=60" \
    -c:v wmv2 -b:v 300k -g 25 -c:a wmav2 -b:a 64k -ac 2 "$F"
fi
go build -o "$tmp/decodebench" ./bench/decodebench
go build -o "$tmp/eddyplay" ./cmd/eddyplay
"$tmp/decodebench" -runs "${RUNS:-3}" -eddyplay "$tmp/eddyplay" "$F"
