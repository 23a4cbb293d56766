package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/podunit/podunit/engine/console"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/names"
	"github.com/podunit/podunit/internal/atomicfile"
	"github.com/podunit/podunit/internal/pidfile"
)

// ExecSession is the record of an exec that may outlive the podunit that
// started it (exec -d, exec -it with detach keys), kept in the container's
// bundle under exec/ID: session.json (this), the runtime's pid file and,
// once the process ended, its exit code written by its waiter. The bundle
// goes with the container's stop, and so do its sessions.
type ExecSession struct {
	ID          string    `json:"ID"`
	ContainerID string    `json:"ContainerID"`
	Args        []string  `json:"Args"`
	Tty         bool      `json:"Tty"`
	User        string    `json:"User"`
	WorkingDir  string    `json:"WorkingDir"`
	DetachKeys  string    `json:"DetachKeys"`
	Stdin       bool      `json:"Stdin"`
	Started     time.Time `json:"Started"`
	// Read from the session's files, not stored.
	Pid      int  `json:"-"`
	Running  bool `json:"-"`
	Exited   bool `json:"-"`
	ExitCode int  `json:"-"`
}

// keptEndedSessions is how many ended sessions a container keeps for
// their exit codes; older ones go when a new session is made.
const keptEndedSessions = 32

func (e *Engine) execSessionsDir(id string) string { return filepath.Join(e.bundleDir(id), "exec") }

// newExecSession records a session for an exec in c and returns it with
// its directory.
func (e *Engine) newExecSession(c *model.Container, s ExecSession) (*ExecSession, string, error) {
	if _, err := os.Stat(e.bundleDir(c.ID)); err != nil {
		return nil, "", fmt.Errorf("container %q has no bundle to keep an exec session in: %w", c.Name, errdefs.ErrConflict)
	}
	e.pruneExecSessions(c.ID)
	s.ID, s.ContainerID, s.Started = names.NewID(), c.ID, time.Now().UTC()
	dir := filepath.Join(e.execSessionsDir(c.ID), s.ID)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", err
	}
	b, err := json.Marshal(s)
	if err == nil {
		err = atomicfile.WriteVolatile(filepath.Join(dir, "session.json"), b, 0o600)
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, "", fmt.Errorf("recording an exec session of %q: %w", c.Name, err)
	}
	return &s, dir, nil
}

// readExecSession reads the session in dir and its process's state.
func readExecSession(dir string) (*ExecSession, error) {
	b, err := os.ReadFile(filepath.Join(dir, "session.json"))
	if err != nil {
		return nil, err
	}
	var s ExecSession
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("exec session %s: %w", dir, err)
	}
	s.Pid, _ = pidfile.Read(filepath.Join(dir, console.ExecPidFile))
	if code, err := readExitFile(dir); !errors.Is(err, os.ErrNotExist) {
		s.Exited, s.ExitCode = true, code
		return &s, nil
	}
	s.Running = alive(s.Pid) || console.WaiterLives(dir) // the waiter is about to write the code
	if !s.Running {
		s.ExitCode = -1 // its waiter was killed: the code is lost
	}
	return &s, nil
}

// readExitFile reads the exit code the waiter of the session in dir
// recorded (os.ErrNotExist: none yet).
func readExitFile(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, console.ExecExitFile))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// ExecSessions are c's exec sessions, oldest first.
func (e *Engine) ExecSessions(c *model.Container) []*ExecSession {
	entries, _ := os.ReadDir(e.execSessionsDir(c.ID))
	var out []*ExecSession
	for _, ent := range entries {
		if s, err := readExecSession(filepath.Join(e.execSessionsDir(c.ID), ent.Name())); err == nil {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Started.Before(out[j].Started) })
	return out
}

// ExecIDs are the sessions of c that still run, as Podman's ExecIDs.
func (e *Engine) ExecIDs(c *model.Container) []string {
	ids := []string{}
	for _, s := range e.ExecSessions(c) {
		if s.Running {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// pruneExecSessions drops the oldest ended sessions of container id
// beyond keptEndedSessions - 1, making room for a new one; a session made
// less than a minute ago with no pid yet is still starting, not ended.
func (e *Engine) pruneExecSessions(id string) {
	var ended []*ExecSession
	for _, s := range e.ExecSessions(&model.Container{ID: id}) {
		starting := s.Pid == 0 && !s.Exited && time.Since(s.Started) < time.Minute // another exec's, its runtime not done
		if !s.Running && !starting {
			ended = append(ended, s)
		}
	}
	for len(ended) >= keptEndedSessions {
		os.RemoveAll(filepath.Join(e.execSessionsDir(id), ended[0].ID))
		ended = ended[1:]
	}
}

// ExecSession finds an exec session by its ID or a unique prefix of it,
// among the running containers' sessions.
func (e *Engine) ExecSession(ref string) (*ExecSession, error) {
	if ref == "" || strings.ContainsAny(ref, "/*?[\\") {
		return nil, fmt.Errorf("no exec session %q: %w", ref, errdefs.ErrNotFound)
	}
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(e.bundleDir("x")), "*", "exec", ref+"*"))
	switch {
	case len(matches) == 0:
		return nil, fmt.Errorf("no exec session with ID %q found: %w", ref, errdefs.ErrNotFound)
	case len(matches) > 1:
		return nil, fmt.Errorf("exec session ID %q is ambiguous (%d sessions): %w", ref, len(matches), errdefs.ErrInvalidArgument)
	}
	s, err := readExecSession(matches[0])
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no exec session with ID %q found: %w", ref, errdefs.ErrNotFound)
	}
	return s, err
}
