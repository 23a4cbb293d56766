package quadlet

import (
	"strconv"
	"strings"

	"github.com/podunit/podunit/generator/cliflags"
	"github.com/podunit/podunit/generator/unitfile"
)

// supported lists the keys of each kind's section that podunit translates.
var supported = map[Kind][]string{
	Container: {"AddCapability", "ContainerName", "DropCapability", "Entrypoint", "Environment", "EnvironmentFile",
		"Exec", "GlobalArgs", "Group", "HostName", "Image", "Label", "Mount", "Network", "Notify", "Pod", "PodmanArgs",
		"PublishPort", "ReadOnly", "ServiceName", "StopSignal", "StopTimeout", "Tmpfs", "User", "Volume", "WorkingDir",
		"Memory", "PidsLimit", "ShmSize", "Sysctl", "Ulimit", // resources (ctr_res.go)
		"AddDevice", "ReadOnlyTmpfs", "Rootfs", "VolatileTmp", // devices and mounts (ctr_dev.go)
		"Annotation", "ContainersConfModule", "EnvironmentHost", "ExposeHostPort", "HttpProxy", "LogDriver", "LogOpt", "Pull", "ReloadCmd", "ReloadSignal", "Retry", "RetryDelay", "Timezone", // metadata (ctr_meta.go)
		"HealthCmd", "HealthInterval", "HealthOnFailure", "HealthRetries", "HealthStartPeriod", "HealthTimeout", "Secret", "AutoUpdate", // operations (ctr_ops.go)
		"StartWithPod",                                                                                                                                                                        // ctrPod
		"HealthLogDestination", "HealthMaxLogCount", "HealthMaxLogSize", "HealthStartupCmd", "HealthStartupInterval", "HealthStartupRetries", "HealthStartupSuccess", "HealthStartupTimeout"}, // ctr_health2.go
	Pod: {"ExitPolicy", "GlobalArgs", "HostName", "Label", "Network", "PodName", "PodmanArgs", "PublishPort", "ServiceName", "Volume",
		"ShmSize", "StopTimeout"},
	Volume:  {"Device", "Driver", "GlobalArgs", "Group", "Label", "Options", "PodmanArgs", "ServiceName", "Type", "User", "VolumeName"},
	Network: {"Gateway", "GlobalArgs", "Internal", "Label", "NetworkName", "PodmanArgs", "ServiceName", "Subnet"},
	Image:   {"AuthFile", "Creds", "GlobalArgs", "Image", "ImageTag", "PodmanArgs", "Policy", "ServiceName", "TLSVerify"},
	Kube:    kubeKeys, // kubefile.go
}

// last returns the last non-empty value of key, a quoted value unquoted
// (Image="localhost/img" is localhost/img).
func (t *translator) last(key string) (unitfile.Entry, bool) {
	e, ok := t.sec.Lookup(key)
	e.Value = unitfile.Unquote(e.Value)
	return e, ok && e.Value != ""
}

// all returns every value of key (an empty one resets the list), each
// unquoted as last does.
func (t *translator) all(key string) []unitfile.Entry {
	es := t.sec.All(key)
	for i := range es {
		es[i].Value = unitfile.Unquote(es[i].Value)
	}
	return es
}

// flag adds "flag value" for the last value of key. Values are systemd
// values: their specifiers are systemd's to expand (unitfile.Value).
func (t *translator) flag(key, flag string) {
	if e, ok := t.last(key); ok {
		t.args = append(t.args, unitfile.Value(flag, e.Value)...)
	}
}

// flagEach adds "flag value" for every value of key (one per line).
func (t *translator) flagEach(key, flag string) {
	for _, e := range t.all(key) {
		t.args = append(t.args, unitfile.Value(flag, e.Value)...)
	}
}

// flagWords adds "flag word" for every word of every value of key,
// split with systemd's quoting rules.
func (t *translator) flagWords(key, flag string) error {
	for _, e := range t.sec.All(key) {
		words, err := t.words(e)
		if err != nil {
			return err
		}
		if key == "Environment" || key == "Label" {
			t.warnUnquoted(e, words)
		}
		for _, w := range words {
			t.args = append(t.args, unitfile.Value(flag, w)...)
		}
	}
	return nil
}

// warnUnquoted warns, as Quadlet does, about a word without "=" after a
// KEY=VALUE word of the same line: most likely the rest of a value whose
// blanks were not quoted (Label=rule=Host(x) && Path(y)).
func (t *translator) warnUnquoted(e unitfile.Entry, words []string) {
	assigned := false
	for _, w := range words {
		if strings.Contains(w, "=") {
			assigned = true
		} else if assigned {
			t.warnf(e, "%q has no = and follows a KEY=VALUE: quote a value with blanks (%s=\"KEY=a b\")", w, e.Key)
			return
		}
	}
}

// verbs are the podunit verbs each kind's PodmanArgs= are flags of.
var verbs = map[Kind]string{Container: "run", Pod: "pod create", Volume: "volume create", Network: "network create", Image: "pull", Kube: "kube play"}

// podmanArgs appends PodmanArgs= words, each checked against the flags of
// the podunit verb they are given to.
func (t *translator) podmanArgs() error {
	words, err := t.flagArgs("PodmanArgs", verbs[t.id.Kind])
	t.args = append(t.args, words...)
	return err
}

// flagArgs reads key's words, which must be flags of verb (with their
// values) as podunit's own flag table has them.
func (t *translator) flagArgs(key, verb string) ([]unitfile.Arg, error) {
	var out []unitfile.Arg
	for _, e := range t.sec.All(key) {
		words, err := t.words(e)
		if err != nil {
			return nil, err
		}
		if err := cliflags.Check(verb, words); err != nil {
			return nil, errf(e, "%v", err)
		}
		out = append(out, unitfile.Value(words...)...)
	}
	return out, nil
}

// words splits e's value with systemd's rules; an unknown escape is kept
// and warned about, as systemd and Quadlet do.
func (t *translator) words(e unitfile.Entry) ([]string, error) {
	w, warns, err := unitfile.SplitWordsRelaxed(e.Value)
	if err != nil {
		return nil, errf(e, "%v", err)
	}
	for _, msg := range warns {
		t.warnf(e, "%s", msg)
	}
	return w, nil
}

// boolean reads key as a systemd boolean.
func (t *translator) boolean(key string) (bool, error) {
	e, ok := t.last(key)
	if !ok {
		return false, nil
	}
	return parseBool(e)
}

// parseBool reads e's value as a systemd boolean.
func parseBool(e unitfile.Entry) (bool, error) {
	switch strings.ToLower(unitfile.Unquote(e.Value)) {
	case "1", "yes", "y", "true", "t", "on":
		return true, nil
	case "0", "no", "n", "false", "f", "off":
		return false, nil
	}
	return false, errf(e, "not a boolean (yes, no, true, false, on, off, 1, 0)")
}

// label adds -l for every Label= word.
func (t *translator) labels() error { return t.flagWords("Label", "-l") }

// seconds reads key as a non-negative integer.
func seconds(e unitfile.Entry) (int, error) {
	n, err := strconv.Atoi(e.Value)
	if err != nil || n < 0 || n > 1<<30 {
		return 0, errf(e, "not a whole number of seconds")
	}
	return n, nil
}

// signals are the names StopSignal= accepts (signal(7), x86-64 numbers).
var signals = map[string]int{
	"HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "BUS": 7, "FPE": 8, "KILL": 9,
	"USR1": 10, "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15, "STKFLT": 16, "CHLD": 17,
	"CONT": 18, "STOP": 19, "TSTP": 20, "TTIN": 21, "TTOU": 22, "URG": 23, "XCPU": 24, "XFSZ": 25,
	"VTALRM": 26, "PROF": 27, "WINCH": 28, "IO": 29, "PWR": 30, "SYS": 31,
}

// signal normalises a StopSignal= value to SIGNAME.
func signal(e unitfile.Entry) (string, error) {
	v := strings.TrimPrefix(strings.ToUpper(e.Value), "SIG")
	if _, ok := signals[v]; ok {
		return "SIG" + v, nil
	}
	if n, err := strconv.Atoi(e.Value); err == nil {
		for name, num := range signals {
			if num == n {
				return "SIG" + name, nil
			}
		}
	}
	return "", errf(e, "not a signal name (TERM, SIGINT, …) or number")
}
