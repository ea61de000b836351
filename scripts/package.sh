#!/usr/bin/env bash
# package.sh builds Eddy's Linux desktop package with the Fyne CLI
# (fyne.io/tools/cmd/fyne, installed into bin/ on first use):
# out/Eddy.tar.xz, which unpacks to eddy/ holding
#
#   usr/local/bin/eddy                  the window (a release build by `fyne package`)
#   usr/local/bin/eddyplay              the headless player (built with the same flags)
#   usr/local/share/applications/io.github.eddyplayer.eddy.desktop
#                                       assets/io.github.eddyplayer.eddy.desktop: the
#                                       file and link types Eddy opens, Exec=eddy %u
#   usr/local/share/pixmaps/io.github.eddyplayer.eddy.png
#   install.sh, Makefile                `make install` (for the user, no root) and
#                                       `make uninstall`: scripts/install.sh
#
# (usr/ instead of usr/local/ when the building machine has no /usr/local, as
# `fyne package` does; install.sh finds either.)
#
# `fyne package` reads FyneApp.toml and the icon from the main package's
# directory, builds the binary there, and deletes it afterwards. Eddy keeps
# FyneApp.toml at the top level and the icon in assets/, so this script
# copies both into cmd/eddy for the run and removes the copies (and anything
# else the tool leaves) on exit, whatever happens. The desktop entry the tool
# writes (from FyneApp.toml, without MIME types and with `Exec=eddy`) is
# replaced by Eddy's own, and the tool's Makefile (which installs neither
# eddyplay nor the associations) by one that runs install.sh.
#
# The binaries link the system's FFmpeg libraries dynamically (WMA/WMV
# decoding and video scaling with libavcodec, libavutil, libswresample and
# libswscale, FFmpeg 5.1 or later), besides GL, X11 and ALSA. The package
# does not carry them: the target needs them installed (Debian 12:
# libavcodec59 libavutil57 libswresample4 libswscale6 libasound2 libgl1).
# The script names the FFmpeg libraries the built binaries need and warns
# about any this machine cannot resolve. A release build compiles the cgo
# code with other flags than `make build`: the first run takes 6-8 minutes
# on 2 cores.
#
# Usage: scripts/package.sh [OUTPUT_DIR]   (default: out/)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$root/out"}
src="$root/cmd/eddy"
id=io.github.eddyplayer.eddy
fyne_module=fyne.io/tools/cmd/fyne
fyne_version=v1.7.4
export PATH=$PATH:/usr/local/go/bin

fyne="$root/bin/fyne"
if [[ ! -x "$fyne" ]] || ! "$fyne" version 2>/dev/null | grep -q "cli version: $fyne_version\$"; then
	echo "package.sh: installing the fyne CLI $fyne_version into bin/" >&2
	GOBIN="$root/bin" go install "$fyne_module@$fyne_version"
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
mkdir "$work/fyne"
(cd "$work/fyne" && "$fyne" package --target linux --release --tags no_emoji --src "$src")
tarball=$(find "$work/fyne" "$src" -maxdepth 1 -name '*.tar.xz' | head -n 1)
if [[ -z "$tarball" ]]; then
	echo "package.sh: fyne package produced no .tar.xz" >&2
	exit 1
fi

# eddyplay, built as `fyne package --release` builds eddy: -trimpath,
# stripped, the release tag, and its C and linker flags.
(cd "$root" && CGO_ENABLED=1 CGO_CFLAGS="-O3 -pipe" CGO_LDFLAGS="-Wl,-z,relro,-z,now -Wl,--as-needed" \
	go build -trimpath -tags release -ldflags "-s -w" -o "$work/eddyplay" ./cmd/eddyplay)

stage="$work/stage"
mkdir "$stage"
tar -xJf "$tarball" -C "$stage"
top=$(find "$stage" -mindepth 1 -maxdepth 1 -type d)
if [[ $(printf '%s\n' "$top" | wc -l) -ne 1 ]]; then
	echo "package.sh: the fyne package does not hold one top directory: $(ls "$stage")" >&2
	exit 1
fi
usr=""
for d in "$top/usr/local" "$top/usr"; do
	if [[ -f "$d/share/applications/$id.desktop" && -x "$d/bin/eddy" ]]; then
		usr=$d
		break
	fi
done
if [[ -z "$usr" || ! -f "$usr/share/pixmaps/$id.png" ]]; then
	echo "package.sh: the fyne package is not laid out as expected:" >&2
	(cd "$stage" && find . -type f) >&2
	exit 1
fi
install -m 755 "$work/eddyplay" "$usr/bin/eddyplay"
install -m 644 "$root/assets/$id.desktop" "$usr/share/applications/$id.desktop"
install -m 755 "$root/scripts/install.sh" "$top/install.sh"
cat >"$top/Makefile" <<'EOF'
# Eddy: `make install` installs it for you (no root): eddy and eddyplay in
# ~/.local/bin, the desktop entry and icon, and Eddy as the program that opens
# Windows Media files (.asf .wma .wmv .asx .wax .wvx .nsc) and mms://, mmsh://,
# rtsp:// links. `make uninstall` removes it and gives those back to the
# programs they had. See install.sh.
install:
	./install.sh install
uninstall:
	./install.sh uninstall
user-install: install
user-uninstall: uninstall
.PHONY: install uninstall user-install user-uninstall
EOF
if command -v desktop-file-validate >/dev/null; then
	desktop-file-validate "$usr/share/applications/$id.desktop"
fi

# Say which shared libraries the binaries need (and warn about any this
# machine cannot resolve).
if command -v ldd >/dev/null; then
	for b in "$usr/bin/eddy" "$usr/bin/eddyplay"; do
		needs=$(ldd "$b" | grep -oE 'lib(avcodec|avutil|swresample|swscale)\.so\.[0-9]+' | sort -u | tr '\n' ' ')
		echo "package.sh: $(basename "$b") needs FFmpeg's ${needs:-(none found: check the build)}" >&2
		if ldd "$b" | grep -q 'not found'; then
			echo "package.sh: warning: libraries not found here:" >&2
			ldd "$b" | grep 'not found' >&2
		fi
	done
fi

mkdir -p "$out"
name=$(basename "$tarball")
tar --sort=name --owner=0 --group=0 --numeric-owner -cJf "$work/$name" -C "$stage" "$(basename "$top")"
mv "$work/$name" "$out/$name"
echo "$out/$name"
