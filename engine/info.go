package engine

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// Info is `podunit info`: Podman's host, store and registries sections,
// with Podman's JSON keys.
type Info struct {
	Host       HostInfo       `json:"host"`
	Store      StoreInfo      `json:"store"`
	Registries map[string]any `json:"registries"`
}

// HostInfo describes the machine and the runtime.
type HostInfo struct {
	Arch            string            `json:"arch"`
	CgroupManager   string            `json:"cgroupManager"`
	CgroupsVersion  string            `json:"cgroupVersion"`
	CPUs            int               `json:"cpus"`
	DatabaseBackend string            `json:"databaseBackend"`
	Distribution    map[string]string `json:"distribution"`
	EventLogger     string            `json:"eventLogger"`
	Hostname        string            `json:"hostname"`
	Kernel          string            `json:"kernel"`
	LogDriver       string            `json:"logDriver"`
	MemFree         int64             `json:"memFree"`
	MemTotal        int64             `json:"memTotal"`
	NetworkBackend  string            `json:"networkBackend"`
	OCIRuntime      RuntimeInfo       `json:"ociRuntime"`
	OS              string            `json:"os"`
	Security        map[string]any    `json:"security"`
	SwapFree        int64             `json:"swapFree"`
	SwapTotal       int64             `json:"swapTotal"`
	Uptime          string            `json:"uptime"`
	Linkmode        string            `json:"linkmode"`
}

// RuntimeInfo names the OCI runtime.
type RuntimeInfo struct {
	Name    string `json:"name"`
	Package string `json:"package"`
	Path    string `json:"path"`
	Version string `json:"version"`
}

// StoreInfo describes the storage and what it holds.
type StoreInfo struct {
	ConfigFile      string         `json:"configFile"`
	ContainerStore  ContainerCount `json:"containerStore"`
	GraphDriverName string         `json:"graphDriverName"`
	GraphOptions    map[string]any `json:"graphOptions"`
	GraphRoot       string         `json:"graphRoot"`
	ImageStore      map[string]int `json:"imageStore"`
	RunRoot         string         `json:"runRoot"`
	VolumePath      string         `json:"volumePath"`
}

// ContainerCount counts containers by state.
type ContainerCount struct {
	Number  int `json:"number"`
	Paused  int `json:"paused"`
	Running int `json:"running"`
	Stopped int `json:"stopped"`
}

// Info gathers what `podunit info` shows.
func (e *Engine) Info(ctx context.Context) (*Info, error) {
	host, err := e.hostInfo(ctx)
	if err != nil {
		return nil, err
	}
	st, err := e.storeInfo(ctx)
	if err != nil {
		return nil, err
	}
	search, err := e.images.SearchRegistries(image.RegistryOptions{})
	if err != nil {
		return nil, err
	}
	return &Info{Host: *host, Store: *st, Registries: map[string]any{"search": nonNilStrings(search)}}, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (e *Engine) hostInfo(ctx context.Context) (*HostInfo, error) {
	var uts unix.Utsname
	var si unix.Sysinfo_t
	if err := unix.Uname(&uts); err != nil {
		return nil, fmt.Errorf("uname: %w", err)
	}
	if err := unix.Sysinfo(&si); err != nil {
		return nil, fmt.Errorf("sysinfo: %w", err)
	}
	unit := int64(si.Unit)
	h := &HostInfo{Arch: runtime.GOARCH, OS: runtime.GOOS, CgroupManager: "systemd", CgroupsVersion: cgroupVersion(),
		CPUs: runtime.NumCPU(), DatabaseBackend: "sqlite", Distribution: distribution("/etc/os-release"),
		EventLogger: "journald", Kernel: unix.ByteSliceToString(uts.Release[:]), LogDriver: "journald",
		MemFree: int64(si.Freeram) * unit, MemTotal: int64(si.Totalram) * unit, NetworkBackend: "netavark",
		SwapFree: int64(si.Freeswap) * unit, SwapTotal: int64(si.Totalswap) * unit,
		Uptime: uptimeText(time.Duration(si.Uptime) * time.Second), Linkmode: "static",
		Security: map[string]any{"rootless": os.Geteuid() != 0 || e.cfg.Rootless.On, "seccompEnabled": true}}
	h.Hostname, _ = os.Hostname()
	rt, err := e.runtimeFor("")
	if err != nil {
		return nil, err
	}
	h.OCIRuntime = RuntimeInfo{Name: rt.Name, Path: rt.Path}
	h.OCIRuntime.Version, _ = rt.Version(ctx)
	return h, nil
}

// cgroupVersion is "v2" on a unified hierarchy, else "v1".
func cgroupVersion() string {
	var st unix.Statfs_t
	if unix.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
		return "v2"
	}
	return "v1"
}

// distribution reads os-release's ID, VERSION_ID and VERSION_CODENAME.
func distribution(path string) map[string]string {
	d := map[string]string{"distribution": "unknown", "version": "unknown"}
	f, err := os.Open(path)
	if err != nil {
		return d
	}
	defer f.Close()
	keys := map[string]string{"ID": "distribution", "VERSION_ID": "version", "VERSION_CODENAME": "codename"}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if name, known := keys[k]; ok && known {
			d[name] = strings.Trim(v, `"'`)
		}
	}
	return d
}

// uptimeText is Podman's form: "218h 49m 33s (Approximately 9.08 days)".
func uptimeText(d time.Duration) string {
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	return fmt.Sprintf("%dh %dm %ds (Approximately %.2f days)", h, m, s, d.Hours()/24)
}

func (e *Engine) storeInfo(ctx context.Context) (*StoreInfo, error) {
	si, err := e.images.Info()
	if err != nil {
		return nil, err
	}
	all, err := e.Containers(ctx)
	if err != nil {
		return nil, err
	}
	count := ContainerCount{Number: len(all)}
	for _, c := range all {
		switch c.State.Status {
		case model.Running:
			count.Running++
		case model.Exited, model.Created:
			count.Stopped++
		}
	}
	opts := map[string]any{}
	for _, o := range si.GraphOptions {
		k, v, _ := strings.Cut(o, "=")
		opts[k] = v
	}
	return &StoreInfo{ConfigFile: si.ConfigFile, ContainerStore: count, GraphDriverName: e.images.Driver(),
		GraphOptions: opts, GraphRoot: e.cfg.StorageRoot, ImageStore: map[string]int{"number": si.ImageCount},
		RunRoot: e.cfg.StorageRunRoot, VolumePath: filepath.Join(e.cfg.StorageRoot, "podunit", "volumes")}, nil
}
