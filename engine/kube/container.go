package kube

import (
	"encoding/json"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

// ctrCtx is what the containers of one pod share.
type ctrCtx struct {
	docs        *Docs
	pod         string
	spec        *corev1.PodSpec
	at          string // the pod spec's path
	mounts      map[string]source
	annotations map[string]string // the pod's metadata.annotations
	labels      map[string]string // the pod's metadata.labels
	namespace   string            // the pod's metadata.namespace
	warn        func(path, msg string)
}

// member translates one container at path into `podunit create` argv.
func (c *ctrCtx) member(ct corev1.Container, at string, init bool) (Member, error) {
	if err := checkFields(ct, at, containerFields); err != nil {
		return Member{}, err
	}
	if ct.Name == "" {
		return Member{}, bad(at+".name", "a container needs a name")
	}
	if ct.Image == "" {
		return Member{}, bad(at+".image", "a container needs an image")
	}
	name := c.pod + "-" + ct.Name
	a := &argv{}
	a.add("--name", name, "--pod", c.pod)
	steps := []func(*argv, corev1.Container, string) error{
		c.restart(init), c.initType(init), c.annotate, pullPolicy, workdir, c.env, resources, c.security, c.securityMore, c.volumeMounts, c.stopTimeout, terminal, c.readiness, probe, startupProbe,
	}
	for _, step := range steps {
		if err := step(a, ct, at); err != nil {
			return Member{}, err
		}
	}
	a.add(c.docs.Play.CreateArgs...)
	if ct.Command != nil {
		ep, _ := json.Marshal(ct.Command)
		a.add("--entrypoint", string(ep))
	}
	a.args = append(a.args, ct.Image)
	a.args = append(a.args, ct.Args...)
	return Member{Name: name, Image: ct.Image, Args: a.args}, nil
}

type argv struct{ args []string }

func (a *argv) add(s ...string) { a.args = append(a.args, s...) }

// restart maps the pod's restartPolicy onto --restart (Always is the
// default, as in Kubernetes); init containers run once.
func (c *ctrCtx) restart(init bool) func(*argv, corev1.Container, string) error {
	return func(a *argv, _ corev1.Container, _ string) error {
		if init {
			return nil
		}
		switch c.spec.RestartPolicy {
		case "", corev1.RestartPolicyAlways:
			a.add("--restart", "always")
		case corev1.RestartPolicyOnFailure:
			a.add("--restart", "on-failure")
		case corev1.RestartPolicyNever:
			a.add("--restart", "no")
		default:
			return bad(c.at+".restartPolicy", "%q: want Always, OnFailure or Never", c.spec.RestartPolicy)
		}
		return nil
	}
}

func pullPolicy(a *argv, ct corev1.Container, at string) error {
	switch ct.ImagePullPolicy {
	case "":
	case corev1.PullAlways:
		a.add("--pull", "always")
	case corev1.PullIfNotPresent:
		a.add("--pull", "missing")
	case corev1.PullNever:
		a.add("--pull", "never")
	default:
		return bad(at+".imagePullPolicy", "%q: want Always, IfNotPresent or Never", ct.ImagePullPolicy)
	}
	return nil
}

func workdir(a *argv, ct corev1.Container, _ string) error {
	if ct.WorkingDir != "" {
		a.add("--workdir", ct.WorkingDir)
	}
	return nil
}

func terminal(a *argv, ct corev1.Container, _ string) error {
	if ct.Stdin {
		a.add("--interactive")
	}
	if ct.TTY {
		a.add("--tty")
	}
	return nil
}

// stopTimeout is terminationGracePeriodSeconds as --stop-timeout.
func (c *ctrCtx) stopTimeout(a *argv, _ corev1.Container, _ string) error {
	if s := c.spec.TerminationGracePeriodSeconds; s != nil {
		if *s < 0 {
			return bad(c.at+".terminationGracePeriodSeconds", "%d is negative", *s)
		}
		a.add("--stop-timeout", strconv.FormatInt(*s, 10))
	}
	return nil
}

func (c *ctrCtx) volumeMounts(a *argv, ct corev1.Container, at string) error {
	for i, vm := range ct.VolumeMounts {
		mp := fmt.Sprintf("%s.volumeMounts[%d]", at, i)
		if err := checkFields(vm, mp, mountFields); err != nil {
			return err
		}
		src, ok := c.mounts[vm.Name]
		if !ok {
			return bad(mp+".name", "no volume %q in the pod's volumes", vm.Name)
		}
		if len(vm.MountPath) == 0 || vm.MountPath[0] != '/' {
			return bad(mp+".mountPath", "%q is not an absolute path", vm.MountPath)
		}
		m, err := mountArg(src, vm, mp)
		if err != nil {
			return err
		}
		if vm.ReadOnly || src.readOnly {
			m += ",ro"
		}
		a.add("--mount", m)
	}
	return nil
}
