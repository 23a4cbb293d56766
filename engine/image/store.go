// Package image is podunit's image and rootfs store: the only importer of
// containers/storage and containers/image. It keeps images in the same
// containers/storage that podman, buildah and skopeo use (storage.conf), and
// gives each container a storage container as its rootfs.
//
// Nothing here prints: progress goes to an io.Writer the caller passes in.
package image

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"go.podman.io/storage"
	graphdriver "go.podman.io/storage/drivers"
	"go.podman.io/storage/pkg/reexec"
	stypes "go.podman.io/storage/types"
)

// Config names the storage to open. Empty fields take storage.conf's values
// (storage.DefaultStoreOptions).
type Config struct {
	Root, RunRoot, Driver string
	DriverOptions         []string
	// Registry configuration for Pull and Push; empty takes the system's
	// (registries.conf, $CONTAINERS_REGISTRIES_CONF; policy.json; auth.json,
	// $REGISTRY_AUTH_FILE), as podman does.
	RegistriesConf, SignaturePolicyPath, AuthFile string
	// Refuse, where set, is what every use of containers/storage returns
	// instead of opening it: the store's files are not this process's to
	// open (a rootless command outside its user namespace).
	Refuse error
}

// Store is an image and rootfs store. containers/storage itself opens on
// first use (reading every layer, image and container it holds): the
// verbs that only read podunit's records (ps, inspect, stop) never pay
// for it.
type Store struct {
	opts stypes.StoreOptions
	mu   sync.Mutex
	// store is nil until open; every exported method that needs it
	// calls open first.
	store  storage.Store
	reg    RegistryOptions // Config's registry files, under each call's own
	refuse error           // Config.Refuse
	hook   EventHook       // nil: events go nowhere
	// mounters names the containers that mount an image (--mount
	// type=image), which storage does not know of; nil: none do.
	mounters MountersHook
}

// Open prepares the storage named by cfg (storage.conf's defaults under
// cfg); it is opened, and created if needed, on first use.
func Open(cfg Config) (*Store, error) {
	opts, err := storeOptions(cfg)
	if err != nil {
		return nil, err
	}
	reg := RegistryOptions{RegistriesConf: cfg.RegistriesConf, SignaturePolicyPath: cfg.SignaturePolicyPath,
		AuthFile: cfg.AuthFile}
	return &Store{opts: opts, reg: reg, refuse: cfg.Refuse}, nil
}

// open opens containers/storage once; a failure is returned to each
// caller, and the next call tries again.
func (s *Store) open() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store != nil {
		return nil
	}
	if s.refuse != nil {
		return s.refuse
	}
	st, err := storage.GetStore(s.opts)
	if err != nil {
		return fmt.Errorf("opening storage at %s (driver %q): %w", s.opts.GraphRoot, s.opts.GraphDriverName, err)
	}
	s.store = st
	return nil
}

// storeOptions merges cfg over storage.conf's defaults.
func storeOptions(cfg Config) (stypes.StoreOptions, error) {
	opts, err := storage.DefaultStoreOptions()
	if err != nil {
		return opts, fmt.Errorf("reading storage defaults: %w", err)
	}
	if cfg.Root != "" {
		opts.GraphRoot = cfg.Root
		opts.ImageStore = ""
	}
	if cfg.RunRoot != "" {
		opts.RunRoot = cfg.RunRoot
	}
	// as containers/storage makes them when it opens
	if opts.GraphRoot, err = filepath.Abs(opts.GraphRoot); err == nil {
		opts.RunRoot, err = filepath.Abs(opts.RunRoot)
	}
	if err != nil {
		return opts, err
	}
	if cfg.Driver != "" && cfg.Driver != opts.GraphDriverName {
		// storage.conf's options belong to its own driver.
		opts.GraphDriverName = cfg.Driver
		opts.GraphDriverOptions = nil
	}
	if cfg.DriverOptions != nil {
		opts.GraphDriverOptions = cfg.DriverOptions
	}
	return opts, nil
}

// Close shuts the store down without unmounting layers that containers still
// use: a running container keeps its rootfs.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil {
		return nil
	}
	_, err := s.store.Shutdown(false)
	if err != nil && !errors.Is(err, storage.ErrLayerUsedByContainer) {
		return fmt.Errorf("closing storage: %w", err)
	}
	return nil
}

// Root is the storage's graph root.
func (s *Store) Root() string { return s.opts.GraphRoot }

// RunRoot is the storage's run root.
func (s *Store) RunRoot() string { return s.opts.RunRoot }

// Driver is the storage's graph driver name; where neither storage.conf
// nor the caller names one, containers/storage picks it when it opens.
// Where the pick follows from the graph root alone (priorDriver), the
// store is not opened for it: a command that only starts units (start,
// pod start) would otherwise open the store, which mounts its home and
// rewrites its lock at close, to learn a name.
func (s *Store) Driver() string {
	if s.opts.GraphDriverName != "" {
		return s.opts.GraphDriverName
	}
	s.mu.Lock()
	opened := s.store != nil
	s.mu.Unlock()
	if !opened {
		if d := priorDriver(s.opts.GraphRoot, s.opts.GraphDriverPriority); d != "" {
			return d
		}
	}
	if s.open() == nil {
		return s.store.GraphDriverName()
	}
	return ""
}

// priorDriver is the driver containers/storage picks when none is named
// and the graph root holds the state of exactly one driver it would take
// (drivers.New: a "prior driver"; vfs only from an explicit priority list),
// or "" where the pick needs more than the root's directories: no prior
// state, or several (which storage refuses).
func priorDriver(root string, priority []string) string {
	prior := graphdriver.ScanPriorDrivers(root)
	if len(prior) != 1 {
		return ""
	}
	explicit := len(priority) > 0
	if !explicit {
		priority = graphdriver.Priority
	}
	for _, name := range priority {
		if prior[name] && (name != "vfs" || explicit) {
			return name
		}
	}
	return ""
}

// ReexecInit must run first in every main that links this package: storage
// re-executes the binary for some work (chroot'ed archive extraction), and
// in such a child it runs that work and returns true; main must then return.
func ReexecInit() bool { return reexec.Init() }
