package systemd

import (
	"context"
	"fmt"
	"os"
	"path"
)

// EnterScope moves this process into a new transient scope, name (with
// its ".scope" suffix), whose cgroup subtree is delegated, and returns the
// scope's cgroup path. systemd neither accounts for nor leaves alone a
// cgroup outside its units: on the v1 hierarchies it removes the empty ones
// below a slice whenever it realizes that slice again. Below a delegated
// unit's cgroup a runtime can make a container's cgroup safely. The scope
// ends by itself once its last process is gone.
func (c *Conn) EnterScope(ctx context.Context, name, description string) (string, error) {
	if err := c.StartTransient(ctx, scopeOf(name, description, os.Getpid())); err != nil {
		return "", err
	}
	own, err := OwnCgroup()
	if err != nil {
		return "", err
	}
	if path.Base(own) != name {
		return "", fmt.Errorf("scope %s: this process is in cgroup %s, not in the scope", name, own)
	}
	return own, nil
}

// scopeOf is the delegated transient scope name holding process pid.
func scopeOf(name, description string, pid int) Transient {
	return Transient{Name: name, Description: description, Delegate: true, CollectMode: "inactive-or-failed",
		Properties: []Property{{Name: "PIDs", Value: []uint32{uint32(pid)}}}}
}
