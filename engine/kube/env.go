package kube

import (
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
)

// env sets envFrom first, then env, as Kubernetes does (env wins).
func (c *ctrCtx) env(a *argv, ct corev1.Container, at string) error {
	for i, ef := range ct.EnvFrom {
		kv, err := c.envFrom(ef, fmt.Sprintf("%s.envFrom[%d]", at, i))
		if err != nil {
			return err
		}
		for _, v := range kv {
			a.add("--env", v)
		}
	}
	for i, e := range ct.Env {
		ep := fmt.Sprintf("%s.env[%d]", at, i)
		if e.Name == "" {
			return bad(ep+".name", "missing")
		}
		v, ok, err := c.envValue(e, ct, ep)
		if err != nil {
			return err
		}
		if ok {
			a.add("--env", e.Name+"="+v)
		}
	}
	return nil
}

// envValue is e's value; ok is false for an optional reference that is
// not there.
func (c *ctrCtx) envValue(e corev1.EnvVar, ct corev1.Container, ep string) (string, bool, error) {
	if e.ValueFrom == nil {
		return e.Value, true, nil
	}
	vf := e.ValueFrom
	switch {
	case e.Value != "":
		return "", false, bad(ep+".valueFrom", "value and valueFrom cannot both be set")
	case vf.ConfigMapKeyRef != nil:
		r := vf.ConfigMapKeyRef
		return lookup(c.configMap(r.Name), r.Name, r.Key, r.Optional, ep+".valueFrom.configMapKeyRef", "ConfigMap")
	case vf.SecretKeyRef != nil:
		r := vf.SecretKeyRef
		return lookup(c.secret(r.Name), r.Name, r.Key, r.Optional, ep+".valueFrom.secretKeyRef", "Secret")
	case vf.FieldRef != nil:
		v, err := c.fieldRef(vf.FieldRef, ep)
		return v, err == nil, err
	case vf.ResourceFieldRef != nil:
		v, err := c.resourceRef(vf.ResourceFieldRef, ct, ep)
		return v, err == nil, err
	}
	return "", false, bad(ep+".valueFrom", "want configMapKeyRef, secretKeyRef, fieldRef or resourceFieldRef")
}

func (c *ctrCtx) configMap(name string) map[string][]byte {
	cm, ok := c.docs.ConfigMaps[name]
	if !ok {
		return nil
	}
	out := map[string][]byte{}
	for k, v := range cm.Data {
		out[k] = []byte(v)
	}
	for k, v := range cm.BinaryData {
		out[k] = v
	}
	return out
}

func (c *ctrCtx) secret(name string) map[string][]byte {
	s, ok := c.docs.Secrets[name]
	if !ok {
		return nil
	}
	return secretData(s)
}

func lookup(data map[string][]byte, name, key string, optional *bool, path, kind string) (string, bool, error) {
	opt := optional != nil && *optional
	if data == nil {
		if opt {
			return "", false, nil
		}
		return "", false, bad(path+".name", "no %s %q in the YAML", kind, name)
	}
	v, ok := data[key]
	if !ok {
		if opt {
			return "", false, nil
		}
		return "", false, bad(path+".key", "%s %q has no key %q", kind, name, key)
	}
	return string(v), true, nil
}

// envFrom is every key of a ConfigMap or Secret as NAME=VALUE, sorted.
func (c *ctrCtx) envFrom(ef corev1.EnvFromSource, ep string) ([]string, error) {
	var data map[string][]byte
	var name, kind string
	var optional *bool
	switch {
	case ef.ConfigMapRef != nil:
		name, kind, optional, data = ef.ConfigMapRef.Name, "ConfigMap", ef.ConfigMapRef.Optional, c.configMap(ef.ConfigMapRef.Name)
	case ef.SecretRef != nil:
		name, kind, optional, data = ef.SecretRef.Name, "Secret", ef.SecretRef.Optional, c.secret(ef.SecretRef.Name)
	default:
		return nil, bad(ep, "want configMapRef or secretRef")
	}
	if data == nil {
		if optional != nil && *optional {
			return nil, nil
		}
		return nil, bad(ep, "no %s %q in the YAML", kind, name)
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = ef.Prefix + k + "=" + string(data[k])
	}
	return out, nil
}
