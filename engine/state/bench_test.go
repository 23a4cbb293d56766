package state

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"testing"

	"github.com/podunit/podunit/engine/model"
)

// BenchmarkOpen is what every CLI command pays: open an existing database
// (schema current) and close it.
func BenchmarkOpen(b *testing.B) {
	s, path := openTemp(b)
	s.Close()
	for b.Loop() {
		s, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkContainerGet resolves a container among 1000 by each kind of
// reference.
func BenchmarkContainerGet(b *testing.B) {
	s, _ := openTemp(b)
	for i := 0; i < 1000; i++ {
		if err := s.AddContainer(ctx, minimal(hashID(i), "c"+strconv.Itoa(i))); err != nil {
			b.Fatal(err)
		}
	}
	refs := map[string]string{"name": "c500", "id": hashID(500), "prefix": hashID(500)[:12]}
	for kind, ref := range refs {
		b.Run(kind, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Container(ctx, ref); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// hashID is a well-spread ID made from i.
func hashID(i int) string {
	h := sha256.Sum256([]byte(strconv.Itoa(i)))
	return hex.EncodeToString(h[:])
}

// BenchmarkContainers lists 1000 containers, as `ps -a` does: one query and
// a decode of every record.
func BenchmarkContainers(b *testing.B) {
	s, _ := openTemp(b)
	for i := 0; i < 1000; i++ {
		c := minimal(hashID(i), "c"+strconv.Itoa(i))
		c.Config.Cmd, c.Config.Env = []string{"sleep", "infinity"}, []string{"PATH=/usr/bin:/bin", "TERM=xterm"}
		c.Config.Labels = map[string]string{"app": "web", "tier": strconv.Itoa(i % 3)}
		if err := s.AddContainer(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		list, err := s.Containers(ctx)
		if err != nil || len(list) != 1000 {
			b.Fatal(len(list), err)
		}
	}
}

// BenchmarkUpdateContainer is one write transaction of a container's life
// (running, exited, removing): read, decode, change, encode, write.
func BenchmarkUpdateContainer(b *testing.B) {
	s, _ := openTemp(b)
	id := hashID(1)
	if err := s.AddContainer(ctx, minimal(id, "c")); err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		n++
		if _, err := s.UpdateContainer(ctx, id, func(c *model.Container) error {
			c.State.ExitCode = n
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}
