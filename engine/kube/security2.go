package kube

import (
	corev1 "k8s.io/api/core/v1"
)

// securityMore translates the securityContext's confinement fields into
// --security-opt (as Podman): seLinuxOptions as label= options (recorded:
// no SELinux here), seccompProfile and appArmorProfile Unconfined or
// RuntimeDefault (a Localhost seccomp profile is refused: the kubelet's
// profile directory has no meaning here), procMount Unmasked as unmask=ALL.
// The container's field wins over the pod's, field by field.
func (c *ctrCtx) securityMore(a *argv, ct corev1.Container, at string) error {
	var sc corev1.SecurityContext
	ps, psAt := c.spec.SecurityContext, c.at+".securityContext"
	if ps != nil {
		sc.SELinuxOptions, sc.SeccompProfile, sc.AppArmorProfile = ps.SELinuxOptions, ps.SeccompProfile, ps.AppArmorProfile
	}
	paths := map[string]string{"se": psAt, "sec": psAt, "aa": psAt}
	if cs := ct.SecurityContext; cs != nil {
		own := at + ".securityContext"
		if cs.SELinuxOptions != nil {
			sc.SELinuxOptions, paths["se"] = cs.SELinuxOptions, own
		}
		if cs.SeccompProfile != nil {
			sc.SeccompProfile, paths["sec"] = cs.SeccompProfile, own
		}
		if cs.AppArmorProfile != nil {
			sc.AppArmorProfile, paths["aa"] = cs.AppArmorProfile, own
		}
		if cs.ProcMount != nil && *cs.ProcMount == corev1.UnmaskedProcMount {
			a.add("--security-opt", "unmask=ALL")
		}
	}
	if se := sc.SELinuxOptions; se != nil {
		for _, kv := range [][2]string{{"user", se.User}, {"role", se.Role}, {"type", se.Type}, {"level", se.Level}} {
			if kv[1] != "" {
				a.add("--security-opt", "label="+kv[0]+":"+kv[1])
			}
		}
	}
	if p := sc.SeccompProfile; p != nil {
		switch p.Type {
		case corev1.SeccompProfileTypeUnconfined:
			a.add("--security-opt", "seccomp=unconfined")
		case corev1.SeccompProfileTypeRuntimeDefault:
		default:
			return bad(paths["sec"]+".seccompProfile.type", "%q: podunit takes Unconfined or RuntimeDefault", p.Type)
		}
	}
	if p := sc.AppArmorProfile; p != nil {
		switch p.Type {
		case corev1.AppArmorProfileTypeUnconfined:
			a.add("--security-opt", "apparmor=unconfined")
		case corev1.AppArmorProfileTypeRuntimeDefault:
		case corev1.AppArmorProfileTypeLocalhost:
			if p.LocalhostProfile == nil || *p.LocalhostProfile == "" {
				return bad(paths["aa"]+".appArmorProfile.localhostProfile", "a Localhost profile needs its name")
			}
			a.add("--security-opt", "apparmor="+*p.LocalhostProfile)
		default:
			return bad(paths["aa"]+".appArmorProfile.type", "%q: want Unconfined, RuntimeDefault or Localhost", p.Type)
		}
	}
	return nil
}
