package network

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDNSKeeper(t *testing.T) {
	m := NewManager(t.TempDir(), t.TempDir())
	n := Network{Name: "app", DNSEnabled: true}
	file := m.dnsFile("app")
	if err := m.keepDNS(n); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("keepDNS made a file netavark had not: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	ctr := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef 10.89.1.2  web,0123456789ab\n"
	if err := os.WriteFile(file, []byte("10.89.1.1\n"+ctr), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second finds the line there
		if err := m.keepDNS(n); err != nil {
			t.Fatal(err)
		}
	}
	want := "10.89.1.1\n" + ctr + dnsKeeperLine + "\n"
	if got, _ := os.ReadFile(file); string(got) != want {
		t.Fatalf("after keepDNS:\n%q\nwant\n%q", got, want)
	}
	if err := m.keepDNS(Network{Name: "app"}); err != nil {
		t.Fatal(err)
	}
	if err := m.dropDNSNotify(n); err != nil { // no aardvark-dns runs: nothing to tell
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(file); string(got) != "10.89.1.1\n"+ctr {
		t.Fatalf("after dropDNSNotify with a container left: %q", got)
	}
	if err := os.WriteFile(file, []byte("10.89.1.1\n"+dnsKeeperLine+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := m.dropDNSNotify(n); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("dropDNSNotify left the file without containers: %v", err)
	}
	if err := m.dropDNSNotify(n); err != nil {
		t.Fatalf("dropDNSNotify without a file: %v", err)
	}
}
