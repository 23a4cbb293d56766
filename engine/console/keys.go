package console

import (
	"fmt"
	"strings"

	"github.com/podunit/podunit/engine/errdefs"
)

// DefaultDetachKeys is Podman's (and Docker's) default.
const DefaultDetachKeys = "ctrl-p,ctrl-q"

// ParseDetachKeys reads a detach sequence as Podman writes it: keys
// separated by commas, each a single character or ctrl-X with X one of
// a-z @ [ \ ] ^ _. An empty string means no detaching.
func ParseDetachKeys(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	var seq []byte
	for _, key := range strings.Split(s, ",") {
		b, ok := keyByte(key)
		if !ok {
			return nil, fmt.Errorf("%q: %q is not a character or ctrl-KEY (KEY: a-z @ [ \\ ] ^ _): %w",
				s, key, errdefs.ErrInvalidArgument)
		}
		seq = append(seq, b)
	}
	return seq, nil
}

func keyByte(key string) (byte, bool) {
	if len(key) == 1 {
		return key[0], true
	}
	rest, ok := strings.CutPrefix(strings.ToLower(key), "ctrl-")
	if !ok || len(rest) != 1 {
		return 0, false
	}
	switch c := rest[0]; {
	case c >= 'a' && c <= 'z':
		return c - 'a' + 1, true
	case c == '@':
		return 0, true
	case c >= '[' && c <= '_':
		return c - '[' + 27, true
	}
	return 0, false
}

// detacher watches typed input for the detach sequence. Bytes that might
// start it are held back until the sequence is complete (detach) or broken
// (they are passed on with what broke it).
type detacher struct {
	seq  []byte
	held int // how many bytes of seq the input ended with
}

// feed returns what to pass on of p, and whether the sequence completed.
func (d *detacher) feed(p []byte) (pass []byte, detach bool) {
	if len(d.seq) == 0 {
		return p, false
	}
	for _, b := range p {
		if b == d.seq[d.held] {
			d.held++
			if d.held == len(d.seq) {
				return pass, true
			}
			continue
		}
		pass = append(pass, d.seq[:d.held]...)
		d.held = 0
		if b == d.seq[0] {
			d.held = 1
			continue
		}
		pass = append(pass, b)
	}
	return pass, false
}
