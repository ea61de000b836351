#!/bin/sh
# Regenerates the small ASF fixtures committed here (used by the asf package's
# offline tests and golden dumps). Recipes from the peers' make_fixtures.sh.
# Needs ffmpeg (5.1) and gst-launch-1.0 with plugins base/good/bad/ugly and
# gstreamer1.0-libav. FFmpeg's output is byte-stable; GStreamer asfmux's is not
# (random File ID and date), so regenerating it changes the golden dumps:
# run `go test ./asf -run Golden -update` afterwards.
set -eu
cd "$(dirname "$0")"
Q="-hide_banner -loglevel error -y"
SINE="sine=frequency=440:sample_rate=44100"

# FFmpeg asf muxer: 3200-byte padded packets with EC data, preroll 3100 ms,
# audio streams with the Audio Spread error correction type (span 1).
ffmpeg $Q -f lavfi -i "$SINE:duration=6" -ac 2 -c:a wmav2 -b:a 64k c_wmav2.wma
# WMV2 + WMA2 with a Simple Index.
ffmpeg $Q -f lavfi -i "testsrc=size=320x240:rate=25:duration=6" -f lavfi -i "$SINE:duration=6" \
       -c:v wmv2 -b:v 400k -g 25 -c:a wmav2 -b:a 64k -ac 2 d_wmv2_wmav2.wmv
# GStreamer asfmux: 4800-byte packets, explicit packet length, no EC data,
# preroll 5000 ms, Extended Stream Properties, Simple Index.
gst-launch-1.0 -q asfmux name=m ! filesink location=gst_asfmux_wmv2_wmav2.wmv \
  videotestsrc num-buffers=150 ! video/x-raw,width=320,height=240,framerate=25/1 ! videoconvert ! avenc_wmv2 bitrate=400000 ! m. \
  audiotestsrc num-buffers=260 samplesperbuffer=1024 ! audio/x-raw,rate=44100,channels=2 ! audioconvert ! avenc_wmav2 bitrate=64000 ! m.
