package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/systemd"
)

// requireSystemd says clearly that detached work needs systemd.
func requireSystemd(what string) error {
	if err := rootlessUnits(what); err != nil {
		return err
	}
	if systemd.Available() {
		return nil
	}
	return fmt.Errorf("%s needs systemd as the init system (PID 1), and it is not running here: "+
		"run the container attached instead: %w", what, errdefs.ErrUnavailable)
}

// forEach runs fn on every argument, reports each failure and carries on,
// as Podman's multi-container verbs do.
func (a *app) forEach(args []string, fn func(ref string) error) error {
	return a.forEachPrint(args, func(ref string) (string, error) { return ref, fn(ref) })
}

// removeEach is forEach with the exit codes of podman-rm(1) and
// podman-rmi(1): 1 when the only failures are objects that do not exist,
// 2 when one is in use (a running container, an image containers use),
// 125 for anything else.
func (a *app) removeEach(args []string, fn func(ref string) error) error {
	code := 0
	err := a.forEach(args, func(ref string) error {
		err := fn(ref)
		switch {
		case err == nil:
		case errdefs.IsNotFound(err):
			code = max(code, 1)
		case errdefs.IsConflict(err):
			code = max(code, 2)
		default:
			code = exitEngine
		}
		return err
	})
	if err != nil {
		return &exitError{code: code, err: err}
	}
	return nil
}

func (a *app) startCommand() *cobra.Command {
	var attach, interactive, inUnit, all bool
	var filters []string
	var dk detachKeysFlag
	cmd := &cobra.Command{
		Use:   "start [flags] CONTAINER [CONTAINER...]",
		Short: "Start containers: as systemd units, or attached with -a",
		Args:  argsUnlessAll(&all),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			if all {
				if attach || inUnit {
					return fmt.Errorf("start --all cannot be combined with --attach or --unit")
				}
				if args, err = a.startable(cmd, eng, filters); err != nil {
					return err
				}
			}
			if inUnit {
				if len(args) != 1 {
					return fmt.Errorf("start --unit takes exactly one container")
				}
				return eng.UnitStart(a.ctx(cmd), args[0], false)
			}
			if attach {
				if len(args) != 1 {
					return fmt.Errorf("start --attach takes exactly one container")
				}
				if inUnit, err := a.startAttachedInUnit(cmd, eng, args[0], interactive, dk); err != nil || inUnit {
					return err
				}
				code, err := eng.StartAttached(a.ctx(cmd), args[0], a.attachedStdio(interactive))
				a.exitCode = code
				return err
			}
			if err := dk.check("start", ""); err != nil {
				return err
			}
			return a.forEach(args, func(ref string) error {
				_, err := eng.StartUnit(a.ctx(cmd), ref)
				return err
			})
		},
	}
	cmd.Flags().BoolVarP(&attach, "attach", "a", false, "attach to the container's output and wait for it")
	cmd.Flags().BoolVar(&inUnit, "unit", false, "run as the ExecStart= of a unit file: start the container in this unit and exit")
	cmd.Flags().BoolVarP(&interactive, "interactive", "i", false, "keep stdin open")
	cmd.Flags().BoolVar(&all, "all", false, "start every stopped container that no unit file manages")
	dk.register(cmd.Flags())
	stringArrayVar(cmd.Flags(), &filters, "filter", "with --all, only containers matching: restart-policy=POLICY (repeat to allow several)")
	return cmd
}

// startable lists the containers `start --all` starts: created or exited, not
// managed by a unit file (their last unit is not their transient one), and
// with one of the restart policies the filters name, if any. Transient units
// do not survive a reboot; podunit-restart.service calls this at boot.
func (a *app) startable(cmd *cobra.Command, eng *engine.Engine, filters []string) ([]string, error) {
	policies := map[string]bool{}
	for _, f := range filters {
		key, val, ok := strings.Cut(f, "=")
		if !ok || key != "restart-policy" {
			return nil, fmt.Errorf("invalid --filter %q: only restart-policy=POLICY is supported: %w", f, errdefs.ErrInvalidArgument)
		}
		policies[val] = true
	}
	cs, err := eng.Containers(a.ctx(cmd))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range cs {
		policy, _, _ := strings.Cut(c.Config.Restart, ":")
		if policy == "" {
			policy = "no"
		}
		unitFile := engine.InUnitFile(c)
		stopped := c.State.Status == model.Created || c.State.Status == model.Exited
		if !stopped || unitFile || len(policies) > 0 && !policies[policy] {
			continue
		}
		names = append(names, c.Name)
	}
	return names, nil
}

func (a *app) stopCommand() *cobra.Command {
	return outsideFirstOne(a.containerTimeoutVerb("stop", "Stop running containers (through systemd for unit containers)",
		func(cmd *cobra.Command, eng *engine.Engine, ref string, t *uint) error {
			_, err := eng.Stop(a.ctx(cmd), ref, t)
			return err
		}))
}

// containerTimeoutVerb builds a verb on containers that takes -t/--time,
// the seconds to wait for a stop before SIGKILL (nil: each one's own).
func (a *app) containerTimeoutVerb(verb, short string, fn func(cmd *cobra.Command, eng *engine.Engine, ref string, t *uint) error) *cobra.Command {
	var timeout uint
	cmd := &cobra.Command{
		Use:   verb + " [flags] CONTAINER [CONTAINER...]",
		Short: short,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			t := changedUint(cmd, "time", timeout)
			return a.forEach(args, func(ref string) error { return fn(cmd, eng, ref, t) })
		},
	}
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "seconds to wait before killing the container")
	return cmd
}

func (a *app) killCommand() *cobra.Command {
	var signal string
	cmd := &cobra.Command{
		Use:   "kill [flags] CONTAINER [CONTAINER...]",
		Short: "Send a signal to running containers",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sig, err := engine.ParseSignal(signal)
			if err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			return a.forEach(args, func(ref string) error {
				_, err := eng.Kill(a.ctx(cmd), ref, sig)
				return err
			})
		},
	}
	cmd.Flags().StringVarP(&signal, "signal", "s", "KILL", "signal to send")
	return outsideFirstOne(cmd)
}

func (a *app) restartCommand() *cobra.Command {
	return a.containerTimeoutVerb("restart", "Restart containers as systemd units",
		func(cmd *cobra.Command, eng *engine.Engine, ref string, t *uint) error {
			if err := requireSystemd("restart"); err != nil {
				return err
			}
			_, err := eng.Restart(a.ctx(cmd), ref, t)
			return err
		})
}

func (a *app) rmCommand() *cobra.Command {
	var force, ignore, all, storage, volumes bool
	var timeout uint
	cmd := &cobra.Command{
		Use:     "rm [flags] CONTAINER [CONTAINER...]",
		Aliases: []string{"remove"},
		Short:   "Remove containers",
		Args:    argsUnlessAll(&all),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			o := engine.RemoveOptions{Force: force, Volumes: volumes}
			if cmd.Flags().Changed("time") {
				o.Timeout = &timeout
			}
			if all {
				if args, err = allContainerIDs(a.ctx(cmd), eng); err != nil {
					return err
				}
			}
			remove := func(ref string) error { return eng.Remove(a.ctx(cmd), ref, o) }
			if storage {
				remove = func(ref string) error { return eng.RemoveStorage(a.ctx(cmd), ref) }
			}
			return a.removeEach(args, func(ref string) error {
				if err := remove(ref); err != nil && !(ignore && errdefs.IsNotFound(err)) {
					return err
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&force, "force", "f", false, "stop a running container first")
	f.UintVarP(&timeout, "time", "t", 10, "seconds to wait for a stop before killing (with -f)")
	f.BoolVarP(&ignore, "ignore", "i", false, "no error for a container that does not exist")
	f.BoolVarP(&all, "all", "a", false, "remove every container")
	f.BoolVarP(&volumes, "volumes", "v", false, "also remove the container's anonymous volumes")
	f.BoolVar(&storage, "storage", false, "remove a storage container that is not podunit's (another tool's, or a lost record's)")
	return cmd
}

// allContainerIDs lists the IDs of every container.
func allContainerIDs(ctx context.Context, eng *engine.Engine) ([]string, error) {
	list, err := eng.Containers(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(list))
	for _, c := range list {
		ids = append(ids, c.ID)
	}
	return ids, nil
}

func (a *app) waitCommand() *cobra.Command {
	return outsideFirstOne(&cobra.Command{
		Use:   "wait CONTAINER [CONTAINER...]",
		Short: "Wait for containers to stop and print their exit codes",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			for _, ref := range args {
				code, err := eng.Wait(a.ctx(cmd), ref)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.out, code)
			}
			return nil
		},
	})
}

func (a *app) containerExistsCommand() *cobra.Command {
	return outsideFirst(a.existsVerb("container", func(cmd *cobra.Command, eng *engine.Engine, ref string) error {
		_, err := eng.Container(a.ctx(cmd), ref)
		return err
	}))
}
