package main

import (
	"bufio"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/generator/cliflags"
)

// Podman's exit codes for `volume rm`.
const (
	exitNoSuchVolume = 1 // a volume did not exist
	exitVolumeInUse  = 2 // a volume is used by a container
)

func (a *app) volumeCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "volume", Short: "Manage named volumes"}
	cmd.AddCommand(a.volumeCreateCommand(), a.volumeLsCommand(), a.volumeInspectCommand(),
		a.volumeRmCommand(), a.volumeExistsCommand(), a.volumePruneCommand(), a.volumeExportCommand(), a.volumeImportCommand())
	return cmd
}

func (a *app) volumeCreateCommand() *cobra.Command {
	var o engine.VolumeCreateOptions
	var labels, opts []string
	cmd := &cobra.Command{
		Use:   "create [flags] [NAME]",
		Short: "Create a volume",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if len(args) == 1 {
				o.Name = args[0]
			}
			if o.Labels, err = parseLabels(labels); err != nil {
				return err
			}
			if o.Options, err = parseVolumeOpts(opts); err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			v, err := eng.VolumeCreate(a.ctx(cmd), o)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.out, v.Name)
			return nil
		},
	}
	fs := cmd.Flags()
	stringArrayVarP(fs, &labels, "label", "l", "set a label (KEY=VALUE)")
	stringArrayVarP(fs, &opts, "opt", "o", "driver option: type=tmpfs|none, o=OPTIONS, device=PATH, uid=N, gid=N, copy, nocopy")
	fs.StringVarP(&o.Driver, "driver", "d", "local", "volume driver: local, or image (--opt image=IMAGE: a writable copy of an image's files)")
	fs.BoolVar(&o.IgnoreIfExists, "ignore", false, "do nothing if the volume exists")
	return cmd
}

// parseVolumeOpts reads --opt KEY=VALUE settings.
func parseVolumeOpts(list []string) (map[string]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	opts := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok && (k == "copy" || k == "nocopy") { // podman's valueless options
			ok = true
		}
		if !ok || k == "" {
			return nil, fmt.Errorf("--opt %q: want KEY=VALUE", kv)
		}
		opts[k] = v
	}
	return opts, nil
}

// volumeRow is one volume as `volume ls` and `volume inspect` show it.
type volumeRow struct {
	Name        string
	Driver      string
	Mountpoint  string
	CreatedAt   time.Time
	Labels      map[string]string
	Scope       string
	Options     map[string]string
	MountCount  uint
	NeedsCopyUp bool
	NeedsChown  bool // Podman's key: the first mount's copy-up also sets the owners
	users       []*model.Container
}

func newVolumeRow(v *model.Volume, users []*model.Container) volumeRow {
	r := volumeRow{Name: v.Name, Driver: v.Driver, Mountpoint: v.Mountpoint, CreatedAt: v.Created.Local(),
		Labels: v.Labels, Scope: "local", Options: v.Options, NeedsCopyUp: v.NeedsCopyUp, NeedsChown: v.NeedsCopyUp, users: users}
	if r.Labels == nil {
		r.Labels = map[string]string{}
	}
	if r.Options == nil {
		r.Options = map[string]string{}
	}
	return r
}

func (a *app) volumeRows(cmd *cobra.Command, eng *engine.Engine) ([]volumeRow, error) {
	list, err := eng.Volumes(a.ctx(cmd))
	if err != nil {
		return nil, err
	}
	rows := []volumeRow{}
	for _, v := range list {
		users, err := eng.VolumeUsers(a.ctx(cmd), v.Name)
		if err != nil {
			return nil, err
		}
		rows = append(rows, newVolumeRow(v, users))
	}
	return rows, nil
}

const volumeLsFormat = "table {{.Driver}}\t{{.Name}}"

func (a *app) volumeLsCommand() *cobra.Command {
	var format string
	var filters []string
	var quiet, noHeading bool
	cmd := &cobra.Command{
		Use:     "ls [flags]",
		Aliases: []string{"list"},
		Short:   "List volumes",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			match, err := volumeFilter(filters)
			if err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			all, err := a.volumeRows(cmd, eng)
			if err != nil {
				return err
			}
			rows := slices.DeleteFunc(all, func(r volumeRow) bool { return !match(r) })
			return printList(a, listOutput{name: "volume ls", format: format, defaultFormat: volumeLsFormat,
				quiet: quiet, noHeading: noHeading, headers: map[string]string{"Name": "VOLUME NAME"}},
				rows, func(r volumeRow) string { return r.Name })
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&format, "format", "", "Go template or json")
	stringArrayVarP(fs, &filters, "filter", "f", "filter: name, label, driver, dangling, scope, opt, until (KEY=VALUE)")
	fs.BoolVarP(&quiet, "quiet", "q", false, "print only volume names")
	fs.BoolVarP(&noHeading, "noheading", "n", false, "do not print the header line")
	return outsideFirst(cmd)
}

func (a *app) volumeInspectCommand() *cobra.Command {
	var format string
	var all bool
	cmd := &cobra.Command{
		Use:   "inspect [flags] VOLUME [VOLUME...]",
		Short: "Show volumes as JSON",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !all {
				return fmt.Errorf("provide one or more volume names or use --all")
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			rows, err := a.inspectVolumes(cmd, eng, args, all)
			if err != nil && len(rows) == 0 {
				return err
			}
			if format == "" || format == "json" {
				if perr := writeJSON(a.out, rows); perr != nil {
					return perr
				}
			} else if perr := writeTable(a.out, "volume inspect", format, volumeRow{}, nil, rows, true); perr != nil {
				return perr
			}
			return err
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Go template or json")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "inspect every volume")
	return outsideFirst(cmd)
}

// inspectVolumes finds the named volumes (or all); it returns those found
// and the last failure (collectEach).
func (a *app) inspectVolumes(cmd *cobra.Command, eng *engine.Engine, names []string, all bool) ([]volumeRow, error) {
	if all {
		return a.volumeRows(cmd, eng)
	}
	return collectEach(a, names, func(n string) (volumeRow, error) {
		v, err := eng.Volume(a.ctx(cmd), n)
		if err != nil {
			return volumeRow{}, err
		}
		return newVolumeRow(v, nil), nil
	})
}

func (a *app) volumeRmCommand() *cobra.Command {
	var force, all bool
	cmd := &cobra.Command{
		Use:     "rm [flags] VOLUME [VOLUME...]",
		Aliases: []string{"remove"},
		Short:   "Remove volumes (exit 1: no such volume, 2: in use)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !all {
				return fmt.Errorf("provide one or more volume names or use --all")
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			if all {
				if args, err = volumeNames(cmd, a, eng); err != nil {
					return err
				}
			}
			err = a.forEach(args, func(name string) error { return eng.VolumeRemove(a.ctx(cmd), name, force) })
			switch {
			case errdefs.IsNotFound(err):
				return &exitError{code: exitNoSuchVolume, err: err}
			case errdefs.IsConflict(err):
				return &exitError{code: exitVolumeInUse, err: err}
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "remove the stopped containers that use the volume first")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove every volume")
	return cmd
}

func volumeNames(cmd *cobra.Command, a *app, eng *engine.Engine) ([]string, error) {
	list, err := eng.Volumes(a.ctx(cmd))
	var out []string
	for _, v := range list {
		out = append(out, v.Name)
	}
	return out, err
}

func (a *app) volumeExistsCommand() *cobra.Command {
	return outsideFirst(a.existsVerb("volume", func(cmd *cobra.Command, eng *engine.Engine, ref string) error {
		ok, err := eng.VolumeExists(a.ctx(cmd), ref)
		if err == nil && !ok {
			err = errdefs.ErrNotFound
		}
		return err
	}))
}

func (a *app) volumePruneCommand() *cobra.Command {
	return a.pruneFiltered("Remove every volume no container uses",
		"WARNING! This will remove all volumes not used by at least one container.", engineVolumePrune)
}

// confirm asks a yes/no question on the terminal; anything but y is no.
func (a *app) confirm(warning string) (bool, error) {
	fmt.Fprintf(a.out, "%s\nAre you sure you want to continue? [y/N] ", warning)
	line, err := bufio.NewReader(a.in).ReadString('\n')
	if err != nil && line == "" {
		// no answer at all (stdin closed, or /dev/null): an error, as
		// Podman's "Error: EOF", not a silent "no"
		return false, fmt.Errorf("reading the answer from standard input: %w", err)
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}

// proceed is true with force, else when the user confirms warning.
func (a *app) proceed(force bool, warning string) (bool, error) {
	if force {
		return true, nil
	}
	return a.confirm(warning)
}

// parseMounts reads --mount type=bind|volume|tmpfs|image|devpts|ramfs|glob,…
// (Podman's syntax): tmpfs mounts become --tmpfs entries, the rest mounts.
func parseMounts(list []string) ([]model.Mount, []string, error) {
	var mounts []model.Mount
	var tmpfs []string
	for _, s := range list {
		kv, err := mountFields(s)
		if err != nil {
			return nil, nil, err
		}
		if kv["type"] == "tmpfs" {
			t, err := tmpfsFromMount(s, kv)
			if err != nil {
				return nil, nil, err
			}
			tmpfs = append(tmpfs, t)
			continue
		}
		m, err := mountOfType(s, kv)
		if err != nil {
			return nil, nil, err
		}
		mounts = append(mounts, m)
	}
	return mounts, tmpfs, nil
}

// mountFields splits a --mount value into its keys, aliases resolved
// (cliflags.MountFields, which the generator shares).
func mountFields(s string) (map[string]string, error) {
	kv, err := cliflags.MountFields(s)
	if err != nil {
		return nil, fmt.Errorf("--mount %q: %w", s, err)
	}
	if kv["target"] == "" {
		return nil, fmt.Errorf("--mount %q: target (dst) is required", s)
	}
	if err := checkBoolOpt(s, kv, "ro", "rw", "bind-nonrecursive", "volume-nocopy", "U", "idmap"); err != nil {
		return nil, err
	}
	return kv, nil
}

// checkBoolOpt refuses a boolean key whose value is not true or false.
func checkBoolOpt(s string, kv map[string]string, keys ...string) error {
	for _, k := range keys {
		if v, ok := kv[k]; ok && v != "true" && v != "false" {
			return fmt.Errorf("--mount %q: %s=%s: want true or false", s, k, v)
		}
	}
	return nil
}

// mountFromFields makes a bind or volume mount.
func mountFromFields(s string, kv map[string]string) (model.Mount, error) {
	m := model.Mount{Type: kv["type"], Source: kv["source"], Destination: kv["target"],
		ReadOnly: kv["ro"] == "true" || kv["rw"] == "false"}
	if m.Source == "" && m.Type == model.MountVolume {
		m.Anonymous = true // a new volume, as -v /path
	} else if m.Source == "" {
		return m, fmt.Errorf("--mount %q: source (src) is required for type=%s", s, m.Type)
	}
	if m.Type == model.MountVolume && strings.HasPrefix(m.Source, "/") {
		return m, fmt.Errorf("--mount %q: a volume's source is its name, not a path: use type=bind", s)
	}
	if kv["bind-nonrecursive"] == "true" {
		m.Options = append(m.Options, "bind")
	}
	if p, ok := kv["bind-propagation"]; ok {
		switch p {
		case "shared", "rshared", "slave", "rslave", "private", "rprivate":
			m.Options = append(m.Options, p)
		default:
			return m, fmt.Errorf("--mount %q: bind-propagation=%s: want [r]shared, [r]slave or [r]private", s, p)
		}
	}
	if kv["volume-nocopy"] == "true" {
		m.Options = append(m.Options, "nocopy")
	}
	return m, mountSubPath(s, kv, &m)
}

// tmpfsFromMount makes a --tmpfs entry, "/path[:options]".
func tmpfsFromMount(s string, kv map[string]string) (string, error) {
	var opts []string
	if kv["ro"] == "true" || kv["rw"] == "false" {
		opts = append(opts, "ro")
	}
	if size, ok := kv["tmpfs-size"]; ok {
		if size == "" || strings.ContainsAny(size, ",:") {
			return "", fmt.Errorf("--mount %q: tmpfs-size=%s is not a size", s, size)
		}
		opts = append(opts, "size="+size)
	}
	if mode, ok := kv["tmpfs-mode"]; ok {
		if mode == "" || strings.Trim(mode, "01234567") != "" {
			return "", fmt.Errorf("--mount %q: tmpfs-mode=%s: want an octal mode", s, mode)
		}
		opts = append(opts, "mode="+mode)
	}
	if len(opts) == 0 {
		return kv["target"], nil
	}
	return kv["target"] + ":" + strings.Join(opts, ","), nil
}
