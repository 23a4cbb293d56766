package image

import (
	"fmt"
	"os"
	"path/filepath"

	"go.podman.io/storage/pkg/unshare"
)

// StoreInfo describes the storage for `podunit info`.
type StoreInfo struct {
	ConfigFile   string
	GraphOptions []string
	ImageCount   int
}

// Info reports the storage's configuration and how many images it holds.
func (s *Store) Info() (StoreInfo, error) {
	if err := s.open(); err != nil {
		return StoreInfo{}, err
	}
	imgs, err := s.store.Images()
	if err != nil {
		return StoreInfo{}, fmt.Errorf("listing images: %w", err)
	}
	return StoreInfo{ConfigFile: storageConfFile(), GraphOptions: s.store.GraphOptions(), ImageCount: len(imgs)}, nil
}

// storageConfFile is the storage.conf that storage reads: $CONTAINERS_STORAGE_CONF,
// else the user's own when not root, else the system's.
func storageConfFile() string {
	if p := os.Getenv("CONTAINERS_STORAGE_CONF"); p != "" {
		return p
	}
	if unshare.GetRootlessUID() != 0 { // the user outside a rootless podunit's namespace too
		if dir, err := os.UserConfigDir(); err == nil {
			return filepath.Join(dir, "containers", "storage.conf")
		}
	}
	return "/etc/containers/storage.conf"
}
