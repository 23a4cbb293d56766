package e2e

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// loopbackDNS is the host's name server in TestRootlessUnderSystemd's
// boot: on loopback, as systemd-resolved's 127.0.0.53 is, which a
// container cannot reach itself. (Not 127.0.0.53: a CI machine's
// systemd-resolved may hold it.)
const loopbackDNS = "127.83.5.3"

// probeAnswer is what loopbackDNS says every name's IPv4 address is (a
// documentation address: nothing is ever sent to it).
const probeAnswer = "192.0.2.77"

// loopbackResolv is a resolv.conf naming only loopbackDNS, bound over the
// sandbox's /etc/resolv.conf (the boot shares the host's network
// namespace, where the test's resolver listens).
func loopbackResolv(t *testing.T, dir string) (bind string) {
	f := filepath.Join(dir, "loopback-resolv.conf")
	if err := os.WriteFile(f, []byte("nameserver "+loopbackDNS+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return f + ":/etc/resolv.conf"
}

// serveLoopbackDNS answers DNS over UDP on loopbackDNS:53 until the test
// ends: every A question with probeAnswer, others with no answer. It
// counts the questions.
func serveLoopbackDNS(t *testing.T) *atomic.Int32 {
	conn, err := net.ListenPacket("udp4", loopbackDNS+":53")
	if err != nil {
		t.Fatalf("a resolver on %s:53: %v", loopbackDNS, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	var asked atomic.Int32
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := conn.ReadFrom(buf)
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil {
				continue
			}
			if reply, ok := dnsReply(buf[:n]); ok {
				asked.Add(1)
				_, _ = conn.WriteTo(reply, from)
			}
		}
	}()
	return &asked
}

// dnsReply answers query: its A question with probeAnswer.
func dnsReply(query []byte) ([]byte, bool) {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil, false
	}
	q, err := p.Question()
	if err != nil {
		return nil, false
	}
	h.Response, h.RecursionAvailable, h.RCode = true, true, dnsmessage.RCodeSuccess
	b := dnsmessage.NewBuilder(nil, h)
	_ = b.StartQuestions()
	_ = b.Question(q)
	_ = b.StartAnswers()
	if q.Type == dnsmessage.TypeA {
		ip := net.ParseIP(probeAnswer).To4()
		_ = b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60},
			dnsmessage.AResource{A: [4]byte(ip)})
	}
	out, err := b.Finish()
	return out, err == nil
}

// checkPastaDNS: with only a loopback resolver on the host, a rootless
// container on pasta gets pasta's DNS forwarder as its name server (the
// host's loopback one left out) and resolves a name through it: pasta
// carries the query to the host's resolver.
func checkPastaDNS(t *testing.T, u *rootlessUser, asked *atomic.Int32) {
	defer logCost(t, "checkPastaDNS", time.Now())
	out := u.must("run", "--rm", "bb", "sh", "-c", "cat /etc/resolv.conf; echo ==; nslookup probe.test")
	resolv, lookup, _ := strings.Cut(out, "==\n")
	if resolv != "nameserver 169.254.1.1\n" {
		t.Errorf("a container on pasta, the host's resolver on loopback: resolv.conf %q, want only pasta's forwarder", resolv)
	}
	if !strings.Contains(lookup, probeAnswer) || asked.Load() == 0 {
		t.Errorf("nslookup through pasta's forwarder (%d questions reached the host's resolver):\n%s", asked.Load(), lookup)
	}
}
