package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
)

// CreateOptions is what `podunit create` and `run` are asked for.
type CreateOptions struct {
	Name       string
	Image      string
	Cmd        []string  // everything after the image; empty: the image's
	Entrypoint *[]string // nil: the image's; set (even empty): replaces it and the image's Cmd
	Env        []string  // KEY=VALUE (or KEY, taken from Environ) in order: later wins
	Environ    func(string) (string, bool)
	Replace    bool     // --replace: remove an existing container of that name first
	Pod        string   // --pod: a pod's name or ID, or "new:NAME" to create it
	Network    string   // --network: a network's name, bridge, none, host, container:NAME, ns:PATH; "" containers.conf's
	Publish    []string // -p/--publish: [ip:][hostPort:]containerPort[/proto]
	EnvMerge   []string // --env-merge: NAME=VALUE with ${VAR} of the image's environment
	// FirstNetworkOpts are --ip, --ip6, --mac-address and --network-alias:
	// they apply to the first network.
	FirstNetworkOpts model.NetworkOpts
	model.Config
}

// Create makes a container: its record, then its rootfs. The record comes
// first so that a crash leaves something `rm` can finish.
func (e *Engine) Create(ctx context.Context, o CreateOptions) (*model.Container, error) {
	if err := checkInitCtr(o); err != nil {
		return nil, err
	}
	ctx = withPodMemo(ctx) // podFor reads the pod; the steps after it ask again
	img, err := e.createImage(ctx, o)
	if err != nil {
		return nil, err
	}
	flagsHealth := healthTaken(o.Config.Health)
	if o.Config.Health, err = imageHealth(o.Config.Health, img); err != nil {
		return nil, err
	}
	c, err := e.newContainer(o, img)
	if err != nil {
		return nil, err
	}
	c.Config.FromImage.Health = flagsHealth
	if err := e.resolveImageMounts(ctx, &c.Config); err != nil {
		return nil, fmt.Errorf("container %q: %w", c.Name, err)
	}
	if err := e.checkIDMapRuntime(ctx, &c.Config); err != nil {
		return nil, fmt.Errorf("container %q: %w", c.Name, err)
	}
	if c.Config.Pod, err = e.podFor(ctx, o.Pod); err != nil {
		return nil, err
	}
	if err := e.rootlessPodHere(ctx, c, false); err != nil {
		return nil, err
	}
	if err := e.inheritPodUserNS(ctx, c); err != nil {
		return nil, err
	}
	if err := e.resolveUserNSContainer(ctx, c); err != nil {
		return nil, err
	}
	if err := e.podResources(ctx, c); err != nil {
		return nil, err
	}
	if err := e.containerNetwork(ctx, &c.Config, o); err != nil {
		return nil, fmt.Errorf("container %q: %w", c.Name, err)
	}
	if o.Replace {
		if err := e.replace(ctx, c.Name); err != nil {
			return nil, err
		}
	}
	// The record is visible as soon as it is added: hold the container's
	// lock until its rootfs exists, or an rm racing this create removes the
	// record and leaves the rootfs made after it to no one.
	unlock, err := e.lock(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := e.store.AddContainer(ctx, c); err != nil {
		return nil, err
	}
	if err := e.createRootfs(ctx, c); err != nil {
		_ = e.store.RemoveContainer(context.WithoutCancel(ctx), c.ID)
		return nil, fmt.Errorf("creating the rootfs of container %q: %w", c.Name, err)
	}
	if err := e.attachVolumes(ctx, c); err != nil {
		_ = e.removeWithVolumes(context.WithoutCancel(ctx), c)
		return nil, fmt.Errorf("container %q: %w", c.Name, err)
	}
	e.containerEvent(c, "create")
	return c, nil
}

// podFor resolves --pod to a pod ID, creating the pod for "new:NAME".
func (e *Engine) podFor(ctx context.Context, ref string) (string, error) {
	if ref == "" {
		return "", nil
	}
	if name, ok := strings.CutPrefix(ref, "new:"); ok {
		p, err := e.PodCreate(ctx, PodCreateOptions{Name: name})
		if err != nil {
			return "", err
		}
		return p.ID, nil
	}
	p, err := e.store.Pod(ctx, ref)
	if err != nil {
		return "", err
	}
	rememberPod(ctx, p)
	return p.ID, nil
}

// replace removes the container of that name and its anonymous volumes,
// which nothing else can name: a unit's run --replace after a crash would
// leave one more behind at every boot. Only a container of that very name
// goes: a name is no ID prefix here (--replace --name db never removes a
// container whose ID begins with db, nor fails as ambiguous).
func (e *Engine) replace(ctx context.Context, name string) error {
	c, err := e.store.ContainerExact(ctx, name)
	if err == nil {
		if err = e.settleInOwnUnit(ctx, c); err == nil {
			err = e.Remove(ctx, c.ID, RemoveOptions{Force: true, Volumes: true})
		}
	}
	if errdefs.IsNotFound(err) {
		return nil
	}
	return err
}

func (e *Engine) newContainer(o CreateOptions, img *image.Image) (*model.Container, error) {
	id := names.NewID()
	if o.Name == "" {
		o.Name = names.RandomName(id)
	}
	if err := names.Validate("container", o.Name); err != nil {
		return nil, err
	}
	cfg := o.Config
	if err := e.completeConfig(&cfg, o, img); err != nil {
		return nil, fmt.Errorf("container %q: %w", o.Name, err)
	}
	return &model.Container{
		ID: id, Name: o.Name, Image: recordedImageName(o.Image, img), ImageID: img.ID,
		Created: time.Now().UTC(), Config: cfg,
		State: model.State{Status: model.Created},
	}, nil
}

// recordedImageName is the image's full name that the reference matched
// ("docker.io/library/busybox:latest" for "busybox"), as Podman records and
// shows it; what was typed when that was an ID.
func recordedImageName(typed string, img *image.Image) string {
	if img.Name == "" || img.Name == img.ID {
		return typed
	}
	return img.Name
}

// completeConfig fills in what the image supplies and checks what the user gave.
func (e *Engine) completeConfig(cfg *model.Config, o CreateOptions, img *image.Image) error {
	cfg.FromImage = imageTaken(cfg, o)
	cfg.Entrypoint, cfg.Cmd = img.Config.Entrypoint, img.Config.Cmd
	if o.Entrypoint != nil {
		cfg.Entrypoint, cfg.Cmd = *o.Entrypoint, nil
	}
	if len(o.Cmd) > 0 {
		cfg.Cmd = o.Cmd
	}
	if len(cfg.Args()) == 0 {
		return fmt.Errorf("no command: the image %q has none and none was given: %w", o.Image, errdefs.ErrInvalidArgument)
	}
	env, err := mergeEnv(img.Config.Env, o.Env, o.Environ)
	if err != nil {
		return err
	}
	if cfg.Env, err = envMerge(env, img.Config.Env, o.EnvMerge); err != nil {
		return err
	}
	if cfg.WorkingDir == "" {
		cfg.WorkingDir = img.Config.WorkingDir
	}
	if cfg.User == "" {
		cfg.User = img.Config.User
	}
	if cfg.StopSignal == "" {
		cfg.StopSignal = img.Config.StopSignal
	}
	if cfg.Runtime == "" {
		rt, err := e.runtimeFor("")
		if err != nil {
			return err
		}
		cfg.Runtime = rt.Name
		if strings.Contains(e.cfg.Runtime, "/") {
			cfg.Runtime = rt.Path // its unit and later commands run the same one
		}
	}
	if err := e.checkSecrets(cfg.Secrets); err != nil {
		return err
	}
	if err := validateHealth(cfg.Health, cfg.SdNotify); err != nil {
		return err
	}
	if err := validateAutoUpdate(cfg, o.Image); err != nil {
		return err
	}
	if err := completeResources(&cfg.Resources, o.Network); err != nil {
		return err
	}
	if err := completeMounts(cfg); err != nil {
		return err
	}
	cfg.StopSignal = signalName(cfg.StopSignal)
	if err := completeMeta(&cfg.MetaConfig); err != nil {
		return err
	}
	return validateConfig(cfg)
}

// mergeEnv applies user settings over the image's, keeping first-seen order.
func mergeEnv(base, user []string, environ func(string) (string, bool)) ([]string, error) {
	out := append([]string{}, base...)
	index := map[string]int{}
	for i, kv := range out {
		k, _, _ := strings.Cut(kv, "=")
		index[k] = i
	}
	for _, kv := range user {
		k, v, ok := strings.Cut(kv, "=")
		if k == "" || strings.ContainsAny(k, "\x00") {
			return nil, fmt.Errorf("environment variable %q has no name: %w", kv, errdefs.ErrInvalidArgument)
		}
		if !ok {
			if environ == nil {
				continue
			}
			if v, ok = environ(k); !ok {
				continue
			}
		}
		if i, seen := index[k]; seen {
			out[i] = k + "=" + v
			continue
		}
		index[k] = len(out)
		out = append(out, k+"="+v)
	}
	return out, nil
}

func validateConfig(cfg *model.Config) error {
	if err := validateRestart(cfg.Restart); err != nil {
		return err
	}
	if cfg.Remove && cfg.Restart != "" && cfg.Restart != "no" {
		return fmt.Errorf("the --rm option conflicts with --restart=%s: %w", cfg.Restart, errdefs.ErrInvalidArgument)
	}
	switch cfg.SdNotify {
	case "", "conmon", "container", "ignore", "healthy":
	default:
		return fmt.Errorf("--sdnotify=%s: want container, conmon, healthy or ignore: %w", cfg.SdNotify, errdefs.ErrInvalidArgument)
	}
	if cfg.StopSignal != "" {
		if _, err := ParseSignal(cfg.StopSignal); err != nil {
			return err
		}
	}
	for _, m := range cfg.Mounts {
		if err := validateMount(m); err != nil {
			return err
		}
	}
	for _, t := range cfg.Tmpfs {
		if dst, _, _ := strings.Cut(t, ":"); !filepath.IsAbs(dst) {
			return fmt.Errorf("--tmpfs %q: the path must be absolute: %w", t, errdefs.ErrInvalidArgument)
		}
	}
	if err := validateHostname(cfg.Hostname); err != nil {
		return err
	}
	if err := validateIdentity(cfg); err != nil {
		return err
	}
	if err := validateDevices(&cfg.Storage); err != nil {
		return err
	}
	return validateEnvText(cfg.Env)
}

// maxHostname is the kernel's HOST_NAME_MAX: sethostname(2) refuses more.
const maxHostname = 64

// validateHostname refuses at create a host name the runtime would fail
// to set at every start.
func validateHostname(h string) error {
	if len(h) > maxHostname {
		return fmt.Errorf("--hostname %.70q…: %d characters, more than the kernel's %d: %w", h, len(h), maxHostname, errdefs.ErrInvalidArgument)
	}
	if strings.ContainsAny(h, "\x00 \t\r\n") {
		return fmt.Errorf("--hostname %q: no NUL or white space allowed: %w", h, errdefs.ErrInvalidArgument)
	}
	return nil
}

// validateEnvText refuses a variable that is not UTF-8 text: the OCI
// runtime's config.json and podunit's records are JSON, which would
// replace each bad byte with U+FFFD, so the container would silently get
// another value than the one given.
func validateEnvText(env []string) error {
	for _, kv := range env {
		if !utf8.ValidString(kv) {
			k, _, _ := strings.Cut(kv, "=")
			return fmt.Errorf("environment variable %q: its value is not UTF-8 text, which the OCI runtime's JSON configuration cannot carry: %w",
				strings.ToValidUTF8(k, "\uFFFD"), errdefs.ErrInvalidArgument)
		}
	}
	return nil
}

func validateBind(m model.Mount) error {
	if !filepath.IsAbs(m.Destination) {
		return fmt.Errorf("volume %s:%s: the container path must be absolute: %w", m.Source, m.Destination, errdefs.ErrInvalidArgument)
	}
	switch m.Type {
	case model.MountVolume:
		if err := names.Validate("volume", m.Source); err != nil {
			return fmt.Errorf("volume %s:%s: %w", m.Source, m.Destination, err)
		}
		return nil
	case "", model.MountBind:
	default:
		return fmt.Errorf("mount type %q: want bind or volume: %w", m.Type, errdefs.ErrInvalidArgument)
	}
	if !filepath.IsAbs(m.Source) {
		return fmt.Errorf("volume %s:%s: the host path must be absolute: %w",
			m.Source, m.Destination, errdefs.ErrInvalidArgument)
	}
	if _, err := os.Stat(m.Source); err != nil {
		return fmt.Errorf("volume %s:%s: the host path does not exist: %w", m.Source, m.Destination, errdefs.ErrInvalidArgument)
	}
	return nil
}

// validateRestart accepts Podman's restart policies.
func validateRestart(p string) error {
	base, n, hasN := strings.Cut(p, ":")
	switch {
	case p == "" || p == "no" || p == "always" || p == "unless-stopped":
		return nil
	case base == "on-failure" && (!hasN || isDigits(n)):
		return nil
	}
	return fmt.Errorf("invalid restart policy %q: want no, on-failure[:N], always or unless-stopped: %w", p, errdefs.ErrInvalidArgument)
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// ParseSignal accepts a signal by name (KILL, SIGKILL, kill) or number.
func ParseSignal(s string) (unix.Signal, error) {
	up := strings.ToUpper(strings.TrimSpace(s))
	if isDigits(up) {
		var n int
		fmt.Sscan(up, &n)
		if n > 0 && n < 65 {
			return unix.Signal(n), nil
		}
	} else {
		if !strings.HasPrefix(up, "SIG") {
			up = "SIG" + up
		}
		if sig := unix.SignalNum(up); sig != 0 {
			return sig, nil
		}
	}
	return 0, fmt.Errorf("invalid signal %q: %w", s, errdefs.ErrInvalidArgument)
}

var errStopped = errors.New("stopped")

// settleInOwnUnit: a container c (about to be replaced) whose record says it runs in
// the very unit this process runs in (a unit's `run --unit --replace` whose
// last cleanup never ran: a crash, a unit file without ExecStopPost=) ran
// there before. systemd ended it when that unit stopped, and the unit is now
// this run's: the record is set exited, so that the replacement does not
// stop the unit it runs in (Refresh would take the unit's activation for
// the old container's).
func (e *Engine) settleInOwnUnit(ctx context.Context, c *model.Container) error {
	unit, err := ownUnit()
	if err != nil || c.State.Unit != unit || alive(c.State.Pid) {
		return nil // not in a service, or not this one's, or it runs
	}
	unlock, err := e.lock(ctx, c.ID)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = e.store.UpdateContainer(ctx, c.ID, func(c *model.Container) error {
		if c.State.Unit == unit && !alive(c.State.Pid) && (c.State.Status == model.Running || c.State.Status == model.Stopping) {
			c.State.Status, c.State.Pid, c.State.ExitCode = model.Exited, 0, -1
			c.State.FinishedAt = time.Now().UTC()
		}
		return nil
	})
	if errdefs.IsNotFound(err) {
		return nil
	}
	return err
}
