package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strconv"
	"strings"

	"github.com/podunit/podunit/engine/systemd"
)

// aardvarkScope is the unit this engine's aardvark-dns is moved into (one
// per run root: each has its own aardvark-dns). netavark starts
// aardvark-dns from whichever process sets up the first container on a
// DNS network: a container's unit, a pod's, or a user's session. Left
// there, it would die with that unit (KillMode=mixed kills what remains of
// its cgroup) while other containers still need it.
func (e *Engine) aardvarkScope() string {
	sum := sha256.Sum256([]byte(e.runDir))
	return "podunit-aardvark-dns-" + hex.EncodeToString(sum[:4]) + ".scope"
}

// adoptAardvark moves a running aardvark-dns into its own scope, once.
// Best effort: without systemd, aardvark-dns stays where it is.
func (e *Engine) adoptAardvark(ctx context.Context) {
	pid := e.networks().AardvarkPID()
	if pid == 0 || !systemd.Available() {
		return
	}
	scope := e.aardvarkScope()
	cg, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	if err != nil || strings.Contains(string(cg), "/"+scope+"\n") {
		return
	}
	conn, err := systemd.Connect(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	_ = conn.StartTransient(ctx, systemd.Transient{Name: scope, Description: "aardvark-dns of podunit's networks",
		CollectMode: "inactive-or-failed", Properties: []systemd.Property{{Name: "PIDs", Value: []uint32{uint32(pid)}}}})
}
