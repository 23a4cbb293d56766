package quadlet

import (
	"path/filepath"
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// kubeKeys are the [Kube] keys podunit translates.
var kubeKeys = append([]string{"ConfigMap", "GlobalArgs", "Network", "PodmanArgs", "PublishPort", "ServiceName", "SetWorkingDirectory", "Yaml"}, kubeMoreKeys...)

// kube translates a .kube file into a unit that plays the YAML's pods
// (kube play --replace) and takes them down when it stops. Each pod is a
// pod unit and each member a unit of its own, started by play, so systemd
// restarts members one by one.
func (t *translator) kube() error {
	t.networkOnline()
	e, ok := t.last("Yaml")
	if !ok {
		return unitfile.Errorf(t.src.Path, t.sec.Line, "[Kube] has no Yaml= key")
	}
	yaml := t.kubePath(e.Value)
	t.args = t.cmd("kube", "play", "--replace")
	for _, c := range t.all("ConfigMap") {
		t.args = append(t.args, unitfile.Value("--configmap", t.kubePath(c.Value))...)
	}
	t.flagEach("PublishPort", "--publish")
	if err := t.networks(); err != nil {
		return err
	}
	if err := t.kubeMore(); err != nil { // kube_more.go
		return err
	}
	if err := t.podmanArgs(); err != nil {
		return err
	}
	if err := t.kubeWorkDir(yaml); err != nil {
		return err
	}
	if err := t.kubeStart(t.args, yaml); err != nil { // kube_more.go
		return err
	}
	down, err := t.kubeDown(yaml)
	if err != nil {
		return err
	}
	return t.exec("ExecStopPost", down)
}

// kubePath makes a relative path (not one starting with a specifier)
// relative to the source's directory, as Quadlet does for Yaml=.
func (t *translator) kubePath(p string) string {
	if filepath.IsAbs(p) || strings.HasPrefix(p, "%") {
		return p
	}
	return filepath.Join(unitfile.EscapeLiteral(t.dir), p)
}

// kubeWorkDir translates SetWorkingDirectory=yaml|unit.
func (t *translator) kubeWorkDir(yaml string) error {
	e, ok := t.last("SetWorkingDirectory")
	if !ok {
		return nil
	}
	switch e.Value {
	case "yaml":
		t.out.Add("Service", "WorkingDirectory", filepath.Dir(yaml))
	case "unit":
		t.out.Add("Service", "WorkingDirectory", unitfile.EscapeLiteral(t.dir))
	default:
		return errf(e, "want yaml or unit")
	}
	return nil
}
