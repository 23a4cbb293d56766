package image

import (
	"strings"
	"testing"

	"go.podman.io/image/v5/docker/reference"
)

// checkRef holds parseNormalized and parseRef to what docker/reference's
// ParseNormalizedNamed and Parse make of s: the same error, or the same
// domain, path, tag and digest.
func checkRef(t *testing.T, s string) {
	t.Helper()
	compare := func(fn string, got ref, gotErr error, want reference.Named, wantErr error) {
		t.Helper()
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("%s(%q): error %v, docker/reference's %v", fn, s, gotErr, wantErr)
		}
		if wantErr != nil {
			return
		}
		var tag, dig string
		if tg, ok := want.(reference.Tagged); ok {
			tag = tg.Tag()
		}
		if d, ok := want.(reference.Digested); ok {
			dig = d.Digest().String()
		}
		if got.domain != reference.Domain(want) || got.path != reference.Path(want) || got.tag != tag ||
			string(got.digest) != dig || got.String() != want.String() || got.Name() != want.Name() {
			t.Fatalf("%s(%q) = %+v (%s), docker/reference's %q %q %q %q (%s)", fn, s, got, got,
				reference.Domain(want), reference.Path(want), tag, dig, want)
		}
	}
	want, wantErr := reference.ParseNormalizedNamed(s)
	got, gotErr := parseNormalized(s)
	compare("parseNormalized", got, gotErr, want, wantErr)

	any, anyErr := reference.Parse(s)
	named, isNamed := any.(reference.Named)
	if anyErr == nil && !isNamed {
		t.Fatalf("Parse(%q) made %T, no name", s, any) // only a name-less digest is, and the grammar needs a name
	}
	got, gotErr = parseRef(s)
	compare("parseRef", got, gotErr, named, anyErr)
}

var refSeeds = []string{
	"", "bb", "bb:1", "localhost/bb", "localhost/bb:latest", "docker.io/busybox", "index.docker.io/busybox",
	"docker.io/library/busybox:1.36", "quay.io/a/b/c:v2", "localhost:5000/x", "localhost:5000/x:y", "localhost:5000",
	"Foo.com/bar", "foo_bar.com/x", "a-b.c/d", "a..b/c", "-a.b/c", "a.b-/c", "[::1]/x", "host:/x", "host:abc/x",
	"a/b__c", "a/b___c", "a/b---c", "a/b.-c", "a/b._c", "a/.b", "a/b.", "a//b", "a/", "/a", "A", "a/B", "aB/c", "ÿ/a",
	"bb:" + strings.Repeat("t", 128), "bb:" + strings.Repeat("t", 129), "bb:.x", "bb:-x", "bb:_x", "bb:", "bb:a:b",
	"bb@sha256:" + strings.Repeat("a", 64), "bb:1@sha256:" + strings.Repeat("b", 64), "bb@sha256:" + strings.Repeat("A", 64),
	"bb@sha256:" + strings.Repeat("a", 40), "bb@sha512:" + strings.Repeat("c", 128), "bb@md5:" + strings.Repeat("d", 32),
	"bb@a+b.c-d_e:" + strings.Repeat("e", 32), "bb@1a:" + strings.Repeat("e", 32), "bb@sha256", "bb@", "@sha256:" + strings.Repeat("a", 64),
	strings.Repeat("a", 64), strings.Repeat("A", 64), "localhost/" + strings.Repeat("a", 246), "localhost/" + strings.Repeat("a", 245),
	"a@b@c", "a b", "a\n", "docker.io/Library/x", "docker.io/x:Tag", "LOCALHOST/x",
}

func TestReferenceGrammar(t *testing.T) {
	for _, s := range refSeeds {
		checkRef(t, s)
	}
}

// FuzzReference: podunit's own reference parser and docker/reference agree
// on every input, errors included.
func FuzzReference(f *testing.F) {
	for _, s := range refSeeds {
		f.Add(s)
	}
	f.Fuzz(checkRef)
}
