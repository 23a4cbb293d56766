package main

// podInspectMore are the keys of Podman's pod inspect beyond podunit's
// first set: a pod always gets its own slice (CreateCgroup) and never an
// infra container (CreateInfra).
type podInspectMore struct {
	CreateCgroup bool `json:"CreateCgroup"`
	CreateInfra  bool `json:"CreateInfra"`
}

// podInspectMember is a member in pod inspect's Containers: Podman's
// InspectPodContainerInfo (Name and State, where pod ps has Names and Status).
type podInspectMember struct {
	ID    string `json:"Id"`
	Name  string `json:"Name"`
	State string `json:"State"`
}

func podInspectMembers(members []podMember) []podInspectMember {
	out := []podInspectMember{}
	for _, m := range members {
		out = append(out, podInspectMember{ID: m.ID, Name: m.Names, State: m.Status})
	}
	return out
}
