#!/bin/sh
# bench/cpu.sh: CPU time of real-time playback, Eddy against VLC (issue 12).
#
# Each player plays the same file for DUR seconds (default 20) of real
# time to a silent output: `eddyplay --duration DUR` (the whole player:
# demuxer, libavcodec, the player's queues and clocks, the paced silent
# output a machine without a sound card gets, video decoded to pictures
# that nothing displays) and `cvlc --aout dummy --vout dummy --run-time
# DUR` (VLC decodes and drops at the same pace). The CPU time (user +
# system, from /usr/bin/time) of RUNS runs (default 3) each, medians, and
# the ratio Eddy/VLC are printed per file (goal <= 1.0).
# Files: a 64 kbit/s WMA and the 320x240 WMV2+WMA2 of
# shared/peers/make_fixtures.sh, both made here with FFmpeg.
# Needs ffmpeg, cvlc (run as nobody when root), /usr/bin/time, Go with cgo
# and the FFmpeg dev packages.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
DUR=${DUR:-20}
tmp=$(mktemp -d)
chmod 755 "$tmp"
mkdir -p "$tmp/home"
chmod 777 "$tmp/home"
trap 'rm -rf "$tmp"' EXIT INT TERM
SETPRIV=""
if [ "$(id -u)" = 0 ]; then SETPRIV="setpriv --reuid=nobody --regid=nogroup --clear-groups"; fi
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

LEN=$(( DUR + 20 ))
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$LEN" \
  -ac 2 -c:a wmav2 -b:a 64k "$tmp/audio.wma"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc=size=320x240:rate=25:duration=$LEN" \
  -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$LEN" \
  -c:v wmv2 -b:v 300k -g 25 -c:a wmav2 -b:a 64k -ac 2 "$tmp/video.wmv"
chmod 644 "$tmp"/*.wma "$tmp"/*.wmv
go build -o "$tmp/eddyplay" ./cmd/eddyplay

# cpu CMD...: user+system seconds of CMD.
cpu() {
  /usr/bin/time -f "%U %S" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 2; }
  awk '{printf "%.2f\n", $1 + $2}' "$tmp/time"
}

printf '%-28s %12s %12s %8s\n' "file (${DUR} s of playback)" "Eddy CPU s" "VLC CPU s" "ratio"
for f in audio.wma video.wmv; do
  : >"$tmp/e"; : >"$tmp/v"
  for r in $(seq "$RUNS"); do
    # No sound card here: eddyplay falls back to its paced silent output.
    cpu env ALSA_CONFIG_PATH=/dev/null "$tmp/eddyplay" --duration "${DUR}s" "$tmp/$f" >>"$tmp/e"
    cpu $SETPRIV env HOME="$tmp/home" cvlc -q --no-video-title-show --aout dummy --vout dummy \
      --run-time "$DUR" --play-and-exit "$tmp/$f" >>"$tmp/v"
  done
  E=$(median <"$tmp/e"); V=$(median <"$tmp/v")
  printf '%-28s %12s %12s %8s\n' "$f" "$E" "$V" "$(awk -v e="$E" -v v="$V" 'BEGIN {printf "%.2f", e / v}')"
done
