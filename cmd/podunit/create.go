package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
)

// createFlags are the flags run and create share.
type createFlags struct {
	name, workdir, user, hostname, entrypoint string
	env, envFiles, labels, volumes, tmpfs     []string
	mounts, publish                           []string
	net                                       netFlags
	meta                                      metaFlags
	capAdd, capDrop                           []string
	rm, readOnly, privileged, replace         bool
	stopSignal, restart, sdnotify, pod, pull  string
	stopTimeout                               uint
	res                                       resFlags
	dev                                       devFlags
	ident                                     identFlags
	term                                      termFlags
	ops                                       opsFlags
	initCtr                                   initCtrFlags
}

func (f *createFlags) register(fs *pflag.FlagSet) {
	fs.SetInterspersed(false) // everything after the image is the container's command
	fs.StringVar(&f.name, "name", "", "name of the container")
	stringArrayVarP(fs, &f.env, "env", "e", "set an environment variable (KEY=VALUE, or KEY to take it from here)")
	stringArrayVar(fs, &f.envFiles, "env-file", "read environment variables from a file")
	stringArrayVarP(fs, &f.labels, "label", "l", "set a label (KEY=VALUE)")
	stringArrayVarP(fs, &f.volumes, "volume", "v", "mount a host path, a named volume or a new anonymous one: /host:/ctr[:OPTS], NAME:/ctr[:OPTS] or /ctr[:OPTS]; OPTS ro, rw, nocopy, U, O, idmap, z/Z (no-ops), propagation")
	stringArrayVar(fs, &f.tmpfs, "tmpfs", "mount a tmpfs: /path[:options]")
	stringArrayVar(fs, &f.mounts, "mount", "attach a mount: type=bind|volume|tmpfs|image|devpts|ramfs|glob,source=…,target=…[,ro][,…]")
	fs.StringVarP(&f.workdir, "workdir", "w", "", "working directory inside the container")
	fs.StringVarP(&f.user, "user", "u", "", "user[:group] to run as")
	fs.StringVar(&f.entrypoint, "entrypoint", "", "override the image's entrypoint")
	fs.StringVarP(&f.hostname, "hostname", "h", "", "the container's host name")
	fs.BoolVar(&f.rm, "rm", false, "remove the container when it exits")
	fs.BoolVar(&f.readOnly, "read-only", false, "mount the root filesystem read-only")
	stringSliceVar(fs, &f.capAdd, "cap-add", "add capabilities")
	stringSliceVar(fs, &f.capDrop, "cap-drop", "drop capabilities")
	fs.BoolVar(&f.privileged, "privileged", false, "give the container all capabilities and devices")
	fs.StringVar(&f.stopSignal, "stop-signal", "", "signal that stops the container (default SIGTERM)")
	fs.UintVar(&f.stopTimeout, "stop-timeout", 10, "seconds to wait for a stop before SIGKILL")
	fs.StringVar(&f.restart, "restart", "", "restart policy: no, on-failure[:N], always, unless-stopped")
	fs.StringVar(&f.sdnotify, "sdnotify", "conmon", "who tells systemd the container is ready: conmon (podunit), container, healthy (the first passing health check), ignore")
	fs.BoolVar(&f.replace, "replace", false, "replace an existing container of the same name")
	fs.StringVar(&f.pod, "pod", "", "join this pod (new:NAME creates it)")
	f.net.register(fs, "container")
	stringArrayVarP(fs, &f.publish, "publish", "p", "publish a port: [ip:][hostPort:]containerPort[/tcp|udp], ranges as 8080-8081:80-81")
	fs.StringVar(&f.pull, "pull", "missing", "pull the image: always, missing, never or newer")
	f.res.register(fs)
	f.dev.register(fs)
	f.meta.register(fs)
	f.ident.register(fs)
	f.term.register(fs)
	f.ops.register(fs)
	f.initCtr.register(fs)
	decryptionFlag(fs, &f.meta.pull.DecryptionKeys)
	fs.Bool("help", false, "help for this command")
}

// options turns the flags and the positional arguments into engine options.
func (f *createFlags) options(cmd *cobra.Command, args []string) (engine.CreateOptions, error) {
	o := engine.CreateOptions{Name: f.name, Image: args[0], Cmd: args[1:], Replace: f.replace, Pod: f.pod,
		Publish: f.publish, Environ: os.LookupEnv}
	if cmd.Flags().Changed("entrypoint") {
		ep, err := parseEntrypoint(f.entrypoint)
		if err != nil {
			return o, err
		}
		o.Entrypoint = &ep
	}
	for _, file := range f.envFiles {
		env, err := readEnvFile(file)
		if err != nil {
			return o, err
		}
		o.Env = append(o.Env, env...)
	}
	o.Env = append(o.Env, f.env...)
	labels, err := parseLabels(f.labels)
	if err != nil {
		return o, err
	}
	mounts, err := parseVolumes(f.volumes)
	if err != nil {
		return o, err
	}
	more, tmpfs, err := parseMounts(f.mounts)
	if err != nil {
		return o, err
	}
	mounts = append(mounts, more...)
	sd := f.sdnotify
	if sd == "conmon" {
		sd = ""
	}
	o.Config = model.Config{Labels: labels, WorkingDir: f.workdir, User: f.user, Hostname: f.hostname,
		Mounts: mounts, Tmpfs: append(f.tmpfs, tmpfs...), ReadOnly: f.readOnly, Privileged: f.privileged,
		CapAdd: f.capAdd, CapDrop: f.capDrop, StopSignal: f.stopSignal, StopTimeout: f.stopTimeout,
		Restart: f.restart, Remove: f.rm, SdNotify: sd, Identity: f.ident.identity()}
	if o.Config.Resources, err = f.res.resources(cmd.Flags().Changed); err != nil {
		return o, err
	}
	if err := f.dev.apply(&o.Config.Storage); err != nil {
		return o, err
	}
	if err := f.dev.applyRootfs(&o); err != nil {
		return o, err
	}
	if err := f.meta.apply(&o); err != nil {
		return o, err
	}
	if o.PullConfig, err = f.pullConfig(cmd.Flags().Changed); err != nil {
		return o, err
	}
	f.term.apply(&o.TermConfig)
	f.initCtr.apply(&o.Config)
	if err := f.ops.apply(&o.Config); err != nil {
		return o, err
	}
	return o, f.net.apply(&o.Network, &o.FirstNetworkOpts, &o.NetConfig)
}

// parseEntrypoint accepts a plain command or a JSON array, as Podman does.
func parseEntrypoint(s string) ([]string, error) {
	if strings.HasPrefix(strings.TrimSpace(s), "[") {
		var ep []string
		if err := jsonUnmarshal([]byte(s), &ep); err != nil {
			return nil, fmt.Errorf("--entrypoint %q: not a JSON array of strings: %v", s, err)
		}
		return ep, nil
	}
	if s == "" {
		return []string{}, nil
	}
	return []string{s}, nil
}

func parseLabels(list []string) (map[string]string, error) { return parseKV("--label", list) }

// parseVolumes reads each -v (parseVolume).
func parseVolumes(list []string) ([]model.Mount, error) {
	var mounts []model.Mount
	for _, v := range list {
		m, err := parseVolume(v)
		if err != nil {
			return nil, err
		}
		mounts = append(mounts, m)
	}
	return mounts, nil
}

// readEnvFile reads KEY=VALUE lines of any length; blank lines and #
// comments are skipped. Errors name FILE:LINE.
func readEnvFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--env-file: %w", err)
	}
	defer f.Close()
	var env []string
	r := bufio.NewReader(f)
	for line := 1; ; line++ {
		raw, err := r.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		text := strings.TrimSpace(raw)
		switch {
		case text == "" || strings.HasPrefix(text, "#"):
		case strings.HasPrefix(text, "="):
			return nil, fmt.Errorf("%s:%d: variable has no name: %.60q", path, line, text)
		default:
			env = append(env, text)
		}
		if err != nil { // io.EOF: the last line had no newline, or there was none
			return env, nil
		}
	}
}

func (a *app) createCommand() *cobra.Command {
	var f createFlags
	cmd := &cobra.Command{
		Use:   "create [flags] IMAGE [COMMAND [ARG...]]",
		Short: "Create a container without starting it",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := f.options(cmd, args)
			if err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			if err := a.pullIfNeeded(cmd, o.Image, f.pull, f.meta.pull); err != nil {
				return err
			}
			c, err := eng.Create(a.ctx(cmd), o)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.out, c.ID)
			return nil
		},
	}
	f.register(cmd.Flags())
	return cmd
}
