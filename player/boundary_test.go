package player

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportBoundary enforces the layering of the module: nothing under
// asf/, transport/ or player/ depends on a GUI toolkit or a sound library,
// even indirectly (only ui/, cmd/ and the assets they use may), and asf/
// uses the standard library alone.
func TestImportBoundary(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("the go command is needed to list imports: %v", err)
	}
	const mod = "github.com/eddyplayer/eddy/"
	forbidden := []string{"fyne.io/", "github.com/hajimehoshi/oto", "github.com/ebitengine/oto", "github.com/go-gl/"}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}",
		"../asf/...", "../transport/...", "../player/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, _, _ := strings.Cut(line, " ")
		for _, f := range forbidden {
			if strings.HasPrefix(path, f) {
				t.Errorf("asf/, transport/ or player/ depends on %s", path)
			}
		}
		if strings.HasPrefix(path, mod+"ui") || strings.HasPrefix(path, mod+"cmd") || strings.HasPrefix(path, mod+"assets") {
			t.Errorf("asf/, transport/ or player/ depends on %s", path)
		}
	}
	// asf: standard library only.
	out, err = exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", "../asf").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, std, _ := strings.Cut(line, " ")
		if std != "true" && path != mod+"asf" {
			t.Errorf("asf depends on non-standard package %s", path)
		}
	}
	// Direct imports of fyne or oto: only under ui/, cmd/ and assets/.
	out, err = exec.Command("go", "list", "-f", "{{.ImportPath}}: {{join .Imports \" \"}}", "../...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ": ")
		rel := strings.TrimPrefix(pkg, mod)
		allowed := strings.HasPrefix(rel, "ui") || strings.HasPrefix(rel, "cmd/") || rel == "assets"
		for _, imp := range strings.Fields(imports) {
			for _, f := range forbidden {
				if strings.HasPrefix(imp, f) && !allowed {
					t.Errorf("%s imports %s; only ui/, cmd/ and assets/ may", pkg, imp)
				}
			}
			if strings.Contains(imp, "oto") && !strings.HasPrefix(rel, "cmd/") && strings.HasPrefix(imp, "github.com/") {
				t.Errorf("%s imports %s; only cmd/ may use the sound library", pkg, imp)
			}
		}
	}
}
