//go:build !hotpath

package main

import (
	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine/kube"
)

// kubePlayMore are kube play's flags that reach every pod or container of
// the YAML (Podman's; Quadlet's [Kube] AutoUpdate=, LogDriver=, LogOpt=
// and UserNS= become them).
type kubePlayMore struct {
	annotations, logOpts []string
	logDriver, userns    string
	exitProp             string // kube_exitprop.go
}

func (f *kubePlayMore) register(fs *pflag.FlagSet) {
	stringArrayVar(fs, &f.annotations, "annotation", "add an annotation to every pod (KEY=VALUE), over the YAML's own")
	fs.StringVar(&f.logDriver, "log-driver", "", "log driver of every container: journald, passthrough or none")
	stringArrayVar(fs, &f.logOpts, "log-opt", "a log driver option of every container (as create --log-opt)")
	fs.StringVar(&f.userns, "userns", "", "user namespace of every pod (as pod create --userns)")
	fs.StringVar(&f.exitProp, "service-exit-code-propagation", "", "wait until every started container has exited for good, then exit: none (0), all (non-zero if all failed) or any (non-zero if any failed)")
}

// apply puts the flags into docs' play options; create's and pod create's
// own flag parsing checks the values with the rest.
func (f *kubePlayMore) apply(docs *kube.Docs) error {
	if err := checkExitProp(f.exitProp); err != nil {
		return err
	}
	ann, err := parseKV("--annotation", f.annotations)
	if err != nil {
		return err
	}
	docs.Play.Annotations = ann
	if f.logDriver != "" {
		docs.Play.CreateArgs = append(docs.Play.CreateArgs, "--log-driver", f.logDriver)
	}
	for _, o := range f.logOpts {
		docs.Play.CreateArgs = append(docs.Play.CreateArgs, "--log-opt", o)
	}
	return nil
}
