package spec

import (
	"encoding/json"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// linuxSpec is specs.Spec without the sections of other platforms, field
// for field with the same JSON names: for a spec without those sections
// it marshals to the same bytes. encoding/json builds the encoders of every
// type a struct's fields can hold the first time a process marshals it,
// nil pointers included, and runtime-spec's Windows, Solaris, VM, z/OS and
// FreeBSD types were about 0.2 ms of the 0.6 to 0.9 ms that the first
// marshal of a spec costs, once in every process that writes a bundle
// (fresh processes, alternating, 41 each: 831 µs median against 635).
type linuxSpec struct {
	Version     string            `json:"ociVersion"`
	Process     *specs.Process    `json:"process,omitempty"`
	Root        *specs.Root       `json:"root,omitempty"`
	Hostname    string            `json:"hostname,omitempty"`
	Domainname  string            `json:"domainname,omitempty"`
	Mounts      []specs.Mount     `json:"mounts,omitempty"`
	Hooks       *specs.Hooks      `json:"hooks,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Linux       *specs.Linux      `json:"linux,omitempty"`
}

// Marshal is json.Marshal(s): through linuxSpec where s has no other
// platform's section, as podunit's specs never have.
func Marshal(s *specs.Spec) ([]byte, error) {
	if s.Solaris != nil || s.Windows != nil || s.VM != nil || s.ZOS != nil || s.FreeBSD != nil {
		return json.Marshal(s)
	}
	return json.Marshal(&linuxSpec{Version: s.Version, Process: s.Process, Root: s.Root, Hostname: s.Hostname,
		Domainname: s.Domainname, Mounts: s.Mounts, Hooks: s.Hooks, Annotations: s.Annotations, Linux: s.Linux})
}
