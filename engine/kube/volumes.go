package kube

import (
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// source is what a pod volume mounts: a host path or a named volume.
type source struct {
	bind     bool
	name     string // host path or volume name
	readOnly bool
}

// podVolumes translates spec.volumes into mount sources by volume name,
// adding the named volumes and host paths to p (each once: vols).
func (d *Docs) podVolumes(p *Plan, spec *corev1.PodSpec, at, pod string, vols map[string]bool) (map[string]source, error) {
	out := map[string]source{}
	for i, v := range spec.Volumes {
		vp := fmt.Sprintf("%s.volumes[%d]", at, i)
		if err := checkFields(v, vp, volumeFields); err != nil {
			return nil, err
		}
		if _, dup := out[v.Name]; dup || v.Name == "" {
			return nil, bad(vp+".name", "missing or repeated volume name %q", v.Name)
		}
		src, vol, err := d.volume(v, vp, pod)
		if err != nil {
			return nil, err
		}
		if src.bind {
			p.HostPaths = append(p.HostPaths, HostPath{Path: src.name, Type: hostPathType(v.HostPath)})
		} else if !vols[vol.Name] {
			vols[vol.Name] = true
			p.Volumes = append(p.Volumes, vol)
		}
		out[v.Name] = src
	}
	return out, nil
}

func hostPathType(h *corev1.HostPathVolumeSource) corev1.HostPathType {
	if h.Type == nil {
		return corev1.HostPathUnset
	}
	return *h.Type
}

// volume is one pod volume's mount source and, unless it is a host path,
// the named volume behind it.
func (d *Docs) volume(v corev1.Volume, vp, pod string) (source, Volume, error) {
	switch {
	case v.HostPath != nil:
		if !path.IsAbs(v.HostPath.Path) {
			return source{}, Volume{}, bad(vp+".hostPath.path", "%q is not an absolute path", v.HostPath.Path)
		}
		return source{bind: true, name: path.Clean(v.HostPath.Path)}, Volume{}, nil
	case v.EmptyDir != nil:
		if v.EmptyDir.Medium != "" || v.EmptyDir.SizeLimit != nil {
			return source{}, Volume{}, bad(vp+".emptyDir", "medium and sizeLimit are not supported by podunit")
		}
		name := pod + "-" + v.Name
		return source{name: name}, Volume{Name: name, Kind: VolumeEmptyDir, Pod: pod}, nil
	case v.PersistentVolumeClaim != nil:
		c := v.PersistentVolumeClaim
		if c.ClaimName == "" {
			return source{}, Volume{}, bad(vp+".persistentVolumeClaim.claimName", "missing")
		}
		return source{name: c.ClaimName, readOnly: c.ReadOnly}, Volume{Name: c.ClaimName, Kind: VolumeClaim}, nil
	case v.ConfigMap != nil:
		return d.configMapVolume(v.ConfigMap, vp+".configMap")
	case v.Secret != nil:
		return d.secretVolume(v.Secret, vp+".secret")
	}
	return source{}, Volume{}, bad(vp, "no volume source: want hostPath, emptyDir, persistentVolumeClaim, configMap or secret")
}

func (d *Docs) configMapVolume(c *corev1.ConfigMapVolumeSource, vp string) (source, Volume, error) {
	cm, ok := d.ConfigMaps[c.Name]
	if !ok && (c.Optional == nil || !*c.Optional) {
		return source{}, Volume{}, bad(vp+".name", "no ConfigMap %q in the YAML or --configmap files", c.Name)
	}
	data := map[string][]byte{}
	if cm != nil {
		for k, v := range cm.Data {
			data[k] = []byte(v)
		}
		for k, v := range cm.BinaryData {
			data[k] = v
		}
	}
	files, err := pickItems(data, c.Items, vp)
	if err != nil {
		return source{}, Volume{}, err
	}
	return source{name: c.Name, readOnly: true},
		Volume{Name: c.Name, Kind: VolumeConfigMap, Files: files, Mode: fileMode(c.DefaultMode, 0o644)}, nil
}

func (d *Docs) secretVolume(s *corev1.SecretVolumeSource, vp string) (source, Volume, error) {
	sec, ok := d.Secrets[s.SecretName]
	if !ok && (s.Optional == nil || !*s.Optional) {
		return source{}, Volume{}, bad(vp+".secretName", "no Secret %q in the YAML", s.SecretName)
	}
	files, err := pickItems(secretData(sec), s.Items, vp)
	if err != nil {
		return source{}, Volume{}, err
	}
	return source{name: s.SecretName, readOnly: true},
		Volume{Name: s.SecretName, Kind: VolumeSecret, Files: files, Mode: fileMode(s.DefaultMode, 0o644)}, nil
}

// secretData merges a Secret's data and stringData (stringData wins, as
// in Kubernetes).
func secretData(s *corev1.Secret) map[string][]byte {
	out := map[string][]byte{}
	if s == nil {
		return out
	}
	for k, v := range s.Data {
		out[k] = v
	}
	for k, v := range s.StringData {
		out[k] = []byte(v)
	}
	return out
}

// pickItems is data, or with items only the keys listed, under their paths.
func pickItems(data map[string][]byte, items []corev1.KeyToPath, vp string) (map[string][]byte, error) {
	if len(items) == 0 {
		for k := range data {
			if k == "" || k == "." || k == ".." || strings.Contains(k, "/") {
				return nil, bad(vp, "key %q cannot be a file name", k)
			}
		}
		return data, nil
	}
	out := map[string][]byte{}
	for i, it := range items {
		v, ok := data[it.Key]
		if !ok {
			return nil, bad(fmt.Sprintf("%s.items[%d].key", vp, i), "no key %q", it.Key)
		}
		if !relInside(it.Path) {
			return nil, bad(fmt.Sprintf("%s.items[%d].path", vp, i), "%q is not a relative path inside the volume", it.Path)
		}
		out[it.Path] = v
	}
	return out, nil
}

func fileMode(m *int32, def uint32) uint32 {
	if m == nil {
		return def
	}
	return uint32(*m) & 0o777
}
