//go:build !hotpath

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/kube"
)

// kubePod is one pod of a plan, every option parsed and checked.
type kubePod struct {
	plan    kube.Pod
	opts    engine.PodCreateOptions
	inits   []kubeMember
	members []kubeMember
}

type kubeMember struct {
	opts  engine.CreateOptions
	flags *createFlags
	cmd   *cobra.Command
}

// kubePlay checks the whole plan, then makes it: volumes, pods, members,
// and starts each pod after its init containers ran.
func (a *app) kubePlay(cmd *cobra.Command, plan *kube.Plan, secrets map[string][]byte, f *kubePlayFlags) error {
	pods, err := kubePods(plan, f)
	if err != nil {
		return err
	}
	eng, err := a.engine()
	if err != nil {
		return err
	}
	ctx := a.ctx(cmd)
	if err := a.kubeCheck(ctx, eng, plan, pods, f); err != nil {
		return err
	}
	if err := kubeSecretsFree(ctx, eng, secrets, f.replace); err != nil {
		return err
	}
	if f.replace {
		if err := kubeRemovePods(ctx, eng, plan.Pods, plan.Volumes); err != nil {
			return err
		}
	}
	var undo kubeUndo
	if err := a.kubeMake(ctx, eng, plan, pods, secrets, f.start, &undo); err != nil {
		// what fails only when made (an image without a command, an init
		// container's exit) takes back what this play made
		return errors.Join(err, undo.run(context.WithoutCancel(ctx), eng))
	}
	return a.kubeWait(ctx, eng, pods, f) // kube_exitprop.go
}

func (a *app) kubeMake(ctx context.Context, eng *engine.Engine, plan *kube.Plan, pods []*kubePod,
	secrets map[string][]byte, start bool, undo *kubeUndo) error {
	if err := kubeVolumes(ctx, eng, plan, undo); err != nil {
		return err
	}
	if err := kubeStoreSecrets(ctx, eng, secrets, undo); err != nil {
		return err
	}
	for _, p := range pods {
		if err := a.kubePlayPod(ctx, eng, p, start, undo); err != nil {
			return fmt.Errorf("pod %s: %w", p.plan.Name, err)
		}
	}
	return nil
}

// kubeUndo is what a play made, to remove should a later step fail.
type kubeUndo struct{ pods, volumes, secrets []string }

func (u *kubeUndo) run(ctx context.Context, eng *engine.Engine) error {
	var errs []error
	for _, p := range u.pods {
		errs = append(errs, eng.PodRemove(ctx, p, true, nil))
	}
	for _, v := range u.volumes {
		errs = append(errs, eng.VolumeRemove(ctx, v, true))
	}
	errs = append(errs, kubeRemoveSecrets(ctx, eng, u.secrets))
	return errors.Join(errs...)
}

// kubePods parses every member's argv with create's own flags.
func kubePods(plan *kube.Plan, f *kubePlayFlags) ([]*kubePod, error) {
	var pods []*kubePod
	for _, p := range plan.Pods {
		kp := &kubePod{plan: p}
		o := &kp.opts
		o.Name, o.Labels, o.Hostname, o.Memory, o.CPUs = p.Name, p.Labels, p.Hostname, p.Memory, p.CPUs
		o.UserNS = f.more.userns
		o.PodHostNS = kubeHostNS(p) // kube_hostns.go
		if o.Hostname == "" {
			o.Hostname = p.Name
		}
		o.Publish = append(append([]string{}, p.Publish...), f.publish...)
		nets := f.networks
		if p.Network != "" {
			nets = []string{p.Network}
		}
		nf := netFlags{networks: nets}
		if err := nf.apply(&o.Network, &o.FirstNetworkOpts, &o.NetConfig); err != nil {
			return nil, err
		}
		if err := engine.CheckPodOptions(*o); err != nil { // --userns and the rest, before anything is made
			return nil, err
		}
		var err error
		if kp.inits, err = kubeMembers(p.Inits); err != nil {
			return nil, err
		}
		if kp.members, err = kubeMembers(p.Members); err != nil {
			return nil, err
		}
		pods = append(pods, kp)
	}
	return pods, nil
}

func kubeMembers(ms []kube.Member) ([]kubeMember, error) {
	var out []kubeMember
	for _, m := range ms {
		var km kubeMember
		km.flags = &createFlags{}
		km.cmd = &cobra.Command{Use: "create"}
		km.flags.register(km.cmd.Flags())
		err := km.cmd.ParseFlags(m.Args)
		if err == nil {
			km.opts, err = km.flags.options(km.cmd, km.cmd.Flags().Args())
		}
		if err == nil { // what create would refuse, before anything is made
			err = engine.CheckCreateSettings(km.opts)
		}
		if err != nil {
			return nil, fmt.Errorf("container %s: %w: %w", m.Name, err, errdefs.ErrInvalidArgument)
		}
		out = append(out, km)
	}
	return out, nil
}

// kubeCheck refuses what would fail half-way: pods or containers of those
// names (unless --replace), host paths that are not what the YAML wants,
// images that cannot be had.
func (a *app) kubeCheck(ctx context.Context, eng *engine.Engine, plan *kube.Plan, pods []*kubePod, f *kubePlayFlags) error {
	for _, p := range pods {
		if err := kubeNamesFree(ctx, eng, p, f.replace); err != nil {
			return err
		}
	}
	for _, h := range plan.HostPaths {
		if err := checkHostPath(h); err != nil {
			return err
		}
	}
	for _, p := range pods {
		for _, m := range append(append([]kubeMember{}, p.inits...), p.members...) {
			if err := a.pullIfNeeded(m.cmd, m.opts.Image, m.flags.pull, m.flags.meta.pull); err != nil {
				return err
			}
		}
	}
	return nil
}

func kubeNamesFree(ctx context.Context, eng *engine.Engine, p *kubePod, replace bool) error {
	podID := ""
	if old, err := eng.Pod(ctx, p.opts.Name); err == nil && !replace {
		return fmt.Errorf("pod %q exists (kube play --replace replaces it): %w", p.opts.Name, errdefs.ErrAlreadyExists)
	} else if err == nil {
		podID = old.ID
	} else if !errdefs.IsNotFound(err) {
		return err
	}
	for _, m := range append(append([]kubeMember{}, p.inits...), p.members...) {
		c, err := eng.Container(ctx, m.opts.Name)
		switch {
		case errdefs.IsNotFound(err):
		case err != nil:
			return err
		case podID == "" || c.Config.Pod != podID: // --replace replaces the pod, not others' containers
			return fmt.Errorf("container %q exists: %w", m.opts.Name, errdefs.ErrAlreadyExists)
		}
	}
	return nil
}

// kubePlayPod creates one pod, its init containers (--init-ctr: the pod's
// start runs them to completion, in order, before the others, and again
// at every later start) and its members and, with start, starts the pod.
func (a *app) kubePlayPod(ctx context.Context, eng *engine.Engine, p *kubePod, start bool, undo *kubeUndo) error {
	pod, err := eng.PodCreate(ctx, p.opts)
	if err != nil {
		return err
	}
	undo.pods = append(undo.pods, pod.ID)
	fmt.Fprintf(a.out, "Pod:\n%s\nContainer:\n", pod.ID)
	for _, m := range append(append([]kubeMember{}, p.inits...), p.members...) {
		c, err := eng.Create(ctx, m.opts)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.out, c.ID)
	}
	if !start {
		return nil
	}
	return eng.PodStart(ctx, pod.ID)
}

// kubeRemovePods removes the pods of plan that exist, and their emptyDir
// volumes (claims, config maps and secrets stay).
func kubeRemovePods(ctx context.Context, eng *engine.Engine, pods []kube.Pod, vols []kube.Volume) error {
	var errs []error
	for _, p := range pods {
		if _, err := eng.Pod(ctx, p.Name); errdefs.IsNotFound(err) {
			continue
		}
		errs = append(errs, eng.PodRemove(ctx, p.Name, true, nil))
	}
	for _, v := range vols {
		if v.Kind != kube.VolumeEmptyDir {
			continue
		}
		if err := eng.VolumeRemove(ctx, v.Name, true); err != nil && !errdefs.IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
