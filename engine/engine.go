// Package engine wires podunit's adapters (image storage, the state store,
// the OCI runtime, systemd) into the container life cycle. Every CLI verb is
// one Engine method; nothing here prints, exits or reads flags.
package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/locks"
	"github.com/podunit/podunit/engine/oci"
	"github.com/podunit/podunit/engine/rootless"
	"github.com/podunit/podunit/engine/state"
)

// Config says where everything lives. Empty storage fields take the
// defaults of storage.conf, as Podman does.
type Config struct {
	StorageRoot    string   // --root
	StorageRunRoot string   // --runroot
	StorageDriver  string   // --storage-driver
	StorageOpts    []string // --storage-opt
	Runtime        string   // --runtime: crun, runc or a path; "" picks crun, else runc
	LogLevel       string   // --log-level, handed on to unit commands
	ConfModules    []string // --module: containers.conf modules (resolved paths), read after the files
	// Warn receives what the engine notices and works around, such as a
	// damaged record a listing skips; nil drops them.
	Warn func(error)
	// LockTimeout bounds each wait for another command's lock (0: no
	// bound); the wait fails as a conflict naming the holder.
	LockTimeout time.Duration
	// LostState opens a state database that has no schema even where
	// podunit's objects exist (its records were lost); only the repair and
	// reset verbs set it. Without it such a database is refused.
	LostState bool
	// SetAsideDamaged renames a state database that is not a sound
	// database file out of the way and starts a new one, for system check
	// --repair to rebuild the records into.
	SetAsideDamaged bool
	// Self is the podunit binary that systemd units run (ExecStart=,
	// ExecStopPost=); "" means this process's own executable.
	Self string
	// Rootless: the engine works for an unprivileged user (engine/rootless.go).
	Rootless Rootless
}

// Engine is one open engine: a storage, a state store and a runtime.
type Engine struct {
	cfg     Config
	images  *image.Store
	store   *state.Store
	locks   *locks.Dir
	runDir  string // <runroot>/podunit: bundles
	runtime *oci.Runtime
	podns   func() // a rootless pod's namespace lock, until the member's init is recorded
	soon    soonConn
}

// New opens the storage and the state store named by cfg.
func New(cfg Config) (*Engine, error) {
	icfg := image.Config{Root: cfg.StorageRoot, RunRoot: cfg.StorageRunRoot,
		Driver: cfg.StorageDriver, DriverOptions: cfg.StorageOpts}
	if cfg.Rootless.Outside {
		icfg.Refuse = rootless.ErrOutside
	}
	imgs, err := image.Open(icfg)
	if err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, images: imgs}
	imgs.SetEventHook(e.imageEvent)
	imgs.SetMountersHook(e.imageMounters)
	if err := e.openState(); err != nil {
		_ = imgs.Close()
		return nil, err
	}
	return e, nil
}

func (e *Engine) openState() error {
	e.cfg.StorageRoot, e.cfg.StorageRunRoot = e.images.Root(), e.images.RunRoot()
	e.runDir = filepath.Join(e.cfg.StorageRunRoot, "podunit")
	ifNew := e.refuseLostState
	if e.cfg.LostState {
		ifNew = nil
	}
	path := e.dbPath()
	if e.cfg.Rootless.Outside {
		if _, err := os.Stat(path); err != nil {
			return rootless.ErrOutside // made, or refused, in the namespace
		}
	}
	store, err := state.OpenChecked(path, ifNew)
	if state.IsDamagedDB(err) && e.cfg.SetAsideDamaged {
		store, err = e.setAside(path)
	}
	if err != nil {
		return err
	}
	e.store = store
	if e.cfg.Warn != nil {
		store.SetWarn(e.cfg.Warn)
	}
	if e.locks, err = locks.NewWith(e.lockDir(), e.lockOptions()); err != nil {
		return err
	}
	if e.cfg.Self == "" {
		if e.cfg.Self, err = os.Executable(); err != nil {
			return fmt.Errorf("finding the podunit binary: %w", err)
		}
	}
	return nil
}

// Close releases the storage and the state store.
func (e *Engine) Close() error {
	if p := e.soon.take(); p != nil {
		go p.close() // not waited for: a manager that does not answer holds no command up
	}
	var first error
	if e.store != nil {
		first = e.store.Close()
	}
	if err := e.images.Close(); err != nil && first == nil {
		first = err
	}
	return first
}

// Images is the image store, for the image verbs.
func (e *Engine) Images() *image.Store { return e.images }

// runtimeFor finds the OCI runtime a container uses. A rootless engine
// outside its user namespace runs none: it answers rootless.ErrOutside.
func (e *Engine) runtimeFor(name string) (*oci.Runtime, error) {
	if e.cfg.Rootless.Outside {
		return nil, rootless.ErrOutside
	}
	if name == "" {
		name = e.cfg.Runtime
	}
	if name == "" {
		name = "crun"
		if _, err := oci.Find("crun", ""); err != nil {
			name = "runc"
		}
	}
	rt, err := oci.Find(name, filepath.Join(e.runDir, "runtime", filepath.Base(name)))
	if err == nil {
		rt.SeccompCache = filepath.Join(e.runDir, "seccomp", rt.Name)
		rt.Scripts = filepath.Join(e.runDir, "scripts")
	}
	return rt, err
}

// dbPath is the state database's file.
func (e *Engine) dbPath() string { return filepath.Join(e.cfg.StorageRoot, "podunit", "state.db") }

// lockDir is the directory of the objects' lock files.
func (e *Engine) lockDir() string { return filepath.Join(e.runDir, "locks") }

// bundleDir is where a container's config.json and runtime logs live.
func (e *Engine) bundleDir(id string) string {
	return filepath.Join(e.runDir, "containers", id)
}

// unitArgs is the podunit command line a unit runs for verb on container id,
// with this engine's configuration spelled out so the unit finds the same
// storage and state.
func (e *Engine) unitArgs(verb, id string) []string {
	args := []string{e.cfg.Self, "--root", e.cfg.StorageRoot, "--runroot", e.cfg.StorageRunRoot}
	driver := e.cfg.StorageDriver
	if driver == "" && e.images != nil {
		driver = e.images.Driver() // storage.conf's, or what containers/storage picked
	}
	if driver != "" {
		args = append(args, "--storage-driver", driver)
	}
	for _, o := range e.cfg.StorageOpts {
		args = append(args, "--storage-opt", o)
	}
	if e.cfg.LogLevel != "" {
		args = append(args, "--log-level", e.cfg.LogLevel)
	}
	return append(args, "container", verb, id)
}

// lock takes the container's lock for a command, honouring ctx. Where
// another command's direct start of the container waits for its unit's job
// (startDirect lets go of the lock meanwhile), it lets go and waits until
// that start holds the lock again and is done (awaitStart): every verb meets
// a start under way after it, as Podman's meet its start's lock. What
// systemd runs for the container's unit takes lockInUnit instead: the
// start's job may wait for it.
func (e *Engine) lock(ctx context.Context, id string) (func(), error) {
	for {
		unlock, err := e.lockInUnit(ctx, id)
		if err != nil || e.startUnderWay(id) == 0 {
			return unlock, err
		}
		unlock()
		if err := e.awaitStart(ctx, id); err != nil {
			return nil, err
		}
	}
}

// lockInUnit takes the container's lock, honouring ctx, whatever start is
// under way: for the processes of the container's own unit (its cleanup,
// the full unit-start), which a direct start's job waits for.
func (e *Engine) lockInUnit(ctx context.Context, id string) (func(), error) {
	return e.lockWhile(ctx, id, func() bool {
		ok, err := e.store.HasContainer(context.WithoutCancel(ctx), id)
		return ok || err != nil // unsure: keep the lock file
	})
}

// lockWhile takes lock id; its unlock first removes the lock file if the
// object is gone (exists says), so that a command that lost a race to a
// removal, or a create that failed, leaves no lock file behind.
func (e *Engine) lockWhile(ctx context.Context, id string, exists func() bool) (func(), error) {
	unlock, err := e.locks.Lock(ctx, id)
	if err != nil {
		return nil, err
	}
	return sync.OnceFunc(func() {
		if !exists() {
			_ = e.locks.Remove(id) // held, as Remove wants
		}
		unlock()
	}), nil
}
