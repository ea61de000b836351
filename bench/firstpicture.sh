#!/bin/sh
# bench/firstpicture.sh: start-up to the first picture, Eddy's window
# against ffplay (issue 12).
#
# Under one Xvfb display, bench/firstpicture launches each player on the
# same file and reads the screen until the clip's picture shows (a solid
# yellow 320x240 WMV2+WMA2 clip made with FFmpeg, a colour neither
# player's own interface has): the milliseconds from the launch to the
# first screen read that shows it. The reader reads through MIT-SHM,
# sparsely, every 3 ms, so that it takes a fifth of a core, not the one
# and a fifth that reading as fast as it could took from the players.
# Both play silently (eddy -audio none,
# ffplay with SDL's dummy audio driver). One unmeasured run each warms the
# page cache, then RUNS runs (default 5) alternate between the players;
# prints the medians, the longest gap between two screen reads (the
# resolution), and the ratio Eddy/ffplay.
# Needs Xvfb, ffmpeg, ffplay, libx11-dev and libxext-dev, Go with cgo and the FFmpeg and
# Fyne build packages (make setup).
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
DISP=${DISP:-:96}
tmp=$(mktemp -d)
xvfb=""
cleanup() {
  [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else printf "%d\n", (a[NR/2]+a[NR/2+1])/2}'; }

ffmpeg -hide_banner -loglevel error -y -f lavfi -i "color=c=yellow:size=320x240:rate=25:duration=30" \
  -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=30" \
  -c:v wmv2 -b:v 300k -g 25 -c:a wmav2 -b:a 64k -ac 2 "$tmp/clip.wmv"
go build -tags no_emoji -o "$tmp/eddy" ./cmd/eddy # as make build does
go build -o "$tmp/firstpicture" ./bench/firstpicture

Xvfb "$DISP" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
sleep 1
export DISPLAY=$DISP

eddy() { "$tmp/firstpicture" -- "$tmp/eddy" -audio none "$tmp/clip.wmv" 2>/dev/null; }
ffp() { SDL_AUDIODRIVER=dummy "$tmp/firstpicture" -- ffplay -hide_banner -loglevel error "$tmp/clip.wmv"; }
eddy >/dev/null
ffp >/dev/null
: >"$tmp/e"; : >"$tmp/f"
i=0
while [ "$i" -lt "$RUNS" ]; do
  eddy >>"$tmp/e"
  ffp >>"$tmp/f"
  i=$((i + 1))
done
em=$(cut -d' ' -f1 "$tmp/e" | median); eg=$(cut -d' ' -f2 "$tmp/e" | sort -n | tail -1)
fm=$(cut -d' ' -f1 "$tmp/f" | median); fg=$(cut -d' ' -f2 "$tmp/f" | sort -n | tail -1)
printf '%-7s first picture %6s ms (median of %d; runs: %s; screen read every <= %s ms)\n' eddy "$em" "$RUNS" "$(cut -d' ' -f1 "$tmp/e" | tr '\n' ' ')" "$eg"
printf '%-7s first picture %6s ms (median of %d; runs: %s; screen read every <= %s ms)\n' ffplay "$fm" "$RUNS" "$(cut -d' ' -f1 "$tmp/f" | tr '\n' ' ')" "$fg"
awk -v e="$em" -v f="$fm" 'BEGIN {printf "ratio   %.2fx ffplay\n", (f > 0 ? e/f : 0)}'
