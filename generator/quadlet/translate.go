package quadlet

import (
	"fmt"
	"slices"
	"strings"

	"github.com/podunit/podunit/generator/cliflags"
	"github.com/podunit/podunit/generator/unitfile"
)

// Resolver answers for a referenced source file name (web.pod): its Ident,
// or an error saying it is missing or broken.
type Resolver func(file string) (Ident, error)

// Options are the environment a translation is for.
type Options struct {
	Binary string // absolute path of podunit in Exec lines
	User   bool   // for a user manager (no network-online.target)
	// StorageRoot is podunit's storage root where GlobalArgs= gives no
	// --root; "" is DefaultStorageRoot.
	StorageRoot string
	// EtcDir holds the passwd and group files names are looked up in;
	// "" is DefaultEtcDir.
	EtcDir string
}

// Unit is a translated source: its service and where it depends.
type Unit struct {
	Ident
	File    *unitfile.File
	Install Install
	Pod     string // service of the pod a container joins, or ""
	// Alone is a member the pod's start does not pull in (StartWithPod=no);
	// it still stops with the pod (BindsTo=).
	Alone    bool
	Warnings []error // each an *unitfile.Error: generated, but worth fixing
	Extra    []Extra // units besides the service (ctr_healthunits.go)
}

// translator holds one translation's state.
type translator struct {
	id    Ident
	src   *unitfile.File
	sec   *unitfile.Section
	out   *unitfile.File
	dir   string
	res   Resolver
	opt   Options
	args  []unitfile.Arg
	deps  [][2]string // [key, unit] added to [Unit]
	pod   string
	warns []error

	noDefaultDeps bool           // [Quadlet] DefaultDependencies=no
	globals       []unitfile.Arg // GlobalArgs=, after the binary in every command
	modules       []unitfile.Arg // a .container's ContainersConfModule=, on ExecStart= only
	podSlice      string         // the slice of the pod a container joins, or ""
	podStop       unitfile.Entry // the [Pod] StopTimeout= of that pod, if any
	alone         bool           // StartWithPod=no
	extra         []Extra        // units besides the service
}

// Translate turns one source (drop-ins already merged) into its unit. dir
// is the source's directory, for relative paths.
func Translate(id Ident, src *unitfile.File, dir string, res Resolver, opt Options) (*Unit, error) {
	t := &translator{id: id, src: src, sec: src.Section(id.Kind.Section()), dir: dir, res: res, opt: opt}
	if err := t.checkKeys(); err != nil {
		return nil, err
	}
	if err := t.checkValues(); err != nil {
		return nil, err
	}
	if err := t.checkQuadlet(); err != nil {
		return nil, err
	}
	t.out = src.Clone(id.Kind.Section(), "Quadlet")
	if err := t.rewriteDeps(); err != nil {
		return nil, err
	}
	if err := t.checkService(); err != nil {
		return nil, err
	}
	var err error
	if t.globals, err = t.flagArgs("GlobalArgs", cliflags.Global); err != nil {
		return nil, err
	}
	if err := t.confModules(); err != nil {
		return nil, err
	}
	switch id.Kind {
	case Container:
		err = t.container()
	case Pod:
		err = t.podUnit()
	case Volume:
		err = t.volume()
	case Network:
		err = t.network()
	case Image:
		err = t.image()
	case Kube:
		err = t.kube()
	}
	if err != nil {
		return nil, err
	}
	inst, err := parseInstall(t.out.Section("Install"), id)
	if err != nil {
		return nil, err
	}
	t.finishUnit()
	if err := t.checkLines(); err != nil {
		return nil, err
	}
	for _, w := range src.Warnings {
		t.warns = append(t.warns, w)
	}
	return &Unit{Ident: id, File: t.out, Install: inst, Pod: t.pod, Alone: t.alone, Warnings: t.warns, Extra: t.extra}, nil
}

// checkKeys refuses keys the kind does not support, naming the line.
func (t *translator) checkKeys() error {
	for _, e := range t.sec.Entries {
		if isSupported(t.id.Kind, e.Key) {
			continue
		}
		keys := supportedKeys(t.id.Kind)
		if knownToQuadlet(t.id.Kind, e.Key) {
			return unitfile.Errorf(e.File, e.Line, "[%s] %s= is a Quadlet key podunit does not support yet (podunit supports: %s)",
				t.sec.Name, e.Key, strings.Join(slices.Sorted(slices.Values(keys)), ", "))
		}
		return unitfile.Errorf(e.File, e.Line, "unknown key %s= in [%s] (neither Quadlet nor podunit has it; podunit supports: %s)",
			e.Key, t.sec.Name, strings.Join(slices.Sorted(slices.Values(keys)), ", "))
	}
	return nil
}

// checkValues refuses a value with a % systemd cannot resolve: every
// value of the section reaches an Exec= line, where systemd expands
// specifiers as it does in Quadlet's units.
func (t *translator) checkValues() error {
	for _, e := range t.sec.Entries {
		if err := unitfile.CheckSpecifiers(e.Value); err != nil {
			return errf(e, "%v", err)
		}
	}
	return nil
}

// reserved are [Service] keys the generator sets itself. A .volume's,
// .network's or .image's own ExecStart= lines are kept and run before the
// generator's, as Quadlet adds its command after them (userStarts).
var reserved = map[Kind][]string{
	Container: {"ExecStart", "ExecStop", "NotifyAccess", "Delegate"},
	Pod:       {"ExecStart", "ExecStopPost"},
	Kube:      {"ExecStart", "ExecStopPost", "Type", "RemainAfterExit"},
}

func (t *translator) checkService() error {
	sec := t.out.Section("Service")
	if sec == nil {
		return nil
	}
	t.overrideService(sec)
	t.userStarts(sec)
	for _, e := range sec.Entries {
		if slices.Contains(reserved[t.id.Kind], e.Key) {
			return unitfile.Errorf(e.File, e.Line, "[Service] %s= is set by podunit-generator for a .%s file; use the [%s] keys",
				e.Key, t.id.Kind, t.id.Kind.Section())
		}
		if e.Key == "Type" && t.id.Kind == Container && e.Value != "notify" && e.Value != "oneshot" {
			return unitfile.Errorf(e.File, e.Line, "[Service] Type=%s: a container unit is notify (the default) or oneshot, as with Quadlet", e.Value)
		}
		if e.Key == "KillMode" && t.id.Kind == Container && e.Value != "mixed" && e.Value != "control-group" {
			return unitfile.Errorf(e.File, e.Line, "[Service] KillMode=%s: a container unit needs mixed or control-group", e.Value)
		}
	}
	return nil
}

// depKeys are the [Unit] settings whose .container/.pod/… names are
// rewritten to the generated service names.
var depKeys = []string{"Wants", "Requires", "Requisite", "BindsTo", "PartOf", "Upholds", "Conflicts",
	"Before", "After", "OnFailure", "OnSuccess", "PropagatesReloadTo", "ReloadPropagatedFrom", "JoinsNamespaceOf"}

func (t *translator) rewriteDeps() error {
	sec := t.out.Section("Unit")
	if sec == nil {
		return nil
	}
	for i, e := range sec.Entries {
		if !slices.Contains(depKeys, e.Key) {
			continue
		}
		words := strings.Fields(e.Value)
		changed := false
		for j, w := range words {
			if _, ok := KindOf(w); !ok {
				continue
			}
			ref, err := t.res(w)
			if err != nil {
				return unitfile.Errorf(e.File, e.Line, "%s=%s: %v", e.Key, w, err)
			}
			words[j], changed = ref.Service, true
		}
		if changed {
			sec.Entries[i].Value = strings.Join(words, " ")
		}
	}
	return nil
}

// finishUnit puts [Unit] first, with SourcePath= and the dependencies,
// and drops [Install], which the generator applies itself as symlinks
// (a generated unit cannot be enabled; systemd 252 warns about UpheldBy=).
// checkLines refuses a unit systemd would not load (LoadState=error): its
// values add up to a line over systemd's limit (many long Environment=
// values in ExecStart=, say). The error points at the section's first line.
func (t *translator) checkLines() error {
	err := unitfile.CheckLines(t.out)
	if err == nil || t.sec == nil || len(t.sec.Entries) == 0 {
		return err
	}
	first := t.sec.Entries[0]
	return unitfile.Errorf(first.File, first.Line, "[%s]: the values add up to a unit systemd would not load: %v", t.sec.Name, err)
}

func (t *translator) finishUnit() {
	u := t.out.Section("Unit")
	if u == nil {
		u = &unitfile.Section{Name: "Unit", File: t.out.Path}
	}
	t.out.Remove("Unit")
	t.out.Remove("Install")
	t.out.Sections = slices.Insert(t.out.Sections, 0, u)
	// The default dependencies come before the file's own [Unit] lines, so
	// that an empty After= or Wants= there resets them, as with Quadlet;
	// the ones a key implies (Pod=, Volume=x.volume) come after.
	entries := make([]unitfile.Entry, 0, len(t.deps)+1+len(u.Entries))
	entries = t.appendDeps(entries, true)
	entries = append(entries, unitfile.Entry{Key: "SourcePath", Value: strings.ReplaceAll(t.src.Path, "%", "%%")})
	entries = append(entries, u.Entries...)
	u.Entries = t.appendDeps(entries, false)
}

// appendDeps appends the recorded dependencies on network-online.target
// (online) or the others (!online) to entries, as [Unit] lines.
func (t *translator) appendDeps(entries []unitfile.Entry, online bool) []unitfile.Entry {
	for _, d := range t.deps {
		if (d[1] == "network-online.target") == online {
			entries = append(entries, unitfile.Entry{Key: d[0], Value: d[1]})
		}
	}
	return entries
}

// dep records [Unit] key=unit once.
func (t *translator) dep(unit string, keys ...string) {
	for _, k := range keys {
		d := [2]string{k, unit}
		if !slices.Contains(t.deps, d) {
			t.deps = append(t.deps, d)
		}
	}
}

// networkOnline orders a unit that needs the network after it is up.
func (t *translator) networkOnline() {
	if !t.opt.User && !t.noDefaultDeps {
		t.dep("network-online.target", "Wants", "After")
	}
}

// ref resolves a referenced file named by entry e and records the deps.
func (t *translator) ref(e unitfile.Entry, file string, keys ...string) (Ident, error) {
	id, err := t.res(file)
	if err != nil {
		return id, unitfile.Errorf(e.File, e.Line, "%s=%s: %v", e.Key, e.Value, err)
	}
	if id.Tag.Text != "" {
		id.Object = id.Tag
	}
	if _, inst, ok := InstanceOf(file); ok && id.Kind != Container {
		id = id.Instantiate(inst)
	}
	if id.Kind == Container && !strings.Contains(id.Object.Text, "%%") {
		// the unit's own name is known here, as Quadlet resolves it
		id.Object.Text = strings.ReplaceAll(id.Object.Text, "%N", strings.TrimSuffix(id.Service, ".service"))
	}
	name := id.Object.Text
	if t.id.Template() || t.id.Instance() {
		name = strings.ReplaceAll(name, "%i", "") // the instance of this unit's own, as the reference's
	}
	if id.Object.Spec && unitfile.HasExpansion(name) {
		// systemd would expand them in this unit, not in the one that makes the object
		return id, errf(e, "%s names its %s %q with systemd specifiers or variables; a name another file uses must be plain",
			file, id.Kind, id.Object.Text)
	}
	t.dep(id.Service, keys...)
	return id, nil
}

// warnf records a warning at entry e.
func (t *translator) warnf(e unitfile.Entry, format string, args ...any) {
	t.warns = append(t.warns, unitfile.Errorf(e.File, e.Line, "%s=%s: %s", e.Key, e.Value, fmt.Sprintf(format, args...)))
}

// errf is an error at entry e.
func errf(e unitfile.Entry, format string, args ...any) error {
	return unitfile.Errorf(e.File, e.Line, "%s=%s: %s", e.Key, e.Value, fmt.Sprintf(format, args...))
}

// exec adds key=argv to [Service].
func (t *translator) exec(key string, args []unitfile.Arg) error {
	line, err := unitfile.ExecLine(args)
	if err != nil {
		return unitfile.Errorf(t.src.Path, t.sec.Line, "%s: %v", key, err)
	}
	t.out.Add("Service", key, line)
	return nil
}

// cmd starts an argv with the podunit binary and GlobalArgs=.
func (t *translator) cmd(words ...string) []unitfile.Arg {
	argv := append(unitfile.Literal(t.opt.Binary), t.globals...)
	return append(argv, unitfile.Literal(words...)...)
}
