package unitfile

import "testing"

func TestLoadCredential(t *testing.T) {
	good := []struct {
		id, path string
		spec     bool
		want     string
	}{
		{"podunit-secret.db", "/var/lib/containers/storage/podunit/secrets/db/data", false, "podunit-secret.db:/var/lib/containers/storage/podunit/secrets/db/data"},
		{"x", "/srv/100%/data", false, "x:/srv/100%%/data"},
		{"x", "%h/.local/share/containers/storage/podunit/secrets/x/data", true, "x:%h/.local/share/containers/storage/podunit/secrets/x/data"},
	}
	for _, c := range good {
		got, err := LoadCredential(c.id, c.path, c.spec)
		if err != nil || got != c.want {
			t.Errorf("LoadCredential(%q, %q, %v) = %q, %v; want %q", c.id, c.path, c.spec, got, err, c.want)
		}
	}
	bad := [][2]string{{"", "/a"}, {"a:b", "/a"}, {"a", "relative"}, {"a", "/with space"}, {"a", "/new\nline"},
		{"a", `/back\slash`}, {"a", `/"q"`}, {"a", "%h/x"}}
	for _, c := range bad {
		if got, err := LoadCredential(c[0], c[1], false); err == nil {
			t.Errorf("LoadCredential(%q, %q) = %q, want an error", c[0], c[1], got)
		}
	}
}
