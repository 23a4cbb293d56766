package quadlet

import (
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/podunit/podunit/generator/cliflags"
	"github.com/podunit/podunit/generator/unitfile"
)

// stopMargin is added to StopTimeout= for TimeoutStopSec=: ExecStop=
// (podunit container unit-stop) sends SIGKILL when the container's own
// timeout runs out, and systemd's bound only backs that up.
const stopMargin = 10

// defaultStopTimeout is the container's stop timeout without StopTimeout=,
// Podman's.
const defaultStopTimeout = 10

func (t *translator) container() error {
	image, err := t.ctrImage()
	if err != nil {
		return err
	}
	t.networkOnline()
	t.args = make([]unitfile.Arg, 0, 32) // a container's command line: room for most at once
	t.args = append(append(append(t.args, t.cmd()...), t.modules...), unitfile.Literal("run", "--unit", "--replace", "--rm", "--name")...)
	t.args = append(t.args, t.id.Object)
	for _, step := range []func() error{t.ctrPod, t.ctrNotify, t.ctrFlags, t.ctrMounts, t.ctrDevices, t.ctrNetwork, t.ctrUser, t.ctrIdent, t.ctrStop, t.ctrResources, t.ctrMeta, t.ctrSecrets, t.ctrHealth, t.ctrAutoUpdate, t.podmanArgs} {
		if err := step(); err != nil {
			return err
		}
	}
	t.args = append(t.args, image...)
	if e, ok := t.sec.Lookup("Exec"); ok && e.Value != "" {
		w, err := t.words(e)
		if err != nil {
			return err
		}
		t.args = append(t.args, unitfile.Value(w...)...)
	}
	return t.ctrService()
}

func (t *translator) ctrPod() error {
	e, ok := t.last("Pod")
	if !ok {
		return nil
	}
	if !strings.HasSuffix(e.Value, ".pod") {
		return errf(e, "Pod= names a .pod file (web.pod)")
	}
	id, err := t.ref(e, e.Value, "BindsTo", "After")
	if err != nil {
		return err
	}
	t.pod, t.podSlice, t.podStop = id.Service, podSlice(id.Object.Text), id.StopTimeout
	if with, ok := t.last("StartWithPod"); ok {
		on, err := parseBool(with)
		if err != nil {
			return err
		}
		t.alone = !on
	}
	t.args = append(t.args, unitfile.Arg{Text: "--pod"}, id.Object)
	// podunit pods have no volumes of their own: a pod's Volume= goes to
	// every member, which is what Podman's pod volumes amount to
	return t.volumeArgs(id.Volumes, id.Dir)
}

func (t *translator) ctrNotify() error {
	e, ok := t.last("Notify")
	if ok && strings.EqualFold(e.Value, "healthy") {
		if _, has := t.last("HealthCmd"); !has {
			return errf(e, "the unit becomes active when the health check first passes: HealthCmd= is needed")
		}
		t.args = append(t.args, unitfile.Literal("--sdnotify", "healthy")...)
		return nil
	}
	on, err := t.boolean("Notify")
	if on {
		t.args = append(t.args, unitfile.Literal("--sdnotify", "container")...)
	}
	return err
}

func (t *translator) ctrFlags() error {
	t.entrypoint()
	t.flag("HostName", "-h")
	t.flag("WorkingDir", "-w")
	ro, err := t.boolean("ReadOnly")
	if ro {
		t.args = append(t.args, unitfile.Arg{Text: "--read-only"})
	}
	if err != nil {
		return err
	}
	if err := t.flagWords("Environment", "-e"); err != nil {
		return err
	}
	if err := t.envFiles(); err != nil {
		return err
	}
	if err := t.labels(); err != nil {
		return err
	}
	if err := t.flagWords("AddCapability", "--cap-add"); err != nil {
		return err
	}
	return t.flagWords("DropCapability", "--cap-drop")
}

func (t *translator) ctrUser() error {
	u, hasUser := t.last("User")
	g, hasGroup := t.last("Group")
	switch {
	case hasGroup && !hasUser:
		return errf(g, "Group= needs User=")
	case hasGroup:
		t.args = append(t.args, unitfile.Value("-u", u.Value+":"+g.Value)...)
	case hasUser:
		t.args = append(t.args, unitfile.Value("-u", u.Value)...)
	}
	return nil
}

func (t *translator) ctrStop() error {
	if e, ok := t.last("StopSignal"); ok {
		sig, err := signal(e)
		if err != nil {
			return err
		}
		t.args = append(t.args, unitfile.Literal("--stop-signal", sig)...)
	}
	n, set, err := t.stopTimeout()
	if set {
		t.args = append(t.args, unitfile.Literal("--stop-timeout", strconv.Itoa(n))...)
	}
	return err
}

// stopTimeout is the container's StopTimeout=, else its pod's, else the
// default; set says whether either file set it.
func (t *translator) stopTimeout() (n int, set bool, err error) {
	e, ok := t.last("StopTimeout")
	if !ok && t.podStop.Value != "" {
		e, ok = t.podStop, true
	}
	if !ok {
		return defaultStopTimeout, false, nil
	}
	n, err = seconds(e)
	return n, err == nil, err
}

// ctrMounts translates Volume=, Mount= and Tmpfs=.
func (t *translator) ctrMounts() error {
	if err := t.volumes(); err != nil {
		return err
	}
	for _, e := range t.all("Mount") {
		args, err := t.mount(e)
		if err != nil {
			return err
		}
		t.args = append(t.args, args...)
	}
	t.flagEach("Tmpfs", "--tmpfs")
	return nil
}

// volumes translates Volume=SRC:DST[:OPTS]: a .volume source becomes that
// volume's name and a dependency; ./ and ../ sources are made absolute
// against the source file's directory.
func (t *translator) volumes() error {
	return t.volumeArgs(t.sec.All("Volume"), t.dir)
}

// volumeArgs translates Volume= entries written in a source in dir (a
// pod's, for its members).
func (t *translator) volumeArgs(es []unitfile.Entry, dir string) error {
	own := t.dir
	t.dir = dir
	defer func() { t.dir = own }()
	for _, e := range es {
		e.Value = unitfile.Unquote(e.Value)
		src, rest, hasDst := strings.Cut(e.Value, ":")
		if !hasDst {
			t.args = append(t.args, unitfile.Value("-v", e.Value)...)
			continue
		}
		name, err := t.volumeSource(e, src)
		if err != nil {
			return err
		}
		t.args = append(t.args, unitfile.Value("-v", name+":"+rest)...)
	}
	return nil
}

func (t *translator) volumeSource(e unitfile.Entry, src string) (string, error) {
	switch {
	case strings.HasSuffix(src, ".volume"):
		id, err := t.ref(e, src, "Requires", "After")
		return id.Object.Text, err
	}
	src = t.hostPath(src)
	if strings.HasPrefix(src, "/") {
		// as Quadlet: the file system holding a bind mount's source first
		t.dep(unitfile.QuoteWord(src), "RequiresMountsFor")
	}
	return src, nil
}

// hostPath makes a ./ or ../ path absolute against the source's directory
// (escaped: it is a literal joined to a systemd value).
func (t *translator) hostPath(p string) string {
	if strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || p == "." || p == ".." {
		return filepath.Join(unitfile.EscapeLiteral(t.dir), p)
	}
	return p
}

// envFiles translates EnvironmentFile=: each word a path, a relative one
// taken from the source's directory unless it starts with a specifier
// (%h/app.env), as Quadlet does.
func (t *translator) envFiles() error {
	for _, e := range t.sec.All("EnvironmentFile") {
		paths, err := t.words(e)
		if err != nil {
			return err
		}
		for _, p := range paths {
			if !filepath.IsAbs(p) && !(strings.HasPrefix(p, "%") && !strings.HasPrefix(p, "%%")) {
				p = filepath.Join(unitfile.EscapeLiteral(t.dir), p)
			}
			t.args = append(t.args, unitfile.Value("--env-file", p)...)
		}
	}
	return nil
}

// ctrNetwork translates Network= (a .network file, or a mode or name) and
// PublishPort=.
func (t *translator) ctrNetwork() error {
	if err := t.networks(); err != nil {
		return err
	}
	t.flagEach("PublishPort", "-p")
	return t.netOptions()
}

func (t *translator) networks() error {
	for _, e := range t.all("Network") {
		name, opts, hasOpts := strings.Cut(e.Value, ":")
		if strings.HasSuffix(name, ".container") {
			if hasOpts {
				return errf(e, "options are not supported when joining another container's network")
			}
			id, err := t.ref(e, name, "Requires", "After")
			if err != nil {
				return err
			}
			name = "container:" + id.Object.Text
		}
		if strings.HasSuffix(name, ".network") {
			id, err := t.ref(e, name, "Requires", "After")
			if err != nil {
				return err
			}
			name = id.Object.Text
		}
		if hasOpts {
			name += ":" + opts
		}
		t.args = append(t.args, unitfile.Value("--network", name)...)
	}
	return nil
}

func (t *translator) ctrService() error {
	svc := t.out.Ensure("Service")
	svc.Entries = slices.Grow(svc.Entries, 16) // a container's [Service] gets a dozen lines or so: one allocation
	t.out.Add("Service", "Environment", "PODUNIT_SYSTEMD_UNIT=%n")
	if _, ok := svc.Lookup("KillMode"); !ok {
		t.out.Add("Service", "KillMode", "mixed")
	}
	t.out.Add("Service", "Delegate", "yes")
	// Type=oneshot (the user's) runs the container to completion: the init
	// handed over as MAINPID is the main process a oneshot start waits for
	if _, ok := svc.Lookup("Type"); !ok {
		t.out.Add("Service", "Type", "notify")
	}
	t.out.Add("Service", "NotifyAccess", "all")
	if _, ok := svc.Lookup("SendSIGKILL"); !ok && t.tty() {
		// as generate systemd and transient units: the console keeper
		// ends by itself once the init is gone (engine/keeper_unit.go)
		t.out.Add("Service", "SendSIGKILL", "no")
	}
	if _, ok := svc.Lookup("SyslogIdentifier"); !ok {
		t.out.Add("Service", "SyslogIdentifier", t.logIdentifier())
	}
	if e, ok := t.last("StopSignal"); ok {
		sig, _ := signal(e)
		t.out.Add("Service", "KillSignal", sig)
	}
	t.stopSettings(svc)
	if err := t.credentials(); err != nil {
		return err
	}
	if _, set := svc.Lookup("Slice"); !set && t.podSlice != "" {
		t.out.Add("Service", "Slice", t.podSlice) // with its pod, as CLI pods
	}
	if err := t.exec("ExecStart", t.args); err != nil {
		return err
	}
	if err := t.ctrReload(); err != nil {
		return err
	}
	if err := t.exec("ExecStop", append(t.cmd("container", "unit-stop"), t.id.Object)); err != nil {
		return err
	}
	return t.exec("ExecStopPost", append(t.cmd("container", "cleanup"), t.id.Object))
}

// stopSettings bound a stop by the container's stop timeout (ExecStop=
// kills when it runs out) and make a stop that had to kill a clean one:
// SIGKILL is a success, and forces a restart where a failure would restart,
// so a kill -9 from outside still restarts Restart=on-failure units.
func (t *translator) stopSettings(svc *unitfile.Section) {
	if _, set := svc.Lookup("TimeoutStopSec"); !set {
		n, _, _ := t.stopTimeout()
		t.out.Add("Service", "TimeoutStopSec", strconv.Itoa(n+stopMargin))
	}
	t.out.Add("Service", "SuccessExitStatus", "SIGKILL")
	restart, _ := svc.Lookup("Restart")
	switch restart.Value {
	case "on-failure", "on-abnormal", "on-abort":
		t.out.Add("Service", "RestartForceExitStatus", "SIGKILL")
	case "on-success":
		t.out.Add("Service", "RestartPreventExitStatus", "SIGKILL")
	}
}

// podSlice is the slice podunit gives the units of pod name
// (engine/names.PodSlice): podunit-NAME.slice, with "-" escaped so that it
// makes no deeper slice; "" for a name outside podunit's name grammar (one
// with specifiers, or one pod create refuses), whose slice only the engine,
// knowing the pod's ID, can name.
func podSlice(name string) string {
	slice := "podunit-" + strings.ReplaceAll(name, "-", `\x2d`) + ".slice"
	if !sliceName.MatchString(name) || len(slice) > 255 {
		return ""
	}
	return slice
}

// sliceName is engine/names' grammar of a pod name that makes a slice name.
var sliceName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// tty reports whether PodmanArgs= give the container a terminal (-t).
func (t *translator) tty() bool {
	var words []string
	for _, e := range t.sec.All("PodmanArgs") {
		w, _, _ := unitfile.SplitWordsRelaxed(e.Value) // podmanArgs reports what is wrong
		words = append(words, w...)
	}
	return cliflags.Bool(verbs[Container], words, "tty")
}
