#!/bin/sh
# bench/startup.sh: time to first audio (TTFA) of Eddy's MMSH client.
#
# Part 1: Eddy and VLC (cvlc, default caching) against the same VLC MMSH
# server on loopback, in one run; prints medians and the ratio Eddy/VLC
# (goal <= 0.5) and Eddy's rebuffers over DUR seconds (goal 0).
#   Eddy: eddyplay --stats (the whole player: MMSH client, libavcodec, the
#   player's start policy, and the real-time silent output a machine without
#   a sound card gets); TTFA = Open to the first audio written to the
#   output. A second line forces a 500 ms buffer target (--buffer 500ms).
#   VLC: launch of `cvlc --aout afile` to the creation of its audio output
#   file (VLC opens it with the first decoded audio; generous to VLC, its
#   first samples come later).
# Part 2: Eddy with and without fast start against the fake server
# (bench/mmshserve: real-time pacing, AccelBW bursts, X-StartupProfile) on
# a link throttled to 2x the stream's bit rate, buffer target 5 s (goal:
# first audio <= 1 s with fast start).
#
# Needs ffmpeg, cvlc (run as nobody when root), Go with cgo and the FFmpeg
# dev packages. RUNS (default 3) and DUR (default 60) tune it.
#
# Measured on the project's 2-core machine (VLC 3.0.24, FFmpeg 5.1, 64 kbit/s
# WMA, RUNS=3 DUR=60, 2026-11-22): Eddy 325 ms with the player's default
# start (it starts early because VLC's server delivers faster than real
# time), 203 ms with a 500 ms buffer, VLC 2664 ms: ratio 0.12 (0.08); 0
# rebuffers over 60 s either way. Fake server on a 2x link, 5 s buffer
# target: 516 ms with fast start, 5046 ms without.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
DUR=${DUR:-60}
tmp=$(mktemp -d)
chmod 755 "$tmp"
mkdir -p "$tmp/home"
chmod 777 "$tmp/home"
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

SETPRIV=""
if [ "$(id -u)" = 0 ]; then SETPRIV="setpriv --reuid=nobody --regid=nogroup --clear-groups"; fi
# as_user runs a command as nobody when root (VLC refuses to run as root).
as_user() { $SETPRIV env HOME="$tmp/home" "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A WMA stream long enough for every run (64 kbit/s, like the peers' fixtures).
LEN=$(( RUNS * (2 * DUR + 15) + 60 ))
SRC=$tmp/wmav2_long.wma
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$LEN" \
  -ac 2 -c:a wmav2 -b:a 64k "$SRC"
chmod 644 "$SRC"
go build -o "$tmp/eddyplay" ./cmd/eddyplay
go build -o "$tmp/mmshserve" ./bench/mmshserve

# ---- Part 1: against VLC ----
PORT=$(free_port)
timeout $(( LEN + 30 )) $SETPRIV env HOME="$tmp/home" cvlc -I dummy --no-audio --no-video "$SRC" \
  --sout "#std{access=mmsh,mux=asfh,dst=127.0.0.1:$PORT/}" >"$tmp/vlc-server.log" 2>&1 &
pids="$pids $!"
URL=mmsh://127.0.0.1:$PORT/
i=0
until curl -s -m 2 -H 'User-Agent: NSPlayer/12.0.7724.0' -H 'Pragma: no-cache' "http://127.0.0.1:$PORT/" 2>/dev/null | head -c 2 | grep -q '\$H'; do
  i=$((i + 1)); [ $i -gt 200 ] && { echo "VLC server did not start"; cat "$tmp/vlc-server.log"; exit 1; }
  sleep 0.1
done

vlc_ttfa() {
  out=$tmp/home/vlc-out.wav
  rm -f "$out"
  t0=$(now_ms)
  timeout 30 $SETPRIV env HOME="$tmp/home" cvlc -I dummy --no-video --aout afile --audiofile-file "$out" --run-time 8 --play-and-exit "$URL" \
    >"$tmp/vlc-client.log" 2>&1 &
  vp=$!
  while [ ! -e "$out" ]; do
    if [ $(( $(now_ms) - t0 )) -gt 25000 ]; then echo -1; wait $vp || true; return; fi
    sleep 0.005
  done
  echo $(( $(now_ms) - t0 ))
  wait $vp || true
}

: >"$tmp/eddy"; : >"$tmp/eddy500"; : >"$tmp/vlc"; : >"$tmp/rebuf"; : >"$tmp/rebuf500"
for r in $(seq 1 "$RUNS"); do
  j=$("$tmp/eddyplay" --stats --duration "${DUR}s" "$URL" 2>>"$tmp/eddy.log")
  echo "eddy run $r: $j"
  echo "$j" | field time_to_first_audio_ms >>"$tmp/eddy"
  echo "$j" | field rebuffers >>"$tmp/rebuf"
  j=$("$tmp/eddyplay" --stats --duration "${DUR}s" --buffer 500ms "$URL" 2>>"$tmp/eddy.log")
  echo "eddy (500 ms start) run $r: $j"
  echo "$j" | field time_to_first_audio_ms >>"$tmp/eddy500"
  echo "$j" | field rebuffers >>"$tmp/rebuf500"
  v=$(vlc_ttfa)
  echo "vlc run $r: time_to_first_audio_ms $v"
  echo "$v" >>"$tmp/vlc"
done
E=$(median <"$tmp/eddy"); E5=$(median <"$tmp/eddy500"); V=$(median <"$tmp/vlc")
RB=$(sort -n "$tmp/rebuf" | tail -1); RB5=$(sort -n "$tmp/rebuf500" | tail -1)
echo
echo "VLC MMSH server, loopback, $RUNS runs (medians):"
echo "  Eddy (player default start)          TTFA ${E} ms, max rebuffers over ${DUR} s: $RB"
echo "  Eddy (500 ms start)                  TTFA ${E5} ms, max rebuffers over ${DUR} s: $RB5"
echo "  VLC (cvlc, default caching)          TTFA ${V} ms"
awk -v e="$E" -v e5="$E5" -v v="$V" 'BEGIN { printf "  ratio Eddy/VLC %.2f (500 ms start: %.2f), goal <= 0.5\n", e / v, e5 / v }'

# ---- Part 2: fake server, link at 2x the bit rate ----
LINK=16000 # bytes/s = 2 x 64 kbit/s
"$tmp/mmshserve" -link $LINK "$SRC" >"$tmp/fake.url" 2>"$tmp/fake.log" &
pids="$pids $!"
i=0
until [ -s "$tmp/fake.url" ]; do i=$((i + 1)); [ $i -gt 100 ] && { cat "$tmp/fake.log"; exit 1; }; sleep 0.05; done
FURL=$(cat "$tmp/fake.url")
: >"$tmp/fast"; : >"$tmp/slow"
for r in $(seq 1 "$RUNS"); do
  j=$("$tmp/eddyplay" --stats --buffer 5s --duration 15s "$FURL" 2>>"$tmp/eddy.log")
  echo "fast start run $r: $j"
  echo "$j" | field time_to_first_audio_ms >>"$tmp/fast"
  j=$("$tmp/eddyplay" --stats --buffer 5s --duration 15s --no-fast-start "$FURL" 2>>"$tmp/eddy.log")
  echo "no fast start run $r: $j"
  echo "$j" | field time_to_first_audio_ms >>"$tmp/slow"
done
echo
echo "Fake server, link 2x the stream bit rate, buffer target 5 s, $RUNS runs (medians):"
echo "  with fast start    TTFA $(median <"$tmp/fast") ms (goal <= 1000)"
echo "  without fast start TTFA $(median <"$tmp/slow") ms"
