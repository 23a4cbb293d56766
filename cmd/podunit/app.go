package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
)

// app holds what every command shares: the global flags, the streams and,
// once a command needs it, the open engine.
type app struct {
	in              *os.File
	out, err        io.Writer
	cfg             engine.Config
	eng             *engine.Engine
	exitCode        int  // set by commands that pass a container's code through
	modulesResolved bool // resolveModules ran
	outside         bool // a rootless command begun outside its user namespace (beginsOutside)
}

func newApp(in *os.File, out, errw io.Writer) *app {
	return &app{in: in, out: out, err: errw}
}

// bareRoot is the root command with its flags and no verbs.
func (a *app) bareRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "podunit",
		Short:         "Run pods and containers as systemd units",
		Long:          "podunit runs containers on crun or runc with images in containers/storage;\nevery detached container is a systemd unit.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := a.setLogLevel(); err != nil {
				return err
			}
			if err := a.resolveModules(); err != nil { // and [engine] env, before any flag reads the environment
				return err
			}
			return a.enterUserns(cmd, args)
		},
	}
	root.SetOut(a.out)
	root.SetErr(a.err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return fmt.Errorf("%w\nSee 'podunit --help'", err)
	})
	f := root.PersistentFlags()
	f.StringVar(&a.cfg.StorageRoot, "root", "", "storage root directory (default from storage.conf)")
	f.StringVar(&a.cfg.StorageRunRoot, "runroot", "", "storage run-state directory (default from storage.conf)")
	f.StringVar(&a.cfg.StorageDriver, "storage-driver", "", "storage driver (default from storage.conf)")
	stringArrayVar(f, &a.cfg.StorageOpts, "storage-opt", "storage driver option")
	f.StringVar(&a.cfg.Runtime, "runtime", "", "OCI runtime: crun, runc or a path (default crun if installed, else runc)")
	f.StringVar(&a.cfg.LogLevel, "log-level", "warn", "log level: trace, debug, info, warn, error, fatal or panic")
	a.registerModule(f)
	f.DurationVar(&a.cfg.LockTimeout, "lock-timeout", 0,
		"give up waiting for another command's lock after this long (0: wait; who holds it is printed after 2s)")
	return root
}

func (a *app) setLogLevel() error {
	lvl, err := logrus.ParseLevel(a.cfg.LogLevel)
	if err != nil {
		return fmt.Errorf("invalid --log-level %q: want trace, debug, info, warn, error, fatal or panic", a.cfg.LogLevel)
	}
	logrus.SetLevel(lvl)
	logrus.SetOutput(a.err)
	return nil
}

// engine opens the engine on first use.
func (a *app) engine() (*engine.Engine, error) {
	if a.eng != nil {
		return a.eng, nil
	}
	a.cfg.Warn = a.warn
	if a.cfg.Self == "" {
		self, err := unitBinary()
		if err != nil {
			return nil, err
		}
		a.cfg.Self = self
	}
	a.cfg.Rootless = a.rootlessConfig()
	if err := a.resolveModules(); err != nil {
		return nil, err
	}
	eng, err := engine.New(a.cfg)
	if err != nil {
		return nil, err
	}
	a.eng = eng
	return eng, nil
}

// warn reports what the engine noticed and worked around, as logrus
// warnings (Podman's "WARN[0000] ..." on a terminal).
func (a *app) warn(err error) { logrus.Warn(errorText(err)) }

func (a *app) close() {
	if a.eng != nil {
		_ = a.eng.Close()
	}
}

// ctx is the context commands run under.
func (a *app) ctx(cmd *cobra.Command) context.Context {
	if c := cmd.Context(); c != nil {
		return c
	}
	return context.Background()
}

const version = "0.1.0"
