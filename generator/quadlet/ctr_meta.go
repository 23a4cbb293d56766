package quadlet

import (
	"regexp"
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// exposedPort is ExposeHostPort='s value, checked as Quadlet checks it.
var exposedPort = regexp.MustCompile(`^\d+(-\d+)?(/(tcp|udp|sctp))?$`)

// ctrMeta translates the environment and metadata keys to their flags.
func (t *translator) ctrMeta() error {
	if err := t.flagWords("Annotation", "--annotation"); err != nil {
		return err
	}
	t.flag("Timezone", "--tz")
	for _, e := range t.all("ExposeHostPort") {
		if !exposedPort.MatchString(e.Value) {
			return errf(e, "not a port or port range (PORT[-PORT][/tcp|/udp|/sctp])")
		}
	}
	t.flagEach("ExposeHostPort", "--expose")
	t.flag("LogDriver", "--log-driver")
	t.flagEach("LogOpt", "--log-opt")
	t.flag("Pull", "--pull")
	t.flag("Retry", "--retry")
	t.flag("RetryDelay", "--retry-delay")
	if on, err := t.boolean("EnvironmentHost"); err != nil {
		return err
	} else if on {
		t.args = append(t.args, unitfile.Arg{Text: "--env-host"})
	}
	if _, ok := t.last("HttpProxy"); ok {
		on, err := t.boolean("HttpProxy")
		if err != nil {
			return err
		}
		t.args = append(t.args, unitfile.Arg{Text: map[bool]string{true: "--http-proxy=true", false: "--http-proxy=false"}[on]})
	}
	return nil
}

// entrypoint translates Entrypoint=: a value replaces the image's, and an
// empty one (Entrypoint=) means none, as Quadlet passes --entrypoint=.
func (t *translator) entrypoint() {
	e, ok := t.sec.Lookup("Entrypoint")
	if ok {
		t.args = append(t.args, unitfile.Value("--entrypoint", unitfile.Unquote(e.Value))...)
	}
}

// ctrReload writes ExecReload=: ReloadCmd= runs a command in the container
// (podunit exec), ReloadSignal= signals it (podunit kill --signal); one or
// the other, as Quadlet.
func (t *translator) ctrReload() error {
	cmd, hasCmd := t.last("ReloadCmd")
	sig, hasSig := t.last("ReloadSignal")
	switch {
	case hasCmd && hasSig:
		return errf(sig, "ReloadCmd= and ReloadSignal= are mutually exclusive")
	case hasCmd:
		words, err := t.words(cmd)
		if err != nil {
			return err
		}
		return t.exec("ExecReload", append(append(t.cmd("exec"), t.id.Object), unitfile.Value(words...)...))
	case hasSig:
		name, err := signal(sig)
		if err != nil {
			return err
		}
		return t.exec("ExecReload", append(t.cmd("kill", "--signal", name), t.id.Object))
	}
	return nil
}

// logIdentifier is the unit's SyslogIdentifier=: the last LogOpt=tag=,
// which names the container's journal lines as it does Podman's, else the
// unit's name.
func (t *translator) logIdentifier() string {
	id := "%N"
	for _, e := range t.all("LogOpt") {
		if tag, ok := strings.CutPrefix(e.Value, "tag="); ok && tag != "" && !strings.ContainsAny(tag, " \t\n\"'\\") {
			id = tag
		}
	}
	return id
}
