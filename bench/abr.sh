#!/bin/sh
# bench/abr.sh: adaptive bit rate under a falling link, Eddy against
# GStreamer's mssdemux (issue 10's benchmark).
#
# FFmpeg makes a Smooth Streaming tree of LEN seconds (default 90: longer
# than the schedule, so that a player that buffers far ahead, as Eddy
# does, still has fragments to fetch after the drop): H.264
# at 350k, 700k, 1.5M and 3M (480x270 to 1280x720, 25 frames/s, CBR with
# filler so each fragment really is its bit rate, no B-frames, a key frame
# every 2 s) and 96k AAC, in 2 s fragments (the peers README §3 recipe).
# bench/abrserve serves it on loopback through one link that every
# connection shares, whose bandwidth follows SCHEDULE (default
# 5M:20s,1M:20s,5M:20s from the first request on, the last rate after it),
# and logs each request.
# Each player gets a fresh server and plays the whole tree in real time:
#   Eddy: eddyplay --stats URL (the whole player: Smooth client and its
#     ABR, libavcodec for H.264 and AAC, the real-time silent output a
#     machine without a sound card gets). Stalls: --stats rebuffers. First
#     frame: the later of time_to_first_frame_ms (Open to the first
#     picture shown) and time_to_first_audio_ms (to the first audio
#     written): both are out, as GStreamer's PLAYING says of its sinks.
#   GStreamer 1.22: gst-launch-1.0 playbin (mssdemux) with
#     "videoconvert ! fakesink sync=true" and "audioconvert ! fakesink
#     sync=true" as sinks (the converters make it decode; the sinks run on
#     the clock), its output stamped line by line (abrserve -stamp).
#     Stalls: gst-launch's "Buffering, setting pipeline to PAUSED" after it
#     first went to PLAYING (what an application does on a buffering
#     message under 100%); stalled time: each such pause to the next
#     "Done buffering". First frame: from the Manifest request reaching the
#     server to the pipeline going to PLAYING (preroll done: a decoded
#     picture and audio at the sinks; gst-launch's own start-up excluded,
#     which favours GStreamer).
# From the servers' logs (abrserve -report): seconds of video fetched at
# each quality, the quality fetched at the drop, the fragments started at a
# quality above the link (with the audio) after the drop and before the
# next change, and the switch-down delay (the drop to the first fragment
# started at a quality that fits). "stalled s" is, for both, the wall time
# from the first frame to the end less the media's length (Eddy: exit;
# GStreamer: EOS), so it also holds each player's end latency.
# Exits 1 when Eddy misses a goal: 0 stalls, at most 2 fragments above the
# link after the drop, first frame no later than GStreamer's.
#
# About 4 minutes (45 s of x264, then each player for LEN seconds).
#   LEN=120 SCHEDULE=5M:30s,1M:30s,5M:30s bench/abr.sh
#   VERBOSE=1 bench/abr.sh      # with each player's output and request log
# Needs ffmpeg (libx264), gst-launch-1.0 (plugins good, bad: mssdemux;
# libav: avdec_h264), Go with cgo and the FFmpeg dev packages.
#
# Measured on the project's 2-core machine under other work (load 6-8;
# GStreamer 1.22, FFmpeg 5.1, defaults, 2026-12-06), two runs: Eddy 0
# stalls, first audio 299/310 ms, video fetched 28 s at 350k, 6 at 700k,
# 56 at 1.5M, 0 at 3M (mean 1089 kbit/s) both times, 1.5M at the drop, 1
# fragment above the link after it (started 0.1 s after the drop), 700k
# 3.8 s after the drop, then 350k. GStreamer 0 stalls, first PLAYING
# 4601/4513 ms (ratio 0.07), 3M at the drop, 0/1 fragment above the link,
# down 2.7/5.5 s after the drop, mean 2263/2250 kbit/s (58 s at 3M). With
# a 60 s tree GStreamer once paused 3 s for buffering after the drop.
set -eu
cd "$(dirname "$0")/.."
LEN=${LEN:-90}
SCHEDULE=${SCHEDULE:-5M:20s,1M:20s,5M:20s}
VERBOSE=${VERBOSE:-}
tmp=$(mktemp -d)
srv=""
cleanup() {
  if [ -n "$srv" ]; then kill "$srv" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"; }

go build -o "$tmp/eddyplay" ./cmd/eddyplay
go build -o "$tmp/abrserve" ./bench/abrserve

echo "making the $LEN s tree (x264, 4 qualities)..."
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$LEN" \
  -ac 2 -c:a aac -b:a 96k "$tmp/audio.mka"
# The output directory is relative: FFmpeg's smoothstreaming muxer writes
# the manifest's and fragments' names under it.
(cd "$tmp" && ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=$LEN" -i audio.mka \
  -map 0:v -map 0:v -map 0:v -map 0:v -map 1:a \
  -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p -bf 0 -g 50 -keyint_min 50 -sc_threshold 0 \
  -x264-params nal-hrd=cbr \
  -b:v:0 3000k -maxrate:v:0 3000k -bufsize:v:0 6000k -s:v:0 1280x720 \
  -b:v:1 1500k -maxrate:v:1 1500k -bufsize:v:1 3000k -s:v:1 960x540 \
  -b:v:2 700k -maxrate:v:2 700k -bufsize:v:2 1400k -s:v:2 640x360 \
  -b:v:3 350k -maxrate:v:3 350k -bufsize:v:3 700k -s:v:3 480x270 \
  -c:a copy -min_frag_duration 2000000 -f smoothstreaming tree)
TREE=$tmp/tree

# serve NAME: a fresh server logging to $tmp/NAME.jsonl; sets URL and srv.
serve() {
  : >"$tmp/$1.url"
  "$tmp/abrserve" -dir "$TREE" -log "$tmp/$1.jsonl" -schedule "$SCHEDULE" -exit-after $(( LEN * 3 ))s \
    >"$tmp/$1.url" 2>"$tmp/$1.server.err" &
  srv=$!
  i=0
  until [ -s "$tmp/$1.url" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && { cat "$tmp/$1.server.err"; exit 2; }
    sleep 0.05
  done
  URL=$(cat "$tmp/$1.url")
}
stop_server() { kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; srv=""; }
origin() { head -1 "$1" | field origin_unix_ms; }

# ---- Eddy ----
serve eddy
echo "Eddy: eddyplay --stats $URL"
t0=$(now_ms)
j=$(timeout $(( LEN * 3 )) "$tmp/eddyplay" --stats "$URL" 2>"$tmp/eddy.err") || { cat "$tmp/eddy.err"; exit 2; }
t1=$(now_ms)
stop_server
echo "  $j"
[ -n "$VERBOSE" ] && { cat "$tmp/eddy.err"; cat "$tmp/eddy.jsonl"; }
E_TTFA=$(echo "$j" | field time_to_first_audio_ms)
E_TTFP=$(echo "$j" | field time_to_first_frame_ms)
E_TTFF=$E_TTFA; [ "$E_TTFP" -gt "$E_TTFF" ] && E_TTFF=$E_TTFP
E_RB=$(echo "$j" | field rebuffers)
E_POS=$(echo "$j" | field position_ms)
E_STALL=$(( t1 - (t0 + E_TTFA) - E_POS ))
printf '{"name":"Eddy","log":"%s","stalls":%d,"stalls_how":"eddyplay --stats rebuffers","stall_ms":%d,"ttff_ms":%d,"ttff_how":"Open to the first picture shown and the first audio written (%d ms, %d ms)"}\n' \
  "$tmp/eddy.jsonl" "$E_RB" "$E_STALL" "$E_TTFF" "$E_TTFP" "$E_TTFA" >"$tmp/eddy.json"

# ---- GStreamer ----
serve gst
echo "GStreamer: gst-launch-1.0 playbin uri=$URL (decoding, fake sinks on the clock)"
stdbuf -o0 -e0 timeout $(( LEN * 3 )) gst-launch-1.0 playbin uri="$URL" \
  video-sink="videoconvert ! fakesink sync=true" audio-sink="audioconvert ! fakesink sync=true" 2>&1 |
  "$tmp/abrserve" -stamp >"$tmp/gst.out" || true
stop_server
[ -n "$VERBOSE" ] && { grep -v 'buffering\.\.\.' "$tmp/gst.out" || true; cat "$tmp/gst.jsonl"; }
# First PLAYING, pauses for buffering after it and their length, EOS.
eval "$(awk -F'\t' '
  tolower($2) ~ /setting pipeline to playing/ {
    if (!play) play = $1
    if (paused) { stall += $1 - paused; paused = 0 }
  }
  play && $2 ~ /^Buffering, setting pipeline to PAUSED/ { n++; paused = $1 }
  $2 ~ /^Got EOS from element/ && !eos { eos = $1 }
  END { printf "G_PLAY=%.0f G_STALLS=%d G_STALL_MS=%.0f G_EOS=%.0f\n", play, n, stall, eos }' "$tmp/gst.out")"
G_ORIGIN=$(origin "$tmp/gst.jsonl"); G_ORIGIN=${G_ORIGIN:-0}
G_TTFF=-1; G_WALL=-1
if [ "$G_PLAY" -gt 0 ] && [ "$G_ORIGIN" -gt 0 ]; then G_TTFF=$(( G_PLAY - G_ORIGIN )); fi
LEN_MS=$(awk -F'"' '/<SmoothStreamingMedia/ { for (i = 1; i < NF; i++) if ($i ~ /Duration=$/) printf "%d", $(i+1) / 10000 }' "$TREE/Manifest")
if [ "$G_EOS" -gt 0 ] && [ "$G_PLAY" -gt 0 ]; then G_WALL=$(( G_EOS - G_PLAY - LEN_MS )); fi
echo "  first PLAYING $G_TTFF ms after the Manifest request, $G_STALLS buffering pauses ($G_STALL_MS ms), EOS $([ "$G_EOS" -gt 0 ] && echo reached || echo 'not reached')"
printf '{"name":"GStreamer","log":"%s","stalls":%d,"stalls_how":"gst-launch buffering pauses after PLAYING (%d ms paused)","stall_ms":%d,"ttff_ms":%d,"ttff_how":"the Manifest request to PLAYING (preroll done)"}\n' \
  "$tmp/gst.jsonl" "$G_STALLS" "$G_STALL_MS" "$G_WALL" "$G_TTFF" >"$tmp/gst.json"

echo
"$tmp/abrserve" -report -manifest "$TREE/Manifest" -schedule "$SCHEDULE" "$tmp/eddy.json" "$tmp/gst.json"
