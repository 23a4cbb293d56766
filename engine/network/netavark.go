package network

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"go.podman.io/common/libnetwork/types"

	"github.com/podunit/podunit/engine/errdefs"
)

// HelperDirs are where netavark and aardvark-dns are looked for (Debian's
// package first), as containers.conf's helper_binaries_dir.
var HelperDirs = []string{"/usr/lib/podman", "/usr/libexec/podman", "/usr/local/libexec/podman", "/usr/local/lib/podman"}

// FindHelper is the path of a helper binary; "" when it is nowhere.
func FindHelper(name string) string {
	for _, d := range HelperDirs {
		if p := filepath.Join(d, name); isExec(p) {
			return p
		}
	}
	p, _ := exec.LookPath(name)
	return p
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}

// Endpoint is one network an owner joins, with what was asked for on it.
type Endpoint struct {
	Network string
	IfName  string   // eth0, eth1, … in the order joined
	Aliases []string // names aardvark-dns answers for it besides the owner's
	IPs     []net.IP // static addresses asked for (--ip, --ip6)
	MAC     string   // --mac-address
}

// Attachment is one owner (a container or a pod) on its networks.
type Attachment struct {
	ID, Name  string
	NetNS     string // the pinned namespace's path; "" when it is gone
	Ports     []PortMapping
	Endpoints []Endpoint
}

// netavark 1.4's stdin: the networks are a map keyed by name (newer
// netavark, and so common v0.69.0's driver, send a list).
type netavarkOpts struct {
	ContainerID   string                    `json:"container_id"`
	ContainerName string                    `json:"container_name"`
	PortMappings  []types.PortMapping       `json:"port_mappings,omitempty"`
	Networks      map[string]perNetwork     `json:"networks"`
	NetworkInfo   map[string]*types.Network `json:"network_info"`
}

type perNetwork struct {
	Aliases       []string           `json:"aliases,omitempty"`
	InterfaceName string             `json:"interface_name"`
	StaticIPs     []net.IP           `json:"static_ips,omitempty"`
	StaticMAC     types.HardwareAddr `json:"static_mac,omitempty"`
}

// netavarkError is what netavark prints on stdout when it fails.
type netavarkError struct {
	Error string `json:"error"`
}

// run runs `netavark VERB NETNS` with opts on stdin and decodes its stdout
// into result. A teardown's DNS part is podunit's (forgetDNS, aardvark.go).
func (m *Manager) run(ctx context.Context, verb, netns string, opts *netavarkOpts, result any) error {
	if verb == "teardown" {
		var err error
		if opts, err = m.forgetDNS(opts.ContainerID, opts); err != nil {
			return err
		}
	}
	return m.netavark(ctx, verb, netns, opts, result)
}

func (m *Manager) netavark(ctx context.Context, verb, netns string, opts *netavarkOpts, result any) error {
	bin, aardvark := m.Netavark, m.Aardvark
	if bin == "" {
		bin = FindHelper("netavark")
	}
	if aardvark == "" {
		aardvark = FindHelper("aardvark-dns")
	}
	if bin == "" {
		return fmt.Errorf("netavark not found in %s: install the netavark package: %w", strings.Join(HelperDirs, ", "), errdefs.ErrNotFound)
	}
	in, err := json.Marshal(opts)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, "--config", m.RunDir, "--rootless=false", "--aardvark-binary="+aardvark, verb, netns)
	var out, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(in), &out, &stderr
	cmd.Env = append(os.Environ(), "RUST_LOG=netavark=warn")
	// aardvark-dns, started by the first setup on a DNS network, outlives
	// this command: keep it out of our process group and session. netavark
	// itself dies with us: left running after a kill, it would go on
	// changing the bridge and rules beside the re-run that finishes the job
	// (the lock died with us). The death signal comes when the thread that
	// started it ends: keep this goroutine on its thread meanwhile.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Run(); err != nil {
		var ne netavarkError
		if json.Unmarshal(out.Bytes(), &ne) == nil && ne.Error != "" {
			return fmt.Errorf("netavark %s: %s", verb, ne.Error)
		}
		return fmt.Errorf("netavark %s: %w: %s", verb, err, strings.TrimSpace(stderr.String()))
	}
	if result != nil {
		if err := json.Unmarshal(out.Bytes(), result); err != nil {
			return fmt.Errorf("netavark %s: reading its result: %w", verb, err)
		}
	}
	return nil
}

// lock serialises netavark runs of this engine (aardvark-dns's files and
// the leases are shared among them).
func (m *Manager) lock() (func(), error) {
	if err := os.MkdirAll(m.RunDir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(m.RunDir, "netavark.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// options builds netavark's stdin for a, with each endpoint's addresses.
func (m *Manager) options(a Attachment, ips map[string][]net.IP) (*netavarkOpts, error) {
	o := &netavarkOpts{ContainerID: a.ID, ContainerName: a.Name,
		Networks: map[string]perNetwork{}, NetworkInfo: map[string]*types.Network{}}
	for _, p := range a.Ports {
		o.PortMappings = append(o.PortMappings, types.PortMapping{HostIP: p.HostIP, HostPort: p.HostPort,
			ContainerPort: p.ContainerPort, Protocol: p.Protocol, Range: 1})
	}
	for _, e := range a.Endpoints {
		n, err := m.Get(e.Network)
		if err != nil {
			return nil, err
		}
		pn := perNetwork{InterfaceName: e.IfName, StaticIPs: ips[n.Name]}
		if n.DNSEnabled { // netavark adds the owner's name itself; Podman adds the short ID
			pn.Aliases = append([]string{a.ID[:min(12, len(a.ID))]}, e.Aliases...)
		}
		if e.MAC != "" {
			mac, err := net.ParseMAC(e.MAC)
			if err != nil {
				return nil, fmt.Errorf("--mac-address %q: %w", e.MAC, errdefs.ErrInvalidArgument)
			}
			pn.StaticMAC = types.HardwareAddr(mac)
		}
		o.Networks[n.Name], o.NetworkInfo[n.Name] = pn, &n
	}
	return o, nil
}

// Attach allocates a's addresses and runs one `netavark setup` on its
// namespace for all its endpoints; it returns netavark's result by
// network. On failure what was set up is taken down and released again.
func (m *Manager) Attach(ctx context.Context, a Attachment) (map[string]Status, error) {
	unlock, err := m.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	ips := map[string][]net.IP{}
	release := func() {
		for _, e := range a.Endpoints {
			_ = m.Release(e.Network, a.ID)
		}
	}
	for _, e := range a.Endpoints {
		n, err := m.Get(e.Network)
		if err == nil {
			err = ensureInternal(n)
		}
		if err == nil {
			ips[n.Name], err = m.Allocate(n, a.ID, e.IPs)
		}
		if err != nil {
			release()
			return nil, err
		}
	}
	o, err := m.options(a, ips)
	if err != nil {
		release()
		return nil, err
	}
	res := map[string]Status{}
	err = m.run(ctx, "setup", a.NetNS, o, &res)
	if err == nil {
		err = setRoutes(ctx, a.NetNS, o)
	}
	if err != nil {
		_ = m.run(context.WithoutCancel(ctx), "teardown", a.NetNS, o, nil)
		release()
		return nil, err
	}
	// Best effort: without its keeper a bridge is only taken down and made
	// again at each run, as netavark does by itself.
	_ = m.keepBridges(a)
	return res, m.updateStatus(a.ID, res, nil)
}

// Detach runs one `netavark teardown` for a's endpoints with the
// addresses it holds and releases them. A namespace that is gone (NetNS
// "") still has its host side (rules, DNS entries) taken down, in an
// empty namespace; detaching what is not attached is no error: a re-run
// finishes the job.
func (m *Manager) Detach(ctx context.Context, a Attachment) error {
	unlock, err := m.lock()
	if err != nil {
		return err
	}
	defer unlock()
	ips, live, st := map[string][]net.IP{}, a.Endpoints[:0:0], m.Status(a.ID)
	for _, e := range a.Endpoints {
		for name := range st[e.Network].Interfaces {
			e.IfName = name // the interface it got, whatever came and went since
		}
		if _, err := m.Get(e.Network); errdefs.IsNotFound(err) {
			continue // removed with -f after its users
		} else if err != nil {
			return err
		}
		if held := m.Leases(e.Network, a.ID); len(held) > 0 {
			ips[e.Network], live = held, append(live, e)
		}
	}
	if len(live) == 0 {
		return nil
	}
	a.Endpoints = live
	o, err := m.options(a, ips)
	if err != nil {
		return err
	}
	if err := m.teardown(ctx, a.NetNS, o); err != nil && !onlyGone(err) {
		return err
	}
	var errs []error
	var names []string
	for _, e := range live {
		errs = append(errs, m.Release(e.Network, a.ID))
		names = append(names, e.Network)
	}
	errs = append(errs, m.updateStatus(a.ID, nil, names))
	return errors.Join(errs...)
}

// teardown runs netavark teardown on netns, or, when it is gone, on an
// empty namespace made for the purpose (netavark needs one to open).
func (m *Manager) teardown(ctx context.Context, netns string, o *netavarkOpts) error {
	if netns != "" {
		return m.run(ctx, "teardown", netns, o, nil)
	}
	dir, err := os.MkdirTemp(m.RunDir, "gone-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	pin, err := Pin(filepath.Join(dir, "ns"), []string{Net}, "")
	if err != nil {
		return err
	}
	defer func() { _ = Unpin(pin.Dir) }()
	// the interfaces went with the namespace: only the host side is left,
	// and netavark reports the missing ones as errors
	_ = m.run(ctx, "teardown", pin.Path(Net), o, nil)
	return nil
}

// Status is netavark's result for one network: interfaces and addresses.
type Status = types.StatusBlock

// Interface is one interface of a Status.
type Interface = types.NetInterface

// Addresses are the addresses of res on network name, IPv4 first.
func Addresses(res map[string]Status, name string) []string {
	var v4, v6 []string
	for _, iface := range res[name].Interfaces {
		for _, s := range iface.Subnets {
			if s.IPNet.IP.To4() != nil {
				v4 = append(v4, s.IPNet.IP.String())
			} else {
				v6 = append(v6, s.IPNet.IP.String())
			}
		}
	}
	return append(v4, v6...)
}

// Reload runs netavark teardown and setup again for a, with the addresses
// it holds, to restore its firewall rules (after a firewall flush) and
// DNS entries.
func (m *Manager) Reload(ctx context.Context, a Attachment) error {
	unlock, err := m.lock()
	if err != nil {
		return err
	}
	defer unlock()
	ips, st := map[string][]net.IP{}, m.Status(a.ID)
	for i, e := range a.Endpoints {
		for name, iface := range st[e.Network].Interfaces {
			a.Endpoints[i].IfName = name
			if e.MAC == "" && len(iface.MacAddress) > 0 {
				// the same MAC: the host's neighbour entries stay right
				a.Endpoints[i].MAC = iface.MacAddress.String()
			}
		}
		ips[e.Network] = m.Leases(e.Network, a.ID)
		if n, err := m.Get(e.Network); err == nil {
			if err := ensureInternal(n); err != nil {
				return err
			}
		}
	}
	o, err := m.options(a, ips)
	if err != nil {
		return err
	}
	_ = m.run(ctx, "teardown", a.NetNS, o, nil) // what is left of the rules
	res := map[string]Status{}
	if err := m.run(ctx, "setup", a.NetNS, o, &res); err != nil {
		return err
	}
	if err := setRoutes(ctx, a.NetNS, o); err != nil {
		return err
	}
	return m.updateStatus(a.ID, res, nil)
}

// onlyGone reports whether a teardown failed only on what was never set
// up or is gone already (a crash between taking the addresses and setup):
// the interface, aardvark-dns's file. netavark goes on past those.
func onlyGone(err error) bool {
	msg := strings.TrimPrefix(err.Error(), "netavark teardown: ")
	msg = strings.TrimPrefix(msg, "netavark encountered multiple errors:")
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
		if line != "" && !strings.Contains(line, "No such device") && !strings.Contains(line, "No such file or directory") {
			return false
		}
	}
	return true
}
