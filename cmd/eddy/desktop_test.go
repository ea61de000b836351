package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// desktopID is the desktop entry's name: the application ID.
const desktopID = appID + ".desktop"

// The MIME types and URL schemes the desktop entry must claim (issue 11,
// desktop integration): ASF, WMA, WMV, ASX, WAX, WVX and NSC under the
// names servers and desktops use, and the schemes Eddy opens.
var wantMimeTypes = []string{
	"application/vnd.ms-asf", "video/x-ms-asf", "video/x-ms-wmv", "audio/x-ms-wma",
	"video/x-ms-asx", "audio/x-ms-wax", "video/x-ms-wvx",
	"application/x-netshow-channel",
	"x-scheme-handler/mms", "x-scheme-handler/mmsh", "x-scheme-handler/mmst", "x-scheme-handler/mmsu",
	"x-scheme-handler/rtsp", "x-scheme-handler/rtspu", "x-scheme-handler/rtspt",
}

// The file names Eddy must open, by extension; their MIME types are looked
// up in the system's shared-mime-info database, as a desktop does.
var wantExtensions = []string{"asf", "wma", "wmv", "asx", "wax", "wvx", "wmx", "nsc"}

// TestDesktopEntryIsValid checks the desktop entry as committed with
// desktop-file-validate (no error, warning or hint) and that it claims the
// types above.
func TestDesktopEntryIsValid(t *testing.T) {
	path := filepath.Join("..", "..", "assets", desktopID)
	validate(t, path)
	entry := readDesktopEntry(t, path)
	for _, m := range wantMimeTypes {
		if !slices.Contains(entry.mimeTypes(), m) {
			t.Errorf("MimeType lacks %s", m)
		}
	}
	if got := entry["Exec"]; got != "eddy %u" {
		t.Errorf("Exec=%s, want eddy %%u (one URL or file, as eddy takes)", got)
	}
}

// TestInstallMakesEddyTheDefault runs scripts/install.sh (make install)
// into a temporary HOME (the XDG directories inside it; the system's MIME
// database and applications as they are) with a real build of eddy and
// eddyplay, where the user had chosen another player for .wmv files and
// audio/x-wav. It checks that
//   - eddy and eddyplay are installed (the built files, executable, and
//     they run), and the icon where the entry's Icon= finds it;
//   - the installed entry passes desktop-file-validate and its Exec names
//     the installed eddy with %u;
//   - xdg-mime query default answers Eddy for every type of the entry
//     (video/x-ms-asx, x-scheme-handler/mms, …) and for the shared-mime-info
//     type of each extension (.asx is audio/x-ms-asx there, .nsc
//     application/x-netshow-channel), and the MIME cache lists Eddy;
//   - audio/x-wav stays with the other player;
//
// then installs again (nothing changes) and runs `install.sh uninstall`:
// the files are gone, nothing names Eddy, and every type has the default
// it had before (.wmv the other player again). Last, an install into a
// directory whose name needs quoting in Exec, and its uninstall.
func TestInstallMakesEddyTheDefault(t *testing.T) {
	for _, tool := range []string{"desktop-file-validate", "update-desktop-database", "xdg-mime", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (apt-get install desktop-file-utils xdg-utils): %v", tool, err)
		}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	build := filepath.Join(tmp, "build")
	cmd := exec.Command("go", "build", "-o", build+"/", "./cmd/eddy", "./cmd/eddyplay")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	home := filepath.Join(tmp, "home")
	data := filepath.Join(home, ".local", "share")
	config := filepath.Join(home, ".config")
	bindir := filepath.Join(home, ".local", "bin")
	env := append(filteredEnv("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_DATA_DIRS", "XDG_CONFIG_DIRS",
		"XDG_CURRENT_DESKTOP", "XDG_MENU_PREFIX", "KDE_FULL_SESSION", "KDE_SESSION_VERSION",
		"GNOME_DESKTOP_SESSION_ID", "MATE_DESKTOP_SESSION_ID", "DESKTOP_SESSION", "DISPLAY", "BINDIR", "EDDY_BIN_DIR"),
		"HOME="+home, "XDG_DATA_HOME="+data, "XDG_CONFIG_HOME="+config,
		"XDG_DATA_DIRS=/usr/local/share:/usr/share", "XDG_CONFIG_DIRS="+filepath.Join(tmp, "etc-xdg"),
		"XDG_CURRENT_DESKTOP=X-Generic", "EDDY_BIN_DIR="+build)

	// The other player, the user's choice for .wmv and WAV files. It
	// claims no type itself, so only mimeapps.list makes it the default:
	// after uninstall, .wmv goes to it again only if that line is put back.
	const other = "org.example.OtherPlayer.desktop"
	writeFile(t, filepath.Join(data, "applications", other), "[Desktop Entry]\nType=Application\nName=Other Player\n"+
		"Exec=true %u\n")
	writeFile(t, filepath.Join(config, "mimeapps.list"), "[Default Applications]\nvideo/x-ms-wmv="+other+
		"\naudio/x-wav="+other+"\n")

	entry := readDesktopEntry(t, filepath.Join(root, "assets", desktopID))
	types := append(entry.mimeTypes(), "audio/x-wav")
	for _, ext := range wantExtensions {
		m := mimeTypeOf(t, ext)
		t.Logf(".%s is %s", ext, m)
		if !slices.Contains(types, m) {
			types = append(types, m)
		}
	}
	// queryAll asks xdg-mime for the default of each type, a few at a
	// time (each query is a shell script that starts a dozen programs).
	queryAll := func() map[string]string {
		t.Helper()
		got := make([]string, len(types))
		errs := make([]error, len(types))
		var wg sync.WaitGroup
		sem := make(chan struct{}, 4)
		for i, m := range types {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				q := exec.Command("xdg-mime", "query", "default", m)
				q.Env = env
				out, err := q.Output()
				got[i], errs[i] = strings.TrimSpace(string(out)), err
			}()
		}
		wg.Wait()
		answers := map[string]string{}
		for i, m := range types {
			if errs[i] != nil {
				t.Fatalf("xdg-mime query default %s: %v", m, errs[i])
			}
			answers[m] = got[i]
		}
		return answers
	}
	before := queryAll()
	if before["video/x-ms-wmv"] != other || before["audio/x-wav"] != other {
		t.Fatalf("the fixture's defaults do not hold: %v", before)
	}
	install := func(action string) {
		t.Helper()
		c := exec.Command(filepath.Join(root, "scripts", "install.sh"), action)
		c.Env = env
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("install.sh %s: %v\n%s", action, err, out)
		}
		t.Logf("install.sh %s:\n%s", action, out)
	}
	installed := filepath.Join(data, "applications", desktopID)

	checkInstalled := func() {
		t.Helper()
		for _, p := range []string{"eddy", "eddyplay"} {
			got, err := os.ReadFile(filepath.Join(bindir, p))
			if err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(filepath.Join(build, p))
			if !bytes.Equal(got, want) {
				t.Errorf("%s installed is not the build", p)
			}
			if fi, _ := os.Stat(filepath.Join(bindir, p)); fi.Mode().Perm()&0o111 == 0 {
				t.Errorf("%s installed is not executable (%v)", p, fi.Mode())
			}
		}
		validate(t, installed)
		e := readDesktopEntry(t, installed)
		argv := execArgs(t, e["Exec"])
		if len(argv) != 2 || argv[0] != filepath.Join(bindir, "eddy") || argv[1] != "%u" {
			t.Errorf("installed Exec=%s, want %s %%u", e["Exec"], filepath.Join(bindir, "eddy"))
		}
		icons, _ := filepath.Glob(filepath.Join(data, "icons", "hicolor", "*", "apps", e["Icon"]+".png"))
		if len(icons) != 1 {
			t.Errorf("icon %s: found %v under the hicolor theme", e["Icon"], icons)
		} else if got, want := readFile(t, icons[0]), readFile(t, filepath.Join(root, "assets", "icon.png")); !bytes.Equal(got, want) {
			t.Errorf("%s is not assets/icon.png", icons[0])
		}
		cache := desktopCache(t, filepath.Join(data, "applications", "mimeinfo.cache"))
		for _, m := range e.mimeTypes() {
			if !slices.Contains(cache[m], desktopID) {
				t.Errorf("mimeinfo.cache: %s lists %v, not Eddy", m, cache[m])
			}
		}
	}
	install("install")
	checkInstalled()
	for m, got := range queryAll() {
		want := desktopID
		if m == "audio/x-wav" {
			want = other
		}
		if got != want {
			t.Errorf("xdg-mime query default %s = %q, want %s", m, got, want)
		}
	}
	// What the answers come from (besides the system's files, which do
	// not change): the second install must leave them as they are.
	state := func() string {
		return string(readFile(t, filepath.Join(config, "mimeapps.list"))) +
			string(readFile(t, filepath.Join(data, "applications", "mimeinfo.cache"))) +
			string(readFile(t, filepath.Join(data, appID, "previous-defaults")))
	}
	first := state()
	out, err := exec.Command(filepath.Join(bindir, "eddy"), "-h").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Usage: eddy") {
		t.Errorf("installed eddy -h: %v\n%s", err, out)
	}
	out, err = exec.Command(filepath.Join(bindir, "eddyplay"), "--probe", filepath.Join(root, "assets", "demo.asf")).Output()
	if err != nil || !strings.Contains(string(out), `"Eddy Demo`) {
		t.Errorf("installed eddyplay --probe assets/demo.asf: %v\n%s", err, out)
	}
	install("install") // again: the same result, the other player still remembered
	checkInstalled()
	if again := state(); again != first {
		t.Errorf("a second install changed the associations:\n%s\nwas:\n%s", again, first)
	}

	install("uninstall")
	for _, p := range []string{filepath.Join(bindir, "eddy"), filepath.Join(bindir, "eddyplay"), installed,
		filepath.Join(data, "icons"), filepath.Join(data, appID)} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there after uninstall (%v)", p, err)
		}
	}
	for m, got := range queryAll() {
		if got != before[m] {
			t.Errorf("after uninstall, xdg-mime query default %s = %q, want %q as before", m, got, before[m])
		}
	}
	if b := readFile(t, filepath.Join(config, "mimeapps.list")); bytes.Contains(b, []byte(appID)) {
		t.Errorf("mimeapps.list still names Eddy:\n%s", b)
	}
	if b := readFile(t, filepath.Join(data, "applications", "mimeinfo.cache")); bytes.Contains(b, []byte(appID)) {
		t.Errorf("mimeinfo.cache still names Eddy:\n%s", b)
	}

	// Programs in a directory whose name has a space, a dollar sign and
	// quotes: Exec quotes the path as the Desktop Entry Specification
	// says (desktop-file-validate accepts it, and it reads back as the
	// path).
	bindir = filepath.Join(home, `my $programs "here"`, "bin")
	env = append(env, "BINDIR="+bindir)
	install("install")
	validate(t, installed)
	e := readDesktopEntry(t, installed)
	if argv := execArgs(t, e["Exec"]); len(argv) != 2 || argv[0] != filepath.Join(bindir, "eddy") || argv[1] != "%u" {
		t.Errorf("Exec=%s reads as %q, want [%s %%u]", e["Exec"], argv, filepath.Join(bindir, "eddy"))
	}
	if _, err := os.Stat(filepath.Join(bindir, "eddy")); err != nil {
		t.Error(err)
	}
	install("uninstall")
	if _, err := os.Stat(filepath.Join(bindir, "eddy")); !os.IsNotExist(err) {
		t.Errorf("%s is still there after uninstall (%v)", filepath.Join(bindir, "eddy"), err)
	}
}

// validate runs desktop-file-validate, which must print nothing (errors,
// warnings and hints alike).
func validate(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command("desktop-file-validate", path).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("desktop-file-validate %s: %v\n%s", path, err, out)
	}
}

// desktopEntry is the [Desktop Entry] group of a desktop file, its keys
// with the string values unescaped (\s \n \t \r \\).
type desktopEntry map[string]string

func (e desktopEntry) mimeTypes() []string {
	var out []string
	for _, m := range strings.Split(e["MimeType"], ";") {
		if m != "" {
			out = append(out, m)
		}
	}
	return out
}

func readDesktopEntry(t *testing.T, path string) desktopEntry {
	t.Helper()
	e := desktopEntry{}
	group := ""
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, path)))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			group = line
		case group == "[Desktop Entry]":
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s: %q", path, line)
			}
			e[strings.TrimSpace(k)] = strings.NewReplacer(`\s`, " ", `\n`, "\n", `\t`, "\t", `\r`, "\r", `\\`, `\`).
				Replace(strings.TrimSpace(v))
		}
	}
	return e
}

// execArgs splits an Exec value (already unescaped as a string) into its
// arguments by the Desktop Entry Specification's quoting rules: a quoted
// argument keeps its spaces, and in it \" \` \$ \\ stand for the character.
func execArgs(t *testing.T, v string) []string {
	t.Helper()
	var args []string
	for i := 0; i < len(v); {
		switch {
		case v[i] == ' ':
			i++
		case v[i] == '"':
			var b strings.Builder
			i++
			for ; i < len(v) && v[i] != '"'; i++ {
				if v[i] == '\\' && i+1 < len(v) && strings.ContainsRune("\"`$\\", rune(v[i+1])) {
					i++
				}
				b.WriteByte(v[i])
			}
			if i == len(v) {
				t.Fatalf("Exec=%s: quote not closed", v)
			}
			i++
			args = append(args, b.String())
		default:
			j := strings.IndexByte(v[i:], ' ')
			if j < 0 {
				j = len(v) - i
			}
			args = append(args, v[i:i+j])
			i += j
		}
	}
	return args
}

// mimeTypeOf looks the extension up in the shared-mime-info globs of the
// system (globs2: weight:type:glob; the heaviest wins).
func mimeTypeOf(t *testing.T, ext string) string {
	t.Helper()
	best, bestWeight := "", -1
	for _, dir := range []string{"/usr/local/share", "/usr/share"} {
		b, err := os.ReadFile(filepath.Join(dir, "mime", "globs2"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Split(line, ":")
			if len(f) < 3 || strings.HasPrefix(line, "#") || !strings.EqualFold(f[2], "*."+ext) {
				continue
			}
			if w, err := strconv.Atoi(f[0]); err == nil && w > bestWeight {
				best, bestWeight = f[1], w
			}
		}
	}
	if best == "" {
		t.Fatalf("shared-mime-info has no type for .%s (is shared-mime-info installed?)", ext)
	}
	return best
}

// desktopCache reads a mimeinfo.cache (update-desktop-database's).
func desktopCache(t *testing.T, path string) map[string][]string {
	t.Helper()
	m := map[string][]string{}
	for _, line := range strings.Split(string(readFile(t, path)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			m[k] = strings.Split(strings.TrimSuffix(v, ";"), ";")
		}
	}
	return m
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
