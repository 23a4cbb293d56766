// Package early, imported for its side effect, advises the heap of the
// command that imports it for huge pages while its packages initialize
// (hugeheap.Early): before the heaviest of them allocate, as its import path
// sorts before theirs.
package early

import "github.com/podunit/podunit/internal/hugeheap"

func init() { hugeheap.Early() }
