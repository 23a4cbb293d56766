package kube

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// MissingSecrets are the Secrets the pods name (env, envFrom, volumes)
// that the YAML does not hold: kube play looks for them among the
// secrets an earlier play stored, as Podman does.
func (d *Docs) MissingSecrets() []string {
	seen := map[string]bool{}
	need := func(name string) {
		if _, ok := d.Secrets[name]; !ok && name != "" {
			seen[name] = true
		}
	}
	for _, src := range d.Pods {
		for _, v := range src.Spec.Volumes {
			if v.Secret != nil {
				need(v.Secret.SecretName)
			}
		}
		for _, c := range append(append([]corev1.Container{}, src.Spec.InitContainers...), src.Spec.Containers...) {
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					need(e.ValueFrom.SecretKeyRef.Name)
				}
			}
			for _, ef := range c.EnvFrom {
				if ef.SecretRef != nil {
					need(ef.SecretRef.Name)
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// AddStoredSecret adds the Secret a podunit secret named name holds (the
// YAML kube play stored); what is no Kubernetes Secret is an error.
func (d *Docs) AddStoredSecret(name string, data []byte) error {
	only := NewDocs()
	if err := only.Add("secret "+name, data); err != nil || len(only.Secrets) != 1 || only.Secrets[name] == nil {
		return &Error{File: "secret " + name, Msg: "the podunit secret does not hold a Kubernetes Secret of that name"}
	}
	d.Secrets[name] = only.Secrets[name]
	if d.stored == nil {
		d.stored = map[string]bool{}
	}
	d.stored[name] = true
	return nil
}

// SecretsToStore are the YAML's Secrets, each as the YAML a podunit secret
// of its name keeps for later plays, by name.
func (d *Docs) SecretsToStore() (map[string][]byte, error) {
	out := map[string][]byte{}
	for name, s := range d.Secrets {
		if d.stored[name] {
			continue
		}
		c := *s
		c.APIVersion, c.Kind = "v1", "Secret"
		data, err := yaml.Marshal(&c)
		if err != nil {
			return nil, err
		}
		out[name] = data
	}
	return out, nil
}
