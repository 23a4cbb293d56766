package quadletdir

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for n, text := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestInstallFileAppAndRemove(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "systemd")
	writeFiles(t, src, map[string]string{"solo.container": "[Container]\nImage=x\n", "solo.env": "A=1\n"})
	writeFiles(t, filepath.Join(src, "shop"), map[string]string{"web.container": "[Container]\n", "db.volume": "[Volume]\n", "conf.ini": "x\n"})
	got, err := Install(dst, filepath.Join(src, "solo.container"), nil, false)
	if err != nil || len(got) != 1 || got[0] != filepath.Join(dst, "solo.container") {
		t.Fatalf("Install(file) = %v, %v", got, err)
	}
	if st, _ := os.Stat(got[0]); st.Mode().Perm() != 0o644 {
		t.Errorf("installed mode %v, want 0644", st.Mode().Perm())
	}
	if _, err := Install(dst, filepath.Join(src, "solo.container"), nil, false); !errors.Is(err, ErrExists) {
		t.Errorf("second Install = %v, want ErrExists", err)
	}
	if _, err := Install(dst, filepath.Join(src, "solo.container"), []string{filepath.Join(src, "solo.env")}, true); err != nil {
		t.Errorf("Install --replace with a companion: %v", err)
	}
	got, err = Install(dst, filepath.Join(src, "shop"), nil, false)
	if err != nil || len(got) != 3 {
		t.Fatalf("Install(dir) = %v, %v", got, err)
	}
	apps, _ := Apps(dst)
	if apps["web.container"] != ".shop.app" || apps["conf.ini"] != ".shop.app" || apps["solo.env"] != ".solo.container.app" {
		t.Errorf("Apps = %v", apps)
	}
	targets, err := Resolve(dst, []string{"db.volume", "web.container"}, false, false)
	if err != nil || len(targets) != 1 || len(targets[0].Sources) != 2 || len(targets[0].Files) != 4 {
		t.Fatalf("Resolve(app member) = %+v, %v", targets, err)
	}
	if err := Remove(targets[0]); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(dst)
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != ".solo.container.app solo.container solo.env" {
		t.Errorf("left after removing the app: %v", names)
	}
	if _, err := Resolve(dst, []string{"nosuch.container"}, false, false); !errors.Is(err, ErrNotFound) {
		t.Errorf("Resolve(missing) = %v, want ErrNotFound", err)
	}
	if ts, err := Resolve(dst, []string{"nosuch.container"}, false, true); err != nil || len(ts) != 0 {
		t.Errorf("Resolve(missing, ignore) = %v, %v", ts, err)
	}
	if ts, err := Resolve(dst, nil, true, false); err != nil || len(ts) != 1 || ts[0].App != ".solo.container.app" {
		t.Errorf("Resolve(all) = %+v, %v", ts, err)
	}
}

func TestInstallRefusals(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	writeFiles(t, src, map[string]string{"notes.txt": "x", "a.container": "[Container]\n"})
	writeFiles(t, filepath.Join(src, "empty"), map[string]string{"readme": "x"})
	for _, c := range []struct {
		src   string
		extra []string
		want  string
	}{
		{"https://example.com/a.container", nil, "URL"},
		{filepath.Join(src, "notes.txt"), nil, "not a .container"},
		{filepath.Join(src, "missing.container"), nil, "no such file"},
		{filepath.Join(src, "empty"), nil, "no .container"},
		{src, []string{filepath.Join(src, "notes.txt")}, "alone"},
	} {
		_, err := Install(dst, c.src, c.extra, false)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Install(%s) = %v, want ErrInvalid naming %q", c.src, err, c.want)
		}
	}
	if ents, _ := os.ReadDir(dst); len(ents) != 0 {
		t.Errorf("a refused install wrote %d files", len(ents))
	}
}
