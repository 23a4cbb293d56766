package export

import (
	"slices"
	"strings"
	"testing"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/generator/unitfile"
)

func secretContainer() *model.Container {
	_, members := fixture()
	c := *members[1]
	c.Config.Pod = ""
	c.Config.Secrets = []model.SecretRef{
		{Name: "db", Type: model.SecretMount, Target: "/run/secrets/db", Mode: 0o444},
		{Name: "db", Type: model.SecretEnv, Target: "DB_PASSWORD"},
		{Name: "key", Type: model.SecretMount, Target: "/etc/key", UID: 1000, GID: 100, Mode: 0o400},
	}
	return &c
}

// TestSecretsBecomeFlagsAndCredentials: generate systemd writes each
// secret back as its --secret flag (--new) and, new or not, one
// LoadCredential= per secret naming its file in the store.
func TestSecretsBecomeFlagsAndCredentials(t *testing.T) {
	c := secretContainer()
	for _, o := range []Options{{New: true, SecretDir: "/var/lib/s/podunit/secrets"}, {SecretDir: "/var/lib/s/podunit/secrets"}} {
		u, err := Container(c, nil, o)
		if err != nil {
			t.Fatal(err)
		}
		f, err := unitfile.Parse(u.Name, u.Text)
		if err != nil {
			t.Fatal(err)
		}
		var creds []string
		for _, e := range f.Section("Service").All("LoadCredential") {
			creds = append(creds, e.Value)
		}
		want := []string{"podunit-secret.db:/var/lib/s/podunit/secrets/db/data", "podunit-secret.key:/var/lib/s/podunit/secrets/key/data"}
		if !slices.Equal(creds, want) {
			t.Errorf("new=%v: LoadCredential= %q, want %q", o.New, creds, want)
		}
		argv := strings.Join(execStart(t, u), " ")
		flags := "--secret db,type=mount,target=/run/secrets/db,uid=0,gid=0,mode=444 --secret db,type=env,target=DB_PASSWORD " +
			"--secret key,type=mount,target=/etc/key,uid=1000,gid=100,mode=400"
		if o.New != strings.Contains(argv, flags) {
			t.Errorf("new=%v: ExecStart %q (flags %q)", o.New, argv, flags)
		}
	}
}

func TestSecretsNeedAWritableStorePath(t *testing.T) {
	c := secretContainer()
	for _, dir := range []string{"", "/with space/secrets", "relative/secrets"} {
		if _, err := Container(c, nil, Options{SecretDir: dir}); err == nil {
			t.Errorf("secret dir %q: no error", dir)
		}
	}
}
