package model

import "fmt"

// Status is a container's life-cycle state.
type Status string

// The statuses, as `podunit ps` and `inspect` show them (Podman's words).
const (
	Created  Status = "created"  // configured, rootfs made, not started
	Running  Status = "running"  // its init process is alive
	Stopping Status = "stopping" // a stop was asked for and is in progress
	Exited   Status = "exited"   // it ran and its init is gone
	Removing Status = "removing" // rm has begun; a re-run of rm finishes it
	// Paused is never recorded: a running container whose cgroup is frozen
	// is shown so, read from the machine each time (engine's withPaused).
	Paused Status = "paused"
)

// transitions lists, for each status, the statuses it may move to.
var transitions = map[Status][]Status{
	Created:  {Running, Exited, Removing},
	Running:  {Stopping, Exited},
	Stopping: {Exited, Running},
	Exited:   {Running, Removing},
	Removing: {Removing},
}

// CanTransition reports whether a container may move from one status to another.
// Staying in the same status is always allowed.
func CanTransition(from, to Status) bool {
	if from == to {
		return true
	}
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Transition moves s to the status to, or says why it may not.
func (s *State) Transition(to Status) error {
	if !CanTransition(s.Status, to) {
		return fmt.Errorf("cannot move from %s to %s", s.Status, to)
	}
	s.Status = to
	return nil
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	_, ok := transitions[s]
	return ok
}
