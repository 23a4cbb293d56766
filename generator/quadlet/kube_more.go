package quadlet

import (
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// kubeMoreKeys are the [Kube] keys kube_more.go translates.
var kubeMoreKeys = []string{"AutoUpdate", "ContainersConfModule", "ExitCodePropagation", "KubeDownForce", "LogDriver", "LogOpt",
	"RemapGid", "RemapUid", "RemapUidSize", "RemapUsers", "UserNS"}

// kubeMore translates the [Kube] keys that become kube play flags, as
// Quadlet: AutoUpdate= (an annotation, the pod's or one container's),
// LogDriver=, LogOpt=, UserNS= and the older Remap keys (--userns).
// ContainersConfModule= is the global --module (confModules).
func (t *translator) kubeMore() error {
	if err := t.kubeAutoUpdate(); err != nil {
		return err
	}
	t.flag("LogDriver", "--log-driver")
	t.flagEach("LogOpt", "--log-opt")
	if e, ok := t.last("RemapUsers"); ok && e.Value == "manual" {
		return errf(e, "manual maps with --uidmap, which kube play has not (as Quadlet): use auto or keep-id")
	}
	return t.userMappings() // ctr_ident.go; UIDMap= and the like are not [Kube] keys
}

// kubeAutoUpdate translates AutoUpdate=[CONTAINER/]POLICY, again for more.
func (t *translator) kubeAutoUpdate() error {
	for _, e := range t.all("AutoUpdate") {
		ctr, policy, one := strings.Cut(e.Value, "/")
		if !one {
			ctr, policy = "", e.Value
		}
		switch {
		case one && ctr == "":
			return errf(e, "want CONTAINER/POLICY or POLICY")
		case policy != "registry" && policy != "local":
			return errf(e, "not an auto-update policy: want registry or local")
		}
		key := autoUpdateLabel
		if one {
			key += "/" + ctr
		}
		t.args = append(t.args, unitfile.Value("--annotation", key+"="+policy)...)
	}
	return nil
}

// kubeDown is the ExecStopPost= command: kube down, with --force
// (KubeDownForce=true) removing the claims' volumes too.
func (t *translator) kubeDown(yaml string) ([]unitfile.Arg, error) {
	args := t.cmd("kube", "down")
	force, err := t.boolean("KubeDownForce")
	if err != nil {
		return nil, err
	}
	if force {
		args = append(args, unitfile.Literal("--force")...)
	}
	return append(args, unitfile.Value(yaml)...), nil
}

// kubeStart writes ExecStart= (play's argv). With ExitCodePropagation= play
// waits for the containers (--service-exit-code-propagation) and the unit
// is a Type=exec service that ends, failed or not, when they have; without
// it a oneshot that stays active after play.
func (t *translator) kubeStart(start []unitfile.Arg, yaml string) error {
	e, ok := t.last("ExitCodePropagation")
	if !ok {
		return t.oneshot(append(start, unitfile.Value(yaml)...))
	}
	switch e.Value {
	case "all", "any", "none":
	default:
		return errf(e, "want all, any or none")
	}
	t.out.Add("Service", "Type", "exec")
	if _, ok := t.out.Section("Service").Lookup("SyslogIdentifier"); !ok {
		t.out.Add("Service", "SyslogIdentifier", "%N")
	}
	start = append(start, unitfile.Value("--service-exit-code-propagation", e.Value)...)
	return t.exec("ExecStart", append(start, unitfile.Value(yaml)...))
}
