package engine

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/spec"
)

func TestParseSecret(t *testing.T) {
	good := map[string]model.SecretRef{
		"db":                {Name: "db", Type: "mount", Target: "/run/secrets/db", Mode: 0o444},
		"db,target=conf/pw": {Name: "db", Type: "mount", Target: "/run/secrets/conf/pw", Mode: 0o444},
		"db,target=/etc/pw,mode=0400,uid=1000,gid=100": {Name: "db", Type: "mount", Target: "/etc/pw", UID: 1000, GID: 100, Mode: 0o400},
		"db,type=env":                   {Name: "db", Type: "env", Target: "db"},
		"db,type=env,target=DB_PASS":    {Name: "db", Type: "env", Target: "DB_PASS"},
		"api.key,type=mount,target=key": {Name: "api.key", Type: "mount", Target: "/run/secrets/key", Mode: 0o444},
	}
	for in, want := range good {
		got, err := ParseSecret(in)
		if err != nil || got != want {
			t.Errorf("ParseSecret(%q) = %+v, %v; want %+v", in, got, err, want)
			continue
		}
		// generate systemd --new writes Flag(); it must read back the same
		if again, err := ParseSecret(got.Flag()); err != nil || again != got {
			t.Errorf("%q: Flag %q reads back as %+v, %v", in, got.Flag(), again, err)
		}
	}
	bad := []string{"", "a/b", "db,type=file", "db,mode=999", "db,mode=1777", "db,uid=x", "db,type=env,uid=1",
		"db,type=env,target=A=B", "db,target=/", "db,foo=1", "db,target", "db,type=env,type=mount"}
	for _, in := range bad {
		if got, err := ParseSecret(in); !errdefs.IsInvalidArgument(err) {
			t.Errorf("ParseSecret(%q) = %+v, %v; want invalid argument", in, got, err)
		}
	}
}

// TestStageSecrets: an env secret reaches the spec's environment (never
// the record's), a mount secret a file with its owner and mode bound
// read-only on its target.
func TestStageSecrets(t *testing.T) {
	bundle := t.TempDir()
	values := map[string]string{"db": "s3cret", "key": "k-e-y"}
	src := func(name string) ([]byte, error) {
		if v, ok := values[name]; ok {
			return []byte(v), nil
		}
		return nil, errdefs.ErrNotFound
	}
	recordEnv := make([]string, 2, 8) // spare capacity: an append must not write into it
	recordEnv[0], recordEnv[1] = "PATH=/bin", "DB_PASSWORD=old"
	in := spec.Input{Env: recordEnv}
	refs := []model.SecretRef{
		{Name: "db", Type: model.SecretEnv, Target: "DB_PASSWORD"},
		{Name: "key", Type: model.SecretMount, Target: "/run/secrets/key", UID: 1000, GID: 100, Mode: 0o400},
	}
	if err := stageSecrets(refs, &in, bundle, src); err != nil {
		t.Fatal(err)
	}
	if want := []string{"PATH=/bin", "DB_PASSWORD=s3cret"}; !slices.Equal(in.Env, want) {
		t.Errorf("spec env %q, want %q", in.Env, want)
	}
	if recordEnv[1] != "DB_PASSWORD=old" || slices.Contains(recordEnv[:cap(recordEnv)], "DB_PASSWORD=s3cret") {
		t.Errorf("the record's environment changed: %q", recordEnv[:cap(recordEnv)])
	}
	if len(in.Mounts) != 1 || in.Mounts[0].Destination != "/run/secrets/key" || !in.Mounts[0].ReadOnly {
		t.Fatalf("mounts %+v", in.Mounts)
	}
	checkSecretFile(t, in.Mounts[0].Source, "k-e-y", 1000, 100, 0o400)
	if err := stageSecrets(refs[:1], &spec.Input{}, bundle, func(string) ([]byte, error) { return []byte{0xff}, nil }); !errdefs.IsInvalidArgument(err) {
		t.Errorf("a non-UTF-8 env secret: %v", err)
	}
	missing := []model.SecretRef{{Name: "gone", Type: model.SecretMount, Target: "/x"}}
	if err := stageSecrets(missing, &spec.Input{}, bundle, src); !errors.Is(err, errdefs.ErrNotFound) {
		t.Errorf("a missing secret: %v", err)
	}
}

func checkSecretFile(t *testing.T, path, want string, uid, gid int, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || string(b) != want {
		t.Fatalf("%s: %q, %v", path, b, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != mode {
		t.Errorf("%s: mode %v, want %v", path, st.Mode(), mode)
	}
	if own := fileOwner(st); own != [2]int{uid, gid} {
		t.Errorf("%s: owner %v, want %d:%d", path, own, uid, gid)
	}
	if dir, _ := os.Stat(filepath.Dir(path)); dir.Mode().Perm() != 0o700 {
		t.Errorf("the secrets directory has mode %v", dir.Mode())
	}
}

// TestCredentialSecrets reads values from $CREDENTIALS_DIRECTORY only.
func TestCredentialSecrets(t *testing.T) {
	t.Setenv("CREDENTIALS_DIRECTORY", "")
	if _, err := credentialSecrets("db"); !errdefs.IsInvalidArgument(err) {
		t.Errorf("no credentials directory: %v", err)
	}
	dir := t.TempDir()
	t.Setenv("CREDENTIALS_DIRECTORY", dir)
	if _, err := credentialSecrets("db"); !errdefs.IsNotFound(err) {
		t.Errorf("no such credential: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "podunit-secret.db"), []byte("v"), 0o400); err != nil {
		t.Fatal(err)
	}
	if v, err := credentialSecrets("db"); err != nil || string(v) != "v" {
		t.Errorf("credentialSecrets = %q, %v", v, err)
	}
}
