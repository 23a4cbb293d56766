package model

import "strconv"

// SecretRef is one --secret: a secret the container gets at each start,
// named, never its value (the record must not hold it).
type SecretRef struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"` // the secret's ID at create
	// Type is SecretMount (a read-only file at Target) or SecretEnv (the
	// variable Target).
	Type   string `json:"type"`
	Target string `json:"target"`
	// UID, GID and Mode are the mounted file's owner and mode.
	UID  uint32 `json:"uid"`
	GID  uint32 `json:"gid"`
	Mode uint32 `json:"mode"`
}

// The types of SecretRef.Type.
const (
	SecretMount = "mount"
	SecretEnv   = "env"
)

// Flag is the --secret value that gives r again, for `generate systemd
// --new`: every option spelled out.
func (r SecretRef) Flag() string {
	if r.Type == SecretEnv {
		return r.Name + ",type=env,target=" + r.Target
	}
	return r.Name + ",type=mount,target=" + r.Target + ",uid=" + strconv.FormatUint(uint64(r.UID), 10) +
		",gid=" + strconv.FormatUint(uint64(r.GID), 10) + ",mode=" + strconv.FormatUint(uint64(r.Mode), 8)
}
