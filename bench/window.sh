#!/bin/sh
# bench/window.sh: the window's CPU and memory against ffplay (issue 12).
#
# Under one Xvfb display (software OpenGL, as this machine has no GPU),
# bin/eddy and ffplay play the same files, silently (eddy -audio none: the
# paced silent output; ffplay with SDL's dummy audio driver), for WARM
# seconds to settle, then CPU time (user + system, /proc/PID/stat) is read
# over DUR seconds of playback (default 20) and the peak resident memory
# (VmHWM) at the end; then each is paused (Space for eddy, p for ffplay,
# sent with xdotool) and its CPU read over PAUSE seconds (goal: below 1%).
# Files: a 320x240 and a 1280x720 WMV2+WMA2 and a WMA, made with FFmpeg.
# Prints per file: CPU % of a core while playing and paused, peak RSS, and
# the ratios Eddy/ffplay (goals: CPU <= 1.0x, RSS <= 1.0x). FILES picks some
# of small.wmv, hd.wmv, audio.wma.
# Needs Xvfb, xdotool, ffmpeg, ffplay, Go with cgo and the FFmpeg and Fyne
# build packages (make setup).
set -eu
cd "$(dirname "$0")/.."
WARM=${WARM:-5}
DUR=${DUR:-20}
PAUSE=${PAUSE:-10}
DISP=${DISP:-:97}
tmp=$(mktemp -d)
xvfb=""
cleanup() {
  [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null || true
  pkill -f "$tmp/" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
LEN=$(( WARM + DUR + PAUSE + 30 ))
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc=size=320x240:rate=25:duration=$LEN" \
  -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$LEN" \
  -c:v wmv2 -b:v 300k -g 25 -c:a wmav2 -b:a 64k -ac 2 "$tmp/small.wmv"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=$LEN" \
  -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$LEN" \
  -c:v wmv2 -b:v 2500k -g 50 -c:a wmav2 -b:a 128k -ac 2 "$tmp/hd.wmv"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$LEN" \
  -ac 2 -c:a wmav2 -b:a 64k "$tmp/audio.wma"
go build -tags no_emoji -o "$tmp/eddy" ./cmd/eddy # as make build does

Xvfb "$DISP" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
sleep 1
export DISPLAY=$DISP

# ticks PID: user+system clock ticks of PID.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hwm() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
HZ=$(getconf CLK_TCK)

# measure NAME PAUSEKEY CMD...: prints "cpu_play cpu_paused rss_kb".
measure() {
  key=$1; shift
  "$@" >"$tmp/out" 2>&1 &
  pid=$!
  sleep "$WARM"
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/out" >&2; echo "player exited" >&2; exit 2; }
  a=$(ticks "$pid"); sleep "$DUR"; b=$(ticks "$pid")
  rss=$(hwm "$pid")
  win=$(xdotool search --pid "$pid" 2>/dev/null | tail -1 || true)
  if [ -n "$win" ]; then xdotool windowactivate --sync "$win" key "$key" 2>/dev/null || xdotool key --window "$win" "$key"; else xdotool key "$key"; fi
  sleep 1
  c=$(ticks "$pid"); sleep "$PAUSE"; d=$(ticks "$pid")
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v hz="$HZ" -v dur="$DUR" -v p="$PAUSE" -v rss="$rss" \
    'BEGIN {printf "%.1f %.1f %d\n", 100*(b-a)/hz/dur, 100*(d-c)/hz/p, rss}'
}

printf '%-10s %-7s %9s %11s %9s\n' "file" "player" "CPU play" "CPU paused" "peak RSS"
for f in ${FILES:-small.wmv hd.wmv audio.wma}; do
  set -- $(measure space "$tmp/eddy" -audio none "$tmp/$f")
  ep=$1; epa=$2; er=$3
  set -- $(measure p env SDL_AUDIODRIVER=dummy ffplay -hide_banner -loglevel error -autoexit "$tmp/$f")
  fp=$1; fpa=$2; fr=$3
  printf '%-10s %-7s %8s%% %10s%% %6d MB\n' "$f" eddy "$ep" "$epa" $(( er / 1024 ))
  printf '%-10s %-7s %8s%% %10s%% %6d MB\n' "$f" ffplay "$fp" "$fpa" $(( fr / 1024 ))
  awk -v ep="$ep" -v fp="$fp" -v er="$er" -v fr="$fr" -v f="$f" \
    'BEGIN {printf "%-10s ratio   CPU %.2fx (goal <= 1.0), RSS %.2fx (goal <= 1.0)\n", f, (fp > 0 ? ep/fp : 0), er/fr}'
  if [ "$f" != audio.wma ]; then
    # ffplay opens a window of the video's own size (320x240: a
    # twelfth of Eddy's 1000x640 window's pixels to draw and present
    # each frame); the same window size as Eddy's, for the cost per
    # pixel shown.
    set -- $(measure p env SDL_AUDIODRIVER=dummy ffplay -hide_banner -loglevel error -autoexit -x 1000 -y 640 "$tmp/$f")
    printf '%-10s %-7s %8s%% %10s%% %6d MB   (ffplay -x 1000 -y 640, Eddy'"'"'s window size)\n' "$f" ffplay "$1" "$2" $(( $3 / 1024 ))
    awk -v ep="$ep" -v fp="$1" -v f="$f" 'BEGIN {printf "%-10s ratio   CPU %.2fx against ffplay at the same window size\n", f, (fp > 0 ? ep/fp : 0)}'
  fi
done
# The floor: a bare Fyne window (one label), idle, over PAUSE seconds; Fyne's
# event loop polls at 60 Hz however still the window is.
go build -tags no_emoji -o "$tmp/fyneidle" ./cmd/internal/fyneidle
"$tmp/fyneidle" >/dev/null 2>&1 &
pid=$!
sleep "$WARM"
a=$(ticks "$pid"); sleep "$PAUSE"; b=$(ticks "$pid")
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
awk -v a="$a" -v b="$b" -v hz="$HZ" -v p="$PAUSE" 'BEGIN {printf "%-10s %-7s %8s  %10.1f%%   (an empty Fyne window: the floor of any Fyne program)\n", "idle", "fyne", "", 100*(b-a)/hz/p}'
