package quadlet

import (
	"path"
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// DefaultStorageRoot is the system manager's containers/storage root, where
// the secret store lives unless GlobalArgs= gives --root.
const DefaultStorageRoot = "/var/lib/containers/storage"

// credentialPrefix and secretData mirror engine/secret (the generator
// links nothing of engine/): a secret NAME is the credential
// podunit-secret.NAME, loaded from ROOT/podunit/secrets/NAME/data.
const (
	credentialPrefix = "podunit-secret."
	secretData       = "podunit/secrets/%s/data"
)

// ctrSecrets translates Secret=NAME[,opts]: --secret, which the container's
// start reads from $CREDENTIALS_DIRECTORY, and LoadCredential= (added by
// credentials) so that systemd loads it from the store.
func (t *translator) ctrSecrets() error {
	for _, e := range t.all("Secret") {
		name, _, _ := strings.Cut(e.Value, ",")
		if !sliceName.MatchString(name) {
			return errf(e, "the secret's name must be plain: [a-zA-Z0-9][a-zA-Z0-9_.-]*, no specifiers")
		}
		t.args = append(t.args, unitfile.Value("--secret", e.Value)...)
	}
	return nil
}

// healthKeys map the health check keys to their flags.
var healthKeys = [][2]string{{"HealthCmd", "--health-cmd"}, {"HealthInterval", "--health-interval"},
	{"HealthRetries", "--health-retries"}, {"HealthStartPeriod", "--health-start-period"},
	{"HealthTimeout", "--health-timeout"}, {"HealthOnFailure", "--health-on-failure"}}

// ctrHealth translates the health check keys and makes the check's timer
// units (ctr_healthunits.go); where it makes none, the container's start
// (podunit run --unit) starts a transient timer.
func (t *translator) ctrHealth() error {
	for _, k := range healthKeys {
		t.flag(k[0], k[1])
	}
	t.ctrHealth2()
	t.ctrHealthUnits()
	return nil
}

// credentials adds LoadCredential= for each secret Secret= names, once.
func (t *translator) credentials() error {
	root, spec := t.storageRoot()
	seen := map[string]bool{}
	for _, r := range t.secretRefs() {
		e, name := r.e, r.name
		if !sliceName.MatchString(name) {
			return errf(e, "the secret's name must be plain: [a-zA-Z0-9][a-zA-Z0-9_.-]*, no specifiers")
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		v, err := unitfile.LoadCredential(credentialPrefix+name, path.Join(root, strings.Replace(secretData, "%s", name, 1)), spec)
		if err != nil {
			return errf(e, "%v", err)
		}
		t.out.Add("Service", "LoadCredential", v)
	}
	return nil
}

// storageRoot is the storage root the unit's podunit uses: GlobalArgs='s
// --root (a systemd value), else the generator's (a literal).
func (t *translator) storageRoot() (string, bool) {
	for i, a := range t.globals {
		if v, ok := strings.CutPrefix(a.Text, "--root="); ok {
			return v, a.Spec
		}
		if a.Text == "--root" && i+1 < len(t.globals) {
			return t.globals[i+1].Text, t.globals[i+1].Spec
		}
	}
	if t.opt.StorageRoot != "" {
		return t.opt.StorageRoot, false
	}
	return DefaultStorageRoot, false
}

// autoUpdateLabel is the label podunit auto-update reads (engine's
// AutoUpdateLabel; the generator links nothing of engine/).
const autoUpdateLabel = "io.containers.autoupdate"

// ctrAutoUpdate translates AutoUpdate=registry|local into that label, as
// Quadlet does; the policy's other names (image, disabled) pass too.
func (t *translator) ctrAutoUpdate() error {
	e, ok := t.last("AutoUpdate")
	if !ok {
		return nil
	}
	switch e.Value {
	case "registry", "local", "image", "disabled":
	default:
		return errf(e, "not an auto-update policy: want registry or local")
	}
	t.args = append(t.args, unitfile.Value("--label", autoUpdateLabel+"="+e.Value)...)
	return nil
}
