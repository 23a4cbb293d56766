package engine

import (
	"os"
	"path/filepath"

	"github.com/podunit/podunit/engine/model"
)

// RuntimeFiles are the files of c's bundle that inspect names, each "" when
// it is not there (a container never started, or one whose /etc/hosts its
// image or a mount provides).
type RuntimeFiles struct {
	HostnamePath, HostsPath, ResolvConfPath, PidFile string
}

// ContainerFiles finds c's runtime files in its bundle.
func (e *Engine) ContainerFiles(c *model.Container) RuntimeFiles {
	bundle := e.bundleDir(c.ID)
	at := func(name string) string {
		p := filepath.Join(bundle, name)
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return p
	}
	return RuntimeFiles{HostnamePath: at("hostname"), HostsPath: at("hosts"), ResolvConfPath: at("resolv.conf"),
		PidFile: at("pidfile")}
}
