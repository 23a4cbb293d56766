package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/rootless"
)

// inspectData is a container in `podman inspect`'s shape.
type inspectData struct {
	ID           string          `json:"Id"`
	Created      time.Time       `json:"Created"`
	Path         string          `json:"Path"`
	Args         []string        `json:"Args"`
	State        inspectState    `json:"State"`
	Image        string          `json:"Image"`
	ImageName    string          `json:"ImageName"`
	Pod          string          `json:"Pod"` // the pod's ID, "" outside a pod
	Name         string          `json:"Name"`
	IsInfra      bool            `json:"IsInfra"`
	RestartCount int             `json:"RestartCount"`
	OCIRuntime   string          `json:"OCIRuntime"`
	Unit         string          `json:"Unit"`
	Rootfs       string          `json:"Rootfs"` // --rootfs: the directory it runs from
	Mounts       []inspectMount  `json:"Mounts"`
	Config       inspectConfig   `json:"Config"`
	HostConfig   inspectHostConf `json:"HostConfig"`
	// NetworkSettings: the container's address and published ports.
	NetworkSettings inspectNetwork `json:"NetworkSettings"`
	inspectMore
}

type inspectNetwork struct {
	IPAddress string                   `json:"IPAddress"`
	Ports     map[string][]inspectPort `json:"Ports"`
	Network   string                   `json:"Network"`
	inspectNetworks
}

type inspectPort struct {
	HostIP   string `json:"HostIp"`
	HostPort string `json:"HostPort"`
}

func newInspectNetwork(c *model.Container) inspectNetwork {
	return inspectNetwork{IPAddress: c.State.IP, Network: c.Config.Network, Ports: portBindings(c.Config.Ports)}
}

type inspectState struct {
	Status     string    `json:"Status"`
	Running    bool      `json:"Running"`
	Paused     bool      `json:"Paused"`
	Restarting bool      `json:"Restarting"`
	OOMKilled  bool      `json:"OOMKilled"`
	Dead       bool      `json:"Dead"`
	Pid        int       `json:"Pid"`
	ExitCode   int       `json:"ExitCode"`
	Error      string    `json:"Error"`
	StartedAt  time.Time `json:"StartedAt"`
	FinishedAt time.Time `json:"FinishedAt"`

	Health *inspectHealth `json:"Health,omitempty"`
}

// inspectMount is Podman's InspectMount: for a named volume, Type is
// "volume", Name its name and Source its _data directory.
type inspectMount struct {
	Type        string   `json:"Type"`
	Name        string   `json:"Name,omitempty"`
	Source      string   `json:"Source"`
	Destination string   `json:"Destination"`
	Driver      string   `json:"Driver"`
	Mode        string   `json:"Mode"`
	Options     []string `json:"Options"`
	RW          bool     `json:"RW"`
	Propagation string   `json:"Propagation"`
	SubPath     string   `json:"SubPath,omitempty"` // --mount type=volume,subpath=
}

// newInspectMount describes m; volumePath gives a named volume's directory.
func newInspectMount(m model.Mount, volumePath func(name string) string) inspectMount {
	im := inspectMount{Type: "bind", Source: m.Source, Destination: m.Destination, RW: !m.ReadOnly,
		Options: nonNil(m.Options), Propagation: "rprivate", SubPath: m.SubPath}
	if m.Type == "volume" {
		im.Type, im.Name, im.Driver, im.Propagation = "volume", m.Source, "local", ""
		im.Source = volumePath(m.Source)
	}
	return inspectOtherMount(m, im)
}

type inspectConfig struct {
	Hostname    string            `json:"Hostname"`
	User        string            `json:"User"`
	Env         []string          `json:"Env"`
	Cmd         []string          `json:"Cmd"`
	Entrypoint  []string          `json:"Entrypoint"`
	WorkingDir  string            `json:"WorkingDir"`
	Labels      map[string]string `json:"Labels"`
	Image       string            `json:"Image"`
	StopSignal  string            `json:"StopSignal"`
	StopTimeout uint              `json:"StopTimeout"`
	inspectMetaConfig
	inspectTerm
	Secrets []inspectSecret `json:"Secrets,omitempty"`

	Healthcheck *inspectHealthConfig `json:"Healthcheck,omitempty"`
	inspectHealth2
}

type inspectHostConf struct {
	RestartPolicy  restartPolicy `json:"RestartPolicy"`
	AutoRemove     bool          `json:"AutoRemove"`
	Privileged     bool          `json:"Privileged"`
	ReadonlyRootfs bool          `json:"ReadonlyRootfs"`
	CapAdd         []string      `json:"CapAdd"`
	CapDrop        []string      `json:"CapDrop"`
	Tmpfs          []string      `json:"Tmpfs"`
	inspectResources
	inspectStorage
	inspectMetaHost
	inspectIdentity
}

type restartPolicy struct {
	Name              string `json:"Name"`
	MaximumRetryCount uint   `json:"MaximumRetryCount"`
}

// newInspectData is c in Podman's inspect shape; volumePath gives a named
// volume's directory ("" if it is gone).
func newInspectData(c *model.Container, volumePath func(name string) string) inspectData {
	args := c.Config.Args()
	d := inspectData{ID: c.ID, Created: c.Created, Args: args[1:], Path: args[0],
		Image: c.ImageID, ImageName: c.Image, Pod: c.Config.Pod, Name: c.Name, OCIRuntime: c.Config.Runtime, Unit: c.State.Unit,
		Mounts: []inspectMount{},
		State: inspectState{Status: string(c.State.Status), Running: c.State.Status == model.Running || c.State.Status == model.Paused,
			Paused: c.State.Status == model.Paused,
			Pid:    c.State.Pid, ExitCode: c.State.ExitCode, Error: c.State.Error,
			StartedAt: c.State.StartedAt, FinishedAt: c.State.FinishedAt},
		Config: inspectConfig{Hostname: c.Config.Hostname, User: c.Config.User, Env: c.Config.Env,
			Cmd: c.Config.Cmd, Entrypoint: c.Config.Entrypoint, WorkingDir: c.Config.WorkingDir,
			Labels: c.Config.Labels, Image: c.Image, StopSignal: c.Config.StopSignal, StopTimeout: c.Config.StopTimeout},
		HostConfig: inspectHostConf{RestartPolicy: parseRestart(c.Config.Restart), AutoRemove: c.Config.Remove,
			Privileged: c.Config.Privileged, ReadonlyRootfs: c.Config.ReadOnly,
			CapAdd: nonNil(c.Config.CapAdd), CapDrop: nonNil(c.Config.CapDrop), Tmpfs: nonNil(c.Config.Tmpfs),
			inspectResources: newInspectResources(c.Config.Resources),
			inspectIdentity:  newInspectIdentity(c.Config.Identity)},
	}
	d.NetworkSettings = newInspectNetwork(c)
	d.HostConfig.inspectStorage = newInspectStorage(&c.Config.Storage)
	d.Rootfs = c.Config.Rootfs
	d.Config.inspectMetaConfig, d.HostConfig.inspectMetaHost, d.NetworkSettings.inspectNetworks = newInspectMetaConfig(c), newInspectMetaHost(c), newInspectNetworks(c)
	d.Config.inspectTerm = newInspectTerm(c.Config.TermConfig)
	d.Config.Secrets = inspectSecrets(c.Config.Secrets)
	d.State.Health, d.Config.Healthcheck = newInspectHealth(c)
	d.Config.inspectHealth2 = newInspectHealth2(c)
	if d.Config.Hostname == "" {
		d.Config.Hostname = c.ID[:12]
	}
	for _, m := range c.Config.Mounts {
		d.Mounts = append(d.Mounts, newInspectMount(m, volumePath))
	}
	return d
}

func parseRestart(p string) restartPolicy {
	name, n, _ := strings.Cut(p, ":")
	r := restartPolicy{Name: name}
	fmt.Sscan(n, &r.MaximumRetryCount)
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (a *app) inspectCommand() *cobra.Command {
	var kind string
	cmd := a.inspectVerb("inspect [flags] NAME [NAME...]", "Show containers (or images) as JSON",
		func(cmd *cobra.Command, ref string) (any, error) { return a.inspectOne(cmd, ref, kind) })
	cmd.Flags().StringVarP(&kind, "type", "t", "all", "what to inspect: container, image or all")
	return outsideFirst(cmd)
}

// inspectVerb builds an inspect command: every argument is looked up with
// find, the found ones print as one JSON array (or through --format), and
// the first failure is the command's error, as Podman's inspect does.
func (a *app) inspectVerb(use, short string, find func(cmd *cobra.Command, ref string) (any, error)) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := a.engine(); err != nil {
				return err
			}
			out := []any{}
			var firstErr error
			for _, ref := range args {
				v, err := find(cmd, ref)
				if errors.Is(err, rootless.ErrOutside) {
					return err // before printing anything: run again in the user namespace
				}
				if err != nil {
					firstErr = cmp.Or(firstErr, err)
					continue
				}
				out = append(out, v)
			}
			if err := a.writeInspect(format, out); err != nil {
				return err
			}
			return firstErr
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Go template or json")
	return cmd
}

// inspectOne finds ref as a container, or (kind all or image) as an image.
func (a *app) inspectOne(cmd *cobra.Command, ref, kind string) (any, error) {
	eng, _ := a.engine()
	if kind == "container" || kind == "all" {
		c, err := eng.Container(a.ctx(cmd), ref)
		if err == nil {
			d := newInspectData(c, func(name string) string {
				if v, err := eng.Volume(a.ctx(cmd), name); err == nil {
					return v.Mountpoint
				}
				return ""
			})
			d.inspectMore, err = newInspectMore(a.ctx(cmd), eng, c)
			return d, err
		}
		if kind == "container" || !errdefs.IsNotFound(err) {
			return nil, err
		}
	}
	if kind != "image" && kind != "all" {
		return nil, fmt.Errorf("--type %q: want container, image or all: %w", kind, errdefs.ErrInvalidArgument)
	}
	img, err := eng.Images().Inspect(a.ctx(cmd), ref)
	if errdefs.IsNotFound(err) && kind == "all" {
		return nil, fmt.Errorf("no such object: %q: %w", ref, errdefs.ErrNotFound)
	}
	return img, err
}

// writeInspect prints a JSON array (always, even empty), or a template per object.
func (a *app) writeInspect(format string, objs []any) error {
	if objs == nil {
		objs = []any{}
	}
	if format == "" || format == "json" {
		return writeJSON(a.out, objs)
	}
	view, err := jsonView(objs)
	if err != nil {
		return err
	}
	return writeTable(a.out, "inspect", format, nil, nil, view, true)
}

// jsonView is v as its JSON reads: maps keyed by the JSON names, whole
// numbers as int64. A template then uses the keys inspect prints, as
// podman-inspect(1) says ({{.Id}}, {{.State.Pid}}); "ID" stays an alias of
// "Id", as Podman's Go field name.
func jsonView(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return plainNumbers(out), nil
}

func plainNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = plainNumbers(e)
		}
		if id, ok := x["Id"]; ok && x["ID"] == nil {
			x["ID"] = id
		}
	case []any:
		for i, e := range x {
			x[i] = plainNumbers(e)
		}
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	}
	return v
}
