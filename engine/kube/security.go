package kube

import (
	"fmt"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// security translates the pod's and the container's securityContext (the
// container's wins, field by field, as in Kubernetes).
func (c *ctrCtx) security(a *argv, ct corev1.Container, at string) error {
	uid, gid, nonRoot := c.podIdentity()
	if ps := c.spec.SecurityContext; ps != nil {
		if err := checkFields(ps, c.at+".securityContext", podSecurityFields); err != nil {
			return err
		}
		for _, g := range ps.SupplementalGroups {
			a.add("--group-add", strconv.FormatInt(g, 10))
		}
		for _, s := range ps.Sysctls {
			a.add("--sysctl", s.Name+"="+s.Value)
		}
	}
	sc := ct.SecurityContext
	if sc != nil {
		if err := checkFields(sc, at+".securityContext", securityFields); err != nil {
			return err
		}
		if sc.RunAsUser != nil {
			uid = sc.RunAsUser
		}
		if sc.RunAsGroup != nil {
			gid = sc.RunAsGroup
		}
		if sc.RunAsNonRoot != nil {
			nonRoot = *sc.RunAsNonRoot
		}
	}
	if err := user(a, uid, gid, nonRoot, at); err != nil {
		return err
	}
	if sc != nil {
		containerSecurity(a, sc)
	}
	return nil
}

func (c *ctrCtx) podIdentity() (uid, gid *int64, nonRoot bool) {
	if ps := c.spec.SecurityContext; ps != nil {
		return ps.RunAsUser, ps.RunAsGroup, ps.RunAsNonRoot != nil && *ps.RunAsNonRoot
	}
	return nil, nil, false
}

func user(a *argv, uid, gid *int64, nonRoot bool, at string) error {
	switch {
	case uid == nil && gid != nil:
		return bad(at+".securityContext.runAsGroup", "needs runAsUser in podunit")
	case uid == nil && nonRoot:
		return bad(at+".securityContext.runAsNonRoot", "needs runAsUser in podunit (the image's user is not checked)")
	case uid == nil:
		return nil
	case nonRoot && *uid == 0:
		return bad(at+".securityContext.runAsUser", "0 contradicts runAsNonRoot")
	}
	u := strconv.FormatInt(*uid, 10)
	if gid != nil {
		u += ":" + strconv.FormatInt(*gid, 10)
	}
	a.add("--user", u)
	return nil
}

func containerSecurity(a *argv, sc *corev1.SecurityContext) {
	if sc.Capabilities != nil {
		for _, cp := range sc.Capabilities.Add {
			a.add("--cap-add", string(cp))
		}
		for _, cp := range sc.Capabilities.Drop {
			a.add("--cap-drop", string(cp))
		}
	}
	if sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem {
		a.add("--read-only")
	}
	if sc.Privileged != nil && *sc.Privileged {
		a.add("--privileged")
	}
	if sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation {
		a.add("--security-opt", "no-new-privileges")
	}
}

// resources: limits as --memory and --cpus, requests as
// --memory-reservation and --cpu-shares (Kubernetes' 1024 per CPU).
func resources(a *argv, ct corev1.Container, at string) error {
	r := ct.Resources
	if err := checkFields(r, at+".resources", resourceFields); err != nil {
		return err
	}
	cpus := func(q resource.Quantity) string {
		return strconv.FormatFloat(float64(q.MilliValue())/1000, 'f', -1, 64)
	}
	bytes := func(q resource.Quantity) string { return strconv.FormatInt(q.Value(), 10) }
	shares := func(q resource.Quantity) string { return strconv.FormatInt(cpuShares(q), 10) }
	err := quantities(a, r.Limits, at+".resources.limits", map[corev1.ResourceName]quantityFlag{
		corev1.ResourceMemory: {"--memory", bytes}, corev1.ResourceCPU: {"--cpus", cpus}})
	if err != nil {
		return err
	}
	return quantities(a, r.Requests, at+".resources.requests", map[corev1.ResourceName]quantityFlag{
		corev1.ResourceMemory: {"--memory-reservation", bytes}, corev1.ResourceCPU: {"--cpu-shares", shares}})
}

type quantityFlag struct {
	flag  string
	value func(resource.Quantity) string
}

// quantities adds the flag of each resource in l, in name order.
func quantities(a *argv, l corev1.ResourceList, path string, flags map[corev1.ResourceName]quantityFlag) error {
	for _, name := range sortedNames(l) {
		f, ok := flags[name]
		if !ok {
			return bad(fmt.Sprintf("%s.%s", path, name), "not supported by podunit")
		}
		a.add(f.flag, f.value(l[name]))
	}
	return nil
}

func cpuShares(q resource.Quantity) int64 {
	s := q.MilliValue() * 1024 / 1000
	if s < 2 {
		s = 2
	}
	return s
}

func sortedNames(l corev1.ResourceList) []corev1.ResourceName {
	out := make([]corev1.ResourceName, 0, len(l))
	for n := range l {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
