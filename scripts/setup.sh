#!/bin/sh
# Installs what Eddy needs on Debian 12 (bookworm) and downloads the Go
# modules. Idempotent: packages already present are not reinstalled.
#
#   scripts/setup.sh run    what building and running the player needs
#   scripts/setup.sh test   that plus the test peers (FFmpeg, VLC, GStreamer, Xvfb)
#
# Uses sudo only when not root.
set -eu
profile=${1:-test}
cd "$(dirname "$0")/.."

# Build: Fyne's cgo GLFW/X11 build, ALSA for oto, FFmpeg's libraries for the
# libavcodec decoders. Run: ffmpeg is not needed, the libraries are.
run_pkgs="gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev libasound2-dev
  libavcodec-dev libavformat-dev libavutil-dev libswresample-dev libswscale-dev"
# Tests: a virtual display, key presses (xdotool) and screenshots, FFmpeg/ffprobe as the reference
# decoder and fixture maker, sox for audio statistics, VLC as an MMSH server,
# GStreamer's asfmux (a second ASF muxer) and RTSP server, and the desktop's
# tools that check `make install` (desktop-file-validate, xdg-mime, the MIME database), and an
# EWMH window manager (Openbox) with xprop and xmessage for the always-on-top tests.
test_pkgs="xvfb xauth xdotool imagemagick ffmpeg sox vlc-bin vlc-plugin-base
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  gir1.2-gst-rtsp-server-1.0 gir1.2-gstreamer-1.0 python3-gi netcat-openbsd
  desktop-file-utils xdg-utils shared-mime-info openbox x11-utils"

case "$profile" in
run) pkgs=$run_pkgs ;;
test) pkgs="$run_pkgs $test_pkgs" ;;
*) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -n "$missing" ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
  echo "setup: installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $missing >/dev/null
fi

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    PATH=/usr/local/go/bin:$PATH
    export PATH
  else
    echo "setup: Go 1.26 or newer is needed and 'go' is not on PATH; install it from https://go.dev/dl/ (unpack to /usr/local/go)" >&2
    exit 1
  fi
fi
go mod download
