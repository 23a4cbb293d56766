package oci

import "context"

// Pause freezes every process of the container (the cgroup freezer).
func (r *Runtime) Pause(ctx context.Context, id string) error {
	return r.run(ctx, "pause", id)
}

// Resume thaws a paused container.
func (r *Runtime) Resume(ctx context.Context, id string) error {
	return r.run(ctx, "resume", id)
}
