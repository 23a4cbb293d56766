//go:build !hotpath

package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/kube"
)

func (a *app) kubeCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "kube", Short: "Play and take down Kubernetes YAML: pods, deployments, config maps, secrets, claims"}
	cmd.AddCommand(a.kubePlayCommand(), a.kubeDownCommand(), a.generateKubeCommand())
	return cmd
}

// kubePlayFlags are kube play's flags (Podman's).
type kubePlayFlags struct {
	replace, start             bool
	networks, publish, configs []string
	more                       kubePlayMore
}

func (a *app) kubePlayCommand() *cobra.Command {
	var f kubePlayFlags
	cmd := &cobra.Command{
		Use:   "play [flags] FILE|-",
		Short: "Create and start the pods of Kubernetes YAML",
		Long: "Create the pods, containers and volumes of Kubernetes YAML (Pod, Deployment, ConfigMap, Secret,\n" +
			"PersistentVolumeClaim) and start them. Everything is checked before anything is made.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			docs, err := readKube(args[0], f.configs)
			if err != nil {
				return err
			}
			if err := f.more.apply(docs); err != nil {
				return err
			}
			if err := a.kubeStoredSecrets(cmd, docs); err != nil {
				return err
			}
			plan, err := kube.MakePlan(docs)
			if err != nil {
				return err
			}
			secrets, err := docs.SecretsToStore()
			if err != nil {
				return err
			}
			for _, w := range plan.Warnings {
				fmt.Fprintln(a.err, "WARN:", w)
			}
			return a.kubePlay(cmd, plan, secrets, &f)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&f.replace, "replace", false, "remove pods of the same names first")
	fs.BoolVar(&f.start, "start", true, "start the pods")
	stringArrayVar(fs, &f.networks, "network", "network of the pods (as pod create --network)")
	stringArrayVar(fs, &f.publish, "publish", "publish another port of each pod: [ip:][hostPort:]containerPort[/tcp|udp]")
	stringSliceVar(fs, &f.configs, "configmap", "a YAML file of ConfigMaps the pods may use (again or comma-separated for more)")
	f.more.register(fs)
	return cmd
}

// kubeStoredSecrets adds the Secrets the pods name but the YAML lacks from
// the podunit secrets an earlier play stored; one not there is left for
// the plan to name.
func (a *app) kubeStoredSecrets(cmd *cobra.Command, docs *kube.Docs) error {
	missing := docs.MissingSecrets()
	if len(missing) == 0 {
		return nil
	}
	eng, err := a.engine()
	if err != nil {
		return err
	}
	for _, name := range missing {
		data, err := eng.SecretValue(a.ctx(cmd), name)
		if errdefs.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if err := docs.AddStoredSecret(name, data); err != nil {
			return err
		}
	}
	return nil
}

// readKube decodes file ("-": standard input) and the ConfigMap files.
func readKube(file string, configs []string) (*kube.Docs, error) {
	docs := kube.NewDocs()
	docs.NodeName, _ = os.Hostname() // spec.nodeName in env fieldRef
	data, name, err := readKubeFile(file)
	if err != nil {
		return nil, err
	}
	if err := docs.Add(name, data); err != nil {
		return nil, err
	}
	for _, c := range configs {
		data, name, err := readKubeFile(c)
		if err != nil {
			return nil, err
		}
		if err := docs.AddConfigMaps(name, data); err != nil {
			return nil, err
		}
	}
	return docs, nil
}

func readKubeFile(file string) ([]byte, string, error) {
	if file == "-" {
		data, err := io.ReadAll(os.Stdin)
		return data, "stdin", err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, file, fmt.Errorf("kube YAML: %w: %w", err, errdefs.ErrInvalidArgument)
	}
	return data, file, nil
}
