#!/usr/bin/env bash
# package.sh builds the Linux desktop package of Eddy with Fyne's packager:
# out/Eddy.tar.xz holding usr/local/bin/eddy, a .desktop entry and the icon
# (plus the Makefile fyne ships for `make install`).
#
# `fyne package` reads FyneApp.toml and the icon from the main package's
# directory, builds the binary there, and deletes it afterwards. Eddy keeps
# FyneApp.toml at the top level and the icon in assets/, so this script
# copies both into cmd/eddy for the run and removes the copies (and
# anything else the tool leaves) on exit, whatever happens.
#
# The packager is the CLI in Fyne's own module, fyne.io/fyne/v2/cmd/fyne
# (the newer fyne.io/tools CLI is not available here); it is installed into
# bin/ (git-ignored) on first use. Needs the cgo/GL build dependencies of
# the app (see the README); a cold build takes 6-8 minutes on 2 cores.
#
# The binary links the system's FFmpeg libraries dynamically (it decodes
# WMA/WMV and shows video with libavcodec, libavutil, libswresample and
# libswscale, FFmpeg 5.1 or later), besides GL, X11 and ALSA. The tarball
# does not carry them: the target needs them installed (Debian 12:
# libavcodec59 libavutil57 libswresample4 libswscale6 libasound2 libgl1).
# The script checks the built binary for them and names the ones missing
# on this machine's library path.
#
# Usage: scripts/package.sh [OUTPUT_DIR]   (default: out/)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$root/out"}
src="$root/cmd/eddy"
fyne_version=v2.7.1

fyne="$root/bin/fyne"
if [[ ! -x "$fyne" ]]; then
	echo "package.sh: installing the fyne CLI $fyne_version into bin/" >&2
	GOBIN="$root/bin" go install "fyne.io/fyne/v2/cmd/fyne@$fyne_version"
fi

# Refuse to overwrite real files: these names are only ever temporary.
for f in FyneApp.toml Icon.png eddy fyne_metadata_init.go; do
	if [[ -e "$src/$f" ]]; then
		echo "package.sh: $src/$f exists; remove it first (a previous run was interrupted?)" >&2
		exit 1
	fi
done
work=$(mktemp -d)
cleanup() {
	rm -f "$src/FyneApp.toml" "$src/Icon.png" "$src/eddy" "$src/fyne_metadata_init.go"
	rm -rf "$work"
}
trap cleanup EXIT

# The icon path in FyneApp.toml is relative to the file; next to cmd/eddy
# it becomes Icon.png.
sed 's|^Icon *=.*|Icon = "Icon.png"|' "$root/FyneApp.toml" >"$src/FyneApp.toml"
cp "$root/assets/icon.png" "$src/Icon.png"

export LANG=${LANG:-en_US.UTF-8}
(cd "$work" && "$fyne" package -os linux -release -src "$src")

tarball=$(find "$work" "$src" -maxdepth 1 -name '*.tar.xz' | head -n 1)
if [[ -z "$tarball" ]]; then
	echo "package.sh: fyne package produced no .tar.xz" >&2
	exit 1
fi
# Say which shared libraries the packaged binary needs (and warn about
# any this machine cannot resolve).
bin=$(tar -tJf "$tarball" | grep -E '(^|/)bin/[^/]+$' | head -n 1)
if [[ -n "$bin" ]] && command -v ldd >/dev/null; then
	tar -xJf "$tarball" -C "$work" "$bin"
	needs=$(ldd "$work/$bin" | grep -oE 'lib(avcodec|avutil|swresample|swscale)\.so\.[0-9]+' | sort -u | tr '\n' ' ')
	echo "package.sh: the binary needs FFmpeg's ${needs:-(none found: check the build)}" >&2
	if ldd "$work/$bin" | grep -q 'not found'; then
		echo "package.sh: warning: libraries not found here:" >&2
		ldd "$work/$bin" | grep 'not found' >&2
	fi
fi

mkdir -p "$out"
mv "$tarball" "$out/"
echo "$out/$(basename "$tarball")"
