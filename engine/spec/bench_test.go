package spec

import (
	"encoding/json"
	"testing"
)

// BenchmarkGenerate is what every container start pays for its config.json:
// the spec (default seccomp profile included) and its JSON.
func BenchmarkGenerate(b *testing.B) {
	in := testInput(b)
	for b.Loop() {
		s, err := Generate(in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(s); err != nil {
			b.Fatal(err)
		}
	}
}
