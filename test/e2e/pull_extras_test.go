package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podunit/podunit/generator"
	"github.com/podunit/podunit/generator/unitfile"
	"github.com/podunit/podunit/test/testimage"
)

// TestPullExtrasOnHost pulls from an in-process registry on 127.0.0.1 with
// pull's platform, retry and --all-tags flags, and runs the ExecStart= the
// generator makes of .image files with Arch=, OS=, Variant=, AllTags=,
// Retry=, RetryDelay= and CertDir=: each key reaches the pulled image.
func TestPullExtrasOnHost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	r := newRegistrySetup(t, e.dir)
	multi := r.host + "/podunit/multi:1"
	ids := testimage.PushIndex(t, multi, testimage.Config{},
		testimage.Platform{OS: "linux", Arch: "amd64"}, testimage.Platform{OS: "linux", Arch: "arm64", Variant: "v8"},
		testimage.Platform{OS: "linux", Arch: "arm", Variant: "v7"})
	t.Run("--arch --os --variant choose from an index", func(t *testing.T) {
		e := e.on(t)
		res := r.mustReg(e, "pull", "-q", "--signature-policy", r.accept, "--os", "linux", "--arch", "arm", "--variant", "v7", multi)
		if res.out != ids[2]+"\n" {
			t.Errorf("pull --arch arm --variant v7 printed %q, want %s", res.out, ids[2])
		}
	})
	t.Run("--all-tags", func(t *testing.T) {
		e := e.on(t)
		a := testimage.PushImage(t, r.host+"/podunit/tags:a", testimage.Config{Labels: map[string]string{"t": "a"}})
		b := testimage.PushImage(t, r.host+"/podunit/tags:b", testimage.Config{Labels: map[string]string{"t": "b"}})
		res := r.mustReg(e, "pull", "-q", "--all-tags", "--signature-policy", r.accept, r.host+"/podunit/tags")
		if res.out != a+"\n"+b+"\n" {
			t.Errorf("pull --all-tags printed %q, want %s and %s", res.out, a, b)
		}
		r.failReg(e, []string{"pull", "--all-tags", r.host + "/podunit/tags:a"}, "without a tag")
	})
	t.Run("--retry retries", func(t *testing.T) {
		e := e.on(t)
		closed := closedAddr(t)
		res := r.runReg(e, "pull", "--retry", "2", "--retry-delay", "10ms", "--tls-verify=false",
			"--signature-policy", r.accept, closed+"/podunit/bb:1")
		if res.code != 125 || strings.Count(res.err, "retrying in 10ms") != 2 {
			t.Errorf("pull --retry 2 from a closed port: exit %d, want 125 after two retries:\n%s", res.code, res.err)
		}
		r.failReg(e, []string{"pull", "--retry-delay", "soon", multi}, "--retry-delay")
	})
	t.Run("--cert-dir trusts a registry's certificate", func(t *testing.T) {
		e := e.on(t)
		plain, secure, cert := testimage.StartTLSRegistry(t)
		id := testimage.PushImage(t, plain+"/podunit/tls:1", testimage.Config{Labels: map[string]string{"tls": "yes"}})
		certs := filepath.Join(e.dir, "certs.d", secure)
		if err := os.MkdirAll(certs, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(certs, "ca.crt"), cert, 0o644); err != nil {
			t.Fatal(err)
		}
		r.failReg(e, []string{"pull", "--signature-policy", r.accept, secure + "/podunit/tls:1"}, "certificate")
		res := r.mustReg(e, "pull", "-q", "--cert-dir", certs, "--signature-policy", r.accept, secure+"/podunit/tls:1")
		if res.out != id+"\n" {
			t.Errorf("pull --cert-dir printed %q, want %s", res.out, id)
		}
	})
	t.Run(".image keys through the generator", func(t *testing.T) {
		checkImageUnitPulls(t, e.on(t), r, multi, ids[1])
	})
}

// checkImageUnitPulls generates the unit of an .image file and runs its
// ExecStart= argv: the image pulled must be the platform the keys chose.
func checkImageUnitPulls(t *testing.T, e *env, r registrySetup, ref, want string) {
	src := filepath.Join(e.dir, "quadlet")
	if err := os.MkdirAll(filepath.Join(src, "certs"), 0o755); err != nil {
		t.Fatal(err)
	}
	text := "[Image]\nImage=" + ref + "\nArch=arm64\nOS=linux\nVariant=v8\nRetry=1\nRetryDelay=1s\n" +
		"CertDir=" + filepath.Join(src, "certs") + "\nTLSVerify=false\nAllTags=false\n" +
		"PodmanArgs=--signature-policy " + r.accept + "\n"
	if err := os.WriteFile(filepath.Join(src, "multi.image"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := generator.Generate(generator.Config{Dirs: []string{src}, Binary: e.bin})
	if err != nil || len(res.Errors) > 0 || len(res.Units) != 1 {
		t.Fatalf("generating multi.image: %v %v", err, res.Errors)
	}
	unit, err := unitfile.Parse("multi-image.service", res.Units[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	exec, _ := unit.Section("Service").Lookup("ExecStart")
	argv, _, err := unitfile.SplitWordsRelaxed(exec.Value)
	if err != nil || len(argv) < 2 {
		t.Fatalf("ExecStart=%s: %v", exec.Value, err)
	}
	for _, flag := range []string{"--arch", "--os", "--variant", "--retry", "--retry-delay", "--cert-dir"} {
		if !strings.Contains(exec.Value, flag+" ") {
			t.Errorf("ExecStart= lacks %s: %s", flag, exec.Value)
		}
	}
	out := r.mustReg(e, argv[1:]...)
	if !strings.HasSuffix(out.out, want+"\n") {
		t.Errorf("the unit's pull printed %q, want the arm64/v8 image %s", out.out, want)
	}
}
