#!/bin/sh
# bench/loss.sh: RTSP delivery under loss (issue 8's benchmark).
#
# The fake Windows Media server (transport/rtsp/rtsptest) streams a 60 s
# WMV2+WMA2 file (made with ffmpeg in a temp dir, as bench/decode.sh makes
# its fixture, in 1350-byte ASF packets) in real time over UDP on loopback
# through a user-space lossy path (bench/lossbench: a proxy that rewrites
# the RTSP ports to relay sockets which lose each datagram with the given
# probability, both directions, from seeded generators, and delay it by
# half the RTT). For each loss rate (2, 5, 10%) it plays the stream with
# Eddy's whole player (RTSP session, demuxer, libavcodec, a paced null
# audio output) with FEC only (FecSpan 4, FecPerSpan 1, FecBurstMargin 6:
# MS-RTSP 4.4.4.4's example), NACK only and both, and with GStreamer's
# rtspsrc ! rtpasfdepay (plain RTP) on the same path, and prints the share
# of the ASF packets sent that each handed to the demuxer, and Eddy's
# rebuffers; for Eddy also the share of media objects that reached the
# player (counted outside the session). Exits 1 when both at 5% loss is
# under 99.9% (either count) or rebuffered.
#
# Each configuration takes the stream's length; 4 run at once (about
# 4 minutes in all). Flags go to the program, e.g.
#   bench/loss.sh -v                     # with each run's counters
#   bench/loss.sh -duration 20s -rates 5 # shorter
#   bench/loss.sh -file some.wmv -seed 7
# Needs ffmpeg, gst-launch-1.0 (rtspsrc, rtpasfdepay), Go with cgo and the
# FFmpeg dev packages.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/lossbench" ./bench/lossbench
"$tmp/lossbench" "$@"
