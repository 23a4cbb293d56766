package generator

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestUsersDirServesEveryUser: a user manager reads its own
// users/UID directory and users/ itself, with its non-numeric
// subdirectories, but not another user's users/UID.
func TestUsersDirServesEveryUser(t *testing.T) {
	users := filepath.Join(t.TempDir(), "users")
	for _, p := range []string{"all.container", "1000/mine.container", "2000/theirs.container", "shared/sub.container"} {
		path := filepath.Join(users, p)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("[Container]\nImage=localhost/bb\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{Binary: DefaultBinary, User: true, Dirs: []string{filepath.Join(users, "1000"), users},
		SkipUIDs: []string{users}}
	res, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range res.Units {
		got = append(got, u.Name)
	}
	slices.Sort(got)
	if want := []string{"all.service", "mine.service", "sub.service"}; !slices.Equal(got, want) {
		t.Errorf("units %v, want %v (errors %v)", got, want, res.Errors)
	}
}
