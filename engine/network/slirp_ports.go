package network

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"time"
)

// hostfwd is one add_hostfwd request of slirp4netns's API socket.
type hostfwd struct {
	Execute   string      `json:"execute"`
	Arguments hostfwdArgs `json:"arguments"`
}

type hostfwdArgs struct {
	Proto     string `json:"proto"`
	HostAddr  string `json:"host_addr"`
	HostPort  uint16 `json:"host_port"`
	GuestAddr string `json:"guest_addr"`
	GuestPort uint16 `json:"guest_port"`
}

// hostfwds are the requests publishing ports to guest, the container's
// address on tap0: a host address "" is every one (0.0.0.0).
func hostfwds(guest string, ports []PortMapping) []hostfwd {
	var out []hostfwd
	for _, m := range ports {
		addr := m.HostIP
		if addr == "" {
			addr = "0.0.0.0"
		}
		proto := m.Protocol
		if proto == "" {
			proto = "tcp"
		}
		out = append(out, hostfwd{Execute: "add_hostfwd", Arguments: hostfwdArgs{Proto: proto, HostAddr: addr,
			HostPort: m.HostPort, GuestAddr: guest, GuestPort: m.ContainerPort}})
	}
	return out
}

// publish asks the slirp4netns listening on socket name in dir to forward
// ports, one request per connection, as its API takes them. The socket is
// reached through an fd of dir, so its path stays short.
func publish(ctx context.Context, dir, name, guest string, ports []PortMapping) error {
	if len(ports) == 0 {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	socket := fmt.Sprintf("/proc/self/fd/%d/%s", d.Fd(), name)
	for _, req := range hostfwds(guest, ports) {
		if err := slirpRequest(ctx, socket, req); err != nil {
			a := req.Arguments
			return fmt.Errorf("slirp4netns: publishing %s:%d/%s: %w", a.HostAddr, a.HostPort, a.Proto, err)
		}
	}
	return nil
}

func slirpRequest(ctx context.Context, socket string, req hostfwd) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		return err
	}
	if uc, ok := conn.(*net.UnixConn); ok {
		_ = uc.CloseWrite()
	}
	var resp struct {
		Error *struct {
			Desc string `json:"desc"`
		} `json:"error"`
	}
	if err := json.NewDecoder(bufio.NewReader(conn)).Decode(&resp); err != nil {
		return fmt.Errorf("reading its answer: %w", err)
	}
	if resp.Error != nil {
		return fmt.Errorf("%s", resp.Error.Desc)
	}
	return nil
}
