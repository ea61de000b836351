#!/bin/sh
# install.sh installs Eddy for the current user, without root, and makes it
# the program that opens Windows Media files (.asf .wma .wmv), playlists
# (.asx .wax .wvx .wmx), station files (.nsc) and mms://, mmsh://, mmst://,
# mmsu://, rtsp://, rtspu:// and rtspt:// links; `uninstall` reverses it.
#
#   scripts/install.sh [install|uninstall]     (make install / make uninstall)
#
# Where things go (the XDG base directories; each variable may be set):
#   $BINDIR (default ~/.local/bin)             eddy, eddyplay
#   $XDG_DATA_HOME (default ~/.local/share)    applications/io.github.eddyplayer.eddy.desktop
#                                              icons/hicolor/SIZExSIZE/apps/io.github.eddyplayer.eddy.png
#                                              io.github.eddyplayer.eddy/previous-defaults
#   $XDG_CONFIG_HOME (default ~/.config)       mimeapps.list (through xdg-mime)
#
# It runs from the source tree (after `make build`: bin/eddy, bin/eddyplay,
# assets/) or from an unpacked package (scripts/package.sh puts it next to
# usr/); EDDY_BIN_DIR names another directory holding eddy and eddyplay.
#
# Registering: the desktop entry's Exec names the installed program (a
# desktop session's PATH may lack ~/.local/bin); update-desktop-database
# refreshes the applications' MIME cache; xdg-mime makes Eddy the default for
# each type of the entry's MimeType. The defaults the user had chosen for
# those types ([Default Applications] in mimeapps.list) are kept in
# previous-defaults, and uninstall puts them back. The tools are used where
# present (desktop-file-utils, xdg-utils); without xdg-mime nothing becomes a
# default, and the script says so. The file types are those shared-mime-info
# already knows (.nsc is application/x-netshow-channel), so no MIME package
# is installed and update-mime-database is not needed.
set -eu

id=io.github.eddyplayer.eddy
action=${1:-install}
case "$action" in
install | uninstall) ;;
*)
	echo "usage: $0 [install|uninstall]" >&2
	exit 2
	;;
esac
if [ -z "${HOME:-}" ]; then
	echo "install.sh: HOME is not set" >&2
	exit 1
fi

here=$(cd "$(dirname "$0")" && pwd)
# The files to install: a source tree, or an unpacked package (usr/local or
# usr, as `fyne package` lays it out).
if [ -f "$here/../assets/$id.desktop" ]; then
	root=$(cd "$here/.." && pwd)
	src_bin=$root/bin
	src_desktop=$root/assets/$id.desktop
	src_icon=$root/assets/icon.png
else
	usr=""
	for d in "$here/usr/local" "$here/usr"; do
		if [ -f "$d/share/applications/$id.desktop" ]; then
			usr=$d
			break
		fi
	done
	if [ -z "$usr" ]; then
		echo "install.sh: neither a source tree (assets/$id.desktop) nor a package (usr/share/applications/$id.desktop) around $here" >&2
		exit 1
	fi
	src_bin=$usr/bin
	src_desktop=$usr/share/applications/$id.desktop
	src_icon=$usr/share/pixmaps/$id.png
fi
src_bin=${EDDY_BIN_DIR:-$src_bin}

bindir=${BINDIR:-$HOME/.local/bin}
data=${XDG_DATA_HOME:-$HOME/.local/share}
config=${XDG_CONFIG_HOME:-$HOME/.config}
apps=$data/applications
desktop=$apps/$id.desktop
state=$data/$id
mimeapps=$config/mimeapps.list

have() { command -v "$1" >/dev/null 2>&1; }

# The MIME types of the desktop entry, one a line.
mime_types() {
	sed -n 's/^MimeType=//p' "$1" | tr ';' '\n' | sed '/^$/d'
}

# The icon's size, from the PNG header (width, bytes 16-19 big-endian).
png_width() {
	od -An -tu1 -j16 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'
}

# Exec= value for a program path: as is when it has only safe characters,
# otherwise quoted as the Desktop Entry Specification says (inside double
# quotes, " ` $ and \ escaped by a backslash; and each backslash doubled
# again for the string value).
exec_path() {
	case "$1" in
	*[!A-Za-z0-9/._+-]*)
		q=$(printf '%s' "$1" | sed 's/[\\"`$]/\\&/g; s/\\/\\\\/g')
		printf '"%s"' "$q"
		;;
	*) printf '%s' "$1" ;;
	esac
}

# mimeapps_without FILE: FILE without the desktop entry in
# [Default Applications] and [Added Associations] (a type whose list then
# is empty loses its line).
mimeapps_without() {
	awk -v app="$id.desktop" '
	/^\[/ { section = $0 }
	section == "[Default Applications]" || section == "[Added Associations]" {
		if (index($0, "=") > 1 && $0 !~ /^[#[]/) {
			key = substr($0, 1, index($0, "=") - 1)
			n = split(substr($0, index($0, "=") + 1), apps, ";")
			out = ""
			for (i = 1; i <= n; i++)
				if (apps[i] != "" && apps[i] != app)
					out = out apps[i] ";"
			if (out == "")
				next
			if (substr($0, length($0)) != ";")
				out = substr(out, 1, length(out) - 1)
			print key "=" out
			next
		}
	}
	{ print }' "$1"
}

# mimeapps_restore RECORDS FILE: FILE with the lines of RECORDS (type=apps)
# added to [Default Applications] for the types it has no line for there.
mimeapps_restore() {
	awk '
	FNR == NR { i = index($0, "="); if (i > 1) { rec[substr($0, 1, i - 1)] = $0; order[++n] = substr($0, 1, i - 1) } next }
	function flush(   k) {
		for (k = 1; k <= n; k++)
			if (!(order[k] in seen)) { print rec[order[k]]; seen[order[k]] = 1 }
	}
	# Blank lines are held, so that the lines added end the section
	# before the blank lines that part it from the next.
	$0 == "" { blanks++; next }
	/^\[/ && section == "[Default Applications]" { flush() }
	{ while (blanks > 0) { print ""; blanks-- } }
	/^\[/ { section = $0; if (section == "[Default Applications]") found = 1 }
	section == "[Default Applications]" && index($0, "=") > 1 { seen[substr($0, 1, index($0, "=") - 1)] = 1 }
	{ print }
	END {
		if (!found) { print ""; print "[Default Applications]" }
		flush()
		while (blanks > 0) { print ""; blanks-- }
	}' "$1" "$2"
}

install_eddy() {
	for f in "$src_bin/eddy" "$src_bin/eddyplay"; do
		if [ ! -x "$f" ]; then
			echo "install.sh: $f is missing: run 'make build' first (or set EDDY_BIN_DIR)" >&2
			exit 1
		fi
	done
	for f in "$src_desktop" "$src_icon"; do
		if [ ! -f "$f" ]; then
			echo "install.sh: $f is missing" >&2
			exit 1
		fi
	done
	mkdir -p "$bindir" "$apps" "$state"
	for p in eddy eddyplay; do
		# Through a temporary name, so that a running eddy keeps its file.
		cp "$src_bin/$p" "$bindir/.$p.new"
		chmod 755 "$bindir/.$p.new"
		mv -f "$bindir/.$p.new" "$bindir/$p"
	done
	size=$(png_width "$src_icon")
	icondir=$data/icons/hicolor/${size}x$size/apps
	mkdir -p "$icondir"
	cp "$src_icon" "$icondir/$id.png"
	chmod 644 "$icondir/$id.png"
	echo "$icondir/$id.png" >"$state/icon"

	exe=$(exec_path "$bindir/eddy")
	# Exec names the installed program; sed's replacement needs & and \
	# (and the | delimiter) escaped.
	exe_sed=$(printf '%s' "$exe" | sed 's/[&\\|]/\\&/g')
	sed "s|^Exec=eddy |Exec=$exe_sed |" "$src_desktop" >"$desktop.new"
	chmod 644 "$desktop.new"
	mv -f "$desktop.new" "$desktop"
	if have desktop-file-validate && ! desktop-file-validate "$desktop"; then
		echo "install.sh: warning: desktop-file-validate finds fault with $desktop" >&2
	fi
	if have update-desktop-database; then
		update-desktop-database -q "$apps"
	fi
	if have gtk-update-icon-cache && [ -f "$data/icons/hicolor/index.theme" ]; then
		gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
	fi

	types=$(mime_types "$desktop")
	# The user's own defaults for these types, once (a second install
	# finds Eddy there and keeps the first record).
	if [ ! -f "$state/previous-defaults" ]; then
		: >"$state/previous-defaults.new"
		if [ -f "$mimeapps" ]; then
			for t in $types; do
				awk -v key="$t" -v app="$id.desktop" '
				/^\[/ { section = $0; next }
				section == "[Default Applications]" && index($0, key "=") == 1 {
					v = substr($0, length(key) + 2)
					if (v != "" && v != app && v != app ";") print key "=" v
				}' "$mimeapps" >>"$state/previous-defaults.new"
			done
		fi
		mv "$state/previous-defaults.new" "$state/previous-defaults"
	fi
	if have xdg-mime; then
		# shellcheck disable=SC2086
		xdg-mime default "$id.desktop" $types
		echo "install.sh: Eddy opens $(echo $types | wc -w) file and link types"
	else
		echo "install.sh: xdg-mime (xdg-utils) is not installed: Eddy is offered for its files and links, but is not their default" >&2
	fi
	echo "install.sh: installed eddy and eddyplay in $bindir"
	case ":${PATH:-}:" in
	*":$bindir:"*) ;;
	*) echo "install.sh: note: $bindir is not on PATH (the desktop entry does not need it)" ;;
	esac
}

uninstall_eddy() {
	rm -f "$bindir/eddy" "$bindir/eddyplay" "$desktop"
	if [ -f "$state/icon" ]; then
		icon=$(cat "$state/icon")
		rm -f "$icon"
		# The icon's directories, when nothing else is in them.
		d=$(dirname "$icon")
		while [ "$d" != "$data" ] && [ "$d" != "/" ] && rmdir "$d" 2>/dev/null; do
			d=$(dirname "$d")
		done
	fi
	if [ -f "$mimeapps" ]; then
		mimeapps_without "$mimeapps" >"$mimeapps.new"
		mv -f "$mimeapps.new" "$mimeapps"
	fi
	# The user's previous defaults, where nothing else took the type since.
	if [ -s "$state/previous-defaults" ]; then
		mkdir -p "$config"
		[ -f "$mimeapps" ] || : >"$mimeapps"
		mimeapps_restore "$state/previous-defaults" "$mimeapps" >"$mimeapps.new"
		mv -f "$mimeapps.new" "$mimeapps"
	fi
	rm -rf "$state"
	if have update-desktop-database && [ -d "$apps" ]; then
		update-desktop-database -q "$apps"
	fi
	echo "install.sh: removed Eddy from $bindir and $data"
}

case "$action" in
install) install_eddy ;;
uninstall) uninstall_eddy ;;
esac
