package generator

import (
	"errors"
	"path"
	"strings"
	"testing"

	"github.com/podunit/podunit/generator/quadlet"
	"github.com/podunit/podunit/generator/unitfile"
)

// FuzzInstallDropins puts an arbitrary value into a key of [Install] (of a
// plain source or a template) and checks what the generator writes for it:
// each drop-in lies in a unit's .d directory and parses to [Unit] lines of
// Wants=, Requires= or Upholds= naming one valid unit each, so that no
// value adds a directive or a file elsewhere; each Alias= link is a unit
// name in the output directory itself.
func FuzzInstallDropins(f *testing.F) {
	f.Add(uint8(0), false, "multi-user.target default.target")
	f.Add(uint8(1), true, "a.target\nWants=evil.service")
	f.Add(uint8(3), false, "../x.service")
	f.Add(uint8(4), true, "i%n")
	f.Fuzz(func(t *testing.T, keyN uint8, template bool, value string) {
		keys := []string{"WantedBy", "RequiredBy", "UpheldBy", "Alias", "DefaultInstance"}
		key := keys[int(keyN)%len(keys)]
		name, extra := "x.container", "WantedBy=multi-user.target\n"
		if template {
			name, extra = "x@.container", "WantedBy=multi-user.target\nDefaultInstance=i\n"
		}
		src := "[Container]\nImage=quay.io/a/b\n[Install]\n" + extra + key + "=" + value + "\n"
		in, err := unitfile.Parse("/s/"+name, []byte(src))
		if err != nil {
			return
		}
		id, err := quadlet.Identify(name, in)
		if err != nil {
			return
		}
		u, err := quadlet.Translate(id, in, "/s", func(string) (quadlet.Ident, error) { return quadlet.Ident{}, errors.New("none") },
			quadlet.Options{Binary: "/usr/bin/podunit"})
		if err != nil {
			return
		}
		for _, d := range dropins(u.Install.Deps(id.Service)) {
			dir, file := path.Split(d.Name)
			if file != DropinName || !strings.HasSuffix(dir, ".d/") || strings.Count(d.Name, "/") != 1 ||
				!quadlet.ValidUnitName(strings.TrimSuffix(dir, ".d/")) {
				t.Fatalf("drop-in written as %q", d.Name)
			}
			out, err := unitfile.Parse(d.Name, d.Data)
			if err != nil || len(out.Sections) != 1 || out.Sections[0].Name != "Unit" {
				t.Fatalf("drop-in %s does not parse to one [Unit] (%v):\n%s", d.Name, err, d.Data)
			}
			for _, e := range out.Sections[0].Entries {
				if e.Key != "Wants" && e.Key != "Requires" && e.Key != "Upholds" || !quadlet.ValidUnitName(e.Value) ||
					strings.Contains(e.Value, "/") {
					t.Fatalf("drop-in %s: %s=%s\n%s", d.Name, e.Key, e.Value, d.Data)
				}
			}
		}
		for _, l := range u.Install.Links(id.Service) {
			if strings.Contains(l.Path, "/") || !quadlet.ValidUnitName(l.Path) {
				t.Fatalf("link written as %q", l.Path)
			}
		}
	})
}
