package kube

import "sort"

// ClaimVolumes are the named volumes of the YAML's claims: its
// PersistentVolumeClaims and those its pods mount, sorted, each once
// (what `kube down --force` removes too).
func ClaimVolumes(d *Docs) []string {
	seen := map[string]bool{}
	for name := range d.Claims {
		seen[name] = true
	}
	for _, src := range d.Pods {
		for _, v := range src.Spec.Volumes {
			if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName != "" {
				seen[v.PersistentVolumeClaim.ClaimName] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for name := range seen {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
