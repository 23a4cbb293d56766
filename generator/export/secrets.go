package export

import (
	"fmt"
	"path/filepath"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/secret"
	"github.com/podunit/podunit/generator/unitfile"
)

// secretFlags are the --secret values of a container's secrets.
func secretFlags(refs []model.SecretRef) []string {
	var out []string
	for _, r := range refs {
		out = append(out, r.Flag())
	}
	return out
}

// credentials adds LoadCredential= for each secret c uses, once: systemd
// reads the value from the store, and no unit line holds it.
func (o Options) credentials(f *unitfile.File, c *model.Container) error {
	seen := map[string]bool{}
	for _, r := range c.Config.Secrets {
		if seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		if o.SecretDir == "" {
			return fmt.Errorf("container %s uses secret %s, but the secret store's directory is unknown", c.Name, r.Name)
		}
		v, err := unitfile.LoadCredential(secret.CredentialID(r.Name), filepath.Join(o.SecretDir, r.Name, "data"), false)
		if err != nil {
			return fmt.Errorf("container %s: %w", c.Name, err)
		}
		f.Add("Service", "LoadCredential", v)
	}
	return nil
}
