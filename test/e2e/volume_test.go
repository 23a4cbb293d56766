package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVolumeOnHostWithRunc runs named volumes, --mount and the volume
// verbs attached, without systemd, on the host.
func TestVolumeOnHostWithRunc(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	t.Run("data outlives the container", func(t *testing.T) { checkVolumeKeepsData(t, e) })
	t.Run("pre-filled from the image", func(t *testing.T) { checkVolumeCopyUp(t, e) })
	t.Run("in use", func(t *testing.T) { checkVolumeInUse(t, e) })
	t.Run("mount flag", func(t *testing.T) { checkMountFlag(t, e) })
	t.Run("tmpfs and bind volumes", func(t *testing.T) { checkVolumeTypes(t, e) })
	t.Run("ls inspect exists prune", func(t *testing.T) { checkVolumeVerbs(t, e) })
	t.Run("export and import", func(t *testing.T) { checkVolumeExportImport(t, e) })
	t.Run("bad input", func(t *testing.T) { checkVolumeBadInput(t, e) })
	t.Run("a removal cut short after its record", func(t *testing.T) { checkVolumeRemovalFinished(t, e) })
}

// volumeData is the host directory of a plain volume.
func volumeData(e *env, name string) string {
	return filepath.Join(e.dir, "root", "podunit", "volumes", name, "_data")
}

func checkVolumeKeepsData(t *testing.T, e *env) {
	e = e.on(t)
	// -v NAME:… creates the volume when it is missing, as Podman does.
	e.must("run", "--rm", "-v", "keep:/data", "bb", "sh", "-c", "echo hello > /data/f")
	if out := e.must("volume", "exists", "keep"); out != "" {
		t.Errorf("volume exists printed %q", out)
	}
	if got := e.must("run", "--rm", "-v", "keep:/d:ro", "bb", "cat", "/d/f"); got != "hello\n" {
		t.Fatalf("a new container reads %q, want hello", got)
	}
	if r := e.run("run", "--rm", "-v", "keep:/d:ro", "bb", "sh", "-c", "echo x > /d/g"); r.code == 0 {
		t.Error(":ro volume was writable")
	}
	b, err := os.ReadFile(filepath.Join(volumeData(e, "keep"), "f"))
	if err != nil || string(b) != "hello\n" {
		t.Errorf("volume's _data/f = %q, %v", b, err)
	}
	e.must("volume", "rm", "keep")
	if _, err := os.Stat(filepath.Dir(volumeData(e, "keep"))); !os.IsNotExist(err) {
		t.Errorf("volume rm left its directory: %v", err)
	}
}

func checkVolumeCopyUp(t *testing.T, e *env) {
	e = e.on(t)
	e.must("create", "--name", "cu", "-v", "etc:/etc", "bb", "true")
	// inspect shows a named volume as Podman does: Type volume, its Name, Source its _data.
	mount := e.field("cu", "{{range .Mounts}}{{.Type}} {{.Name}} {{.Source}} {{.Destination}}{{end}}")
	if want := "volume etc " + volumeData(e, "etc") + " /etc"; mount != want {
		t.Errorf("inspect Mounts: %q, want %q", mount, want)
	}
	want, err := os.ReadFile(filepath.Join(volumeData(e, "etc"), "passwd"))
	if err != nil || !strings.HasPrefix(string(want), "root:") {
		t.Fatalf("the volume was not filled from the image's /etc: %q, %v", want, err)
	}
	if got := e.must("run", "--rm", "-v", "etc:/mnt", "bb", "cat", "/mnt/passwd"); got != string(want) {
		t.Errorf("second container sees %q", got)
	}
	// Only the first use copies: a volume that has been used is left alone.
	os.Remove(filepath.Join(volumeData(e, "etc"), "group"))
	e.must("run", "--rm", "-v", "etc:/etc", "bb", "true")
	if _, err := os.Stat(filepath.Join(volumeData(e, "etc"), "group")); !os.IsNotExist(err) {
		t.Error("a used volume was copied into again")
	}
	e.must("run", "--rm", "-v", "empty:/etc:nocopy", "bb", "true")
	if ents, _ := os.ReadDir(volumeData(e, "empty")); len(ents) != 0 {
		t.Errorf("nocopy volume holds %d entries", len(ents))
	}
	e.must("rm", "cu")
	e.must("volume", "rm", "etc", "empty")
}

func checkVolumeInUse(t *testing.T, e *env) {
	e = e.on(t)
	e.must("volume", "create", "busy")
	e.must("create", "--name", "user1", "-v", "busy:/b", "bb", "true")
	r := e.run("volume", "rm", "busy")
	// podman-volume-rm(1): exit 2 when a volume is in use.
	if r.code != 2 || !strings.Contains(r.err, "Error: ") || !strings.Contains(r.err, "busy") || !strings.Contains(r.err, "user1") {
		t.Fatalf("volume rm in use: exit %d, stderr %q; want 2 naming busy and user1", r.code, r.err)
	}
	e.must("volume", "exists", "busy")
	if r := e.run("volume", "rm", "no-such-volume"); r.code != 1 || !strings.Contains(r.err, "no-such-volume") {
		t.Errorf("volume rm of a missing volume: exit %d, stderr %q; want 1", r.code, r.err)
	}
	// -f removes the stopped containers that use it, then the volume.
	if out := e.must("volume", "rm", "-f", "busy"); out != "busy\n" {
		t.Errorf("volume rm -f printed %q", out)
	}
	if r := e.run("container", "exists", "user1"); r.code != 1 {
		t.Errorf("volume rm -f left its user: exit %d", r.code)
	}
}

func checkMountFlag(t *testing.T, e *env) {
	e = e.on(t)
	host := filepath.Join(e.dir, "hostdir")
	if err := os.MkdirAll(host, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(host, "h"), []byte("from host\n"), 0o644)
	script := "cat /h/h && echo v > /v/f && grep -q ' /t tmpfs .*size=1024k' /proc/mounts && " +
		"grep -q ' /r [^ ]* ro,' /proc/mounts && stat -c %a /t && ! touch /h/x 2>/dev/null"
	out := e.must("run", "--rm",
		"--mount", "type=bind,source="+host+",target=/h,readonly",
		"--mount", "type=volume,src=mvol,dst=/v",
		"--mount", "type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=1770",
		"--mount", "type=bind,src="+host+",dst=/r,ro=true,bind-propagation=rprivate",
		"bb", "sh", "-c", script)
	if out != "from host\n1770\n" {
		t.Errorf("--mount container printed %q", out)
	}
	if b, _ := os.ReadFile(filepath.Join(volumeData(e, "mvol"), "f")); string(b) != "v\n" {
		t.Errorf("--mount type=volume wrote %q", b)
	}
	e.must("volume", "rm", "mvol")
}

func checkVolumeTypes(t *testing.T, e *env) {
	e = e.on(t)
	dev := filepath.Join(e.dir, "device")
	os.MkdirAll(dev, 0o755)
	e.must("volume", "create", "--opt", "type=none", "--opt", "o=bind", "--opt", "device="+dev, "bound")
	e.must("run", "--rm", "-v", "bound:/b", "bb", "sh", "-c", "echo b > /b/f")
	if b, _ := os.ReadFile(filepath.Join(dev, "f")); string(b) != "b\n" {
		t.Errorf("bind volume wrote %q into the device directory", b)
	}
	if mp := strings.TrimSpace(e.must("volume", "inspect", "--format", "{{.Mountpoint}}", "bound")); mp != dev {
		t.Errorf("bind volume's Mountpoint = %q, want %q", mp, dev)
	}
	e.must("volume", "rm", "bound")
	if _, err := os.Stat(filepath.Join(dev, "f")); err != nil {
		t.Errorf("volume rm removed the device's content: %v", err)
	}

	e.must("volume", "create", "-o", "type=tmpfs", "-o", "o=size=2m", "tmp")
	out := e.must("run", "--rm", "-v", "tmp:/t", "bb", "sh", "-c", "echo t > /t/f; grep ' /t ' /proc/mounts")
	if !strings.Contains(out, "tmpfs") || !strings.Contains(out, "size=2048k") {
		t.Errorf("tmpfs volume mount: %q", out)
	}
	if got := e.must("run", "--rm", "-v", "tmp:/t", "bb", "cat", "/t/f"); got != "t\n" {
		t.Errorf("tmpfs volume shared between containers: %q", got)
	}
	e.must("volume", "rm", "tmp")
	if mounts, _ := os.ReadFile("/proc/self/mounts"); strings.Contains(string(mounts), volumeData(e, "tmp")) {
		t.Error("volume rm left the tmpfs mounted")
	}
}

func checkVolumeVerbs(t *testing.T, e *env) {
	e = e.on(t)
	e.must("volume", "create", "-l", "app=web", "-l", "tier=db", "v1")
	if out := e.must("volume", "create", "--ignore", "v1"); out != "v1\n" {
		t.Errorf("create --ignore printed %q", out)
	}
	e.must("volume", "create", "v2")
	e.must("create", "--name", "holder", "-v", "v2:/x", "bb", "true")
	if out := e.must("volume", "ls"); out != "DRIVER      VOLUME NAME\nlocal       v1\nlocal       v2\n" {
		t.Errorf("volume ls:\n%s", out)
	}
	if out := e.must("volume", "ls", "-q", "--filter", "label=app=web"); out != "v1\n" {
		t.Errorf("ls --filter label: %q", out)
	}
	if out := e.must("volume", "ls", "-q", "--filter", "name=2$"); out != "v2\n" {
		t.Errorf("ls --filter name: %q", out)
	}
	if out := e.must("volume", "ls", "--format", "{{.Name}} {{.Driver}}", "--filter", "dangling=true"); out != "v1 local\n" {
		t.Errorf("ls --format --filter dangling: %q", out)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(e.must("volume", "inspect", "v1")), &got); err != nil || len(got) != 1 {
		t.Fatalf("inspect JSON: %v %v", got, err)
	}
	for k, want := range map[string]any{"Name": "v1", "Driver": "local", "Scope": "local",
		"Mountpoint": volumeData(e, "v1")} {
		if got[0][k] != want {
			t.Errorf("inspect %s = %v, want %v", k, got[0][k], want)
		}
	}
	if l, _ := got[0]["Labels"].(map[string]any); l["tier"] != "db" || got[0]["CreatedAt"] == "" {
		t.Errorf("inspect Labels/CreatedAt: %v", got[0])
	}
	if r := e.run("volume", "exists", "nope"); r.code != 1 || r.err != "" {
		t.Errorf("exists nope: exit %d, %q", r.code, r.err)
	}
	if out := e.must("volume", "prune", "-f"); out != "v1\n" {
		t.Errorf("prune removed %q, want v1", out)
	}
	if out := e.must("volume", "ls", "-q"); out != "v2\n" {
		t.Errorf("after prune: %q", out)
	}
	e.must("rm", "holder")
	e.must("volume", "rm", "v2")
}

func checkVolumeBadInput(t *testing.T, e *env) {
	e = e.on(t)
	e.must("volume", "create", "taken")
	cases := []struct {
		name  string
		args  []string
		names string
	}{
		{"unknown opt", []string{"volume", "create", "--opt", "colour=red", "x"}, "colour"},
		{"bad type", []string{"volume", "create", "--opt", "type=nfs", "x"}, "nfs"},
		{"bad tmpfs option", []string{"volume", "create", "-o", "type=tmpfs", "-o", "o=bogus", "x"}, "bogus"},
		{"bind without device", []string{"volume", "create", "-o", "type=none", "-o", "o=bind", "x"}, "device"},
		{"bad name", []string{"volume", "create", "a/b"}, "a/b"},
		{"taken name", []string{"volume", "create", "taken"}, "taken"},
		{"bad driver", []string{"volume", "create", "-d", "nfs", "x"}, "nfs"},
		{"bad volume name in -v", []string{"create", "-v", "bad*name:/x", "bb", "true"}, "bad*name"},
		{"relative target", []string{"create", "-v", "vol:rel", "bb", "true"}, "rel"},
		{"mount without type", []string{"create", "--mount", "src=v,dst=/x", "bb", "true"}, "type"},
		{"mount unknown key", []string{"create", "--mount", "type=volume,src=v,dst=/x,colour=red", "bb", "true"}, "colour"},
		{"mount without target", []string{"create", "--mount", "type=volume,src=v", "bb", "true"}, "target"},
		{"mount bad propagation", []string{"create", "--mount", "type=bind,src=/tmp,dst=/x,bind-propagation=up", "bb", "true"}, "up"},
		{"mount volume path", []string{"create", "--mount", "type=volume,src=/tmp,dst=/x", "bb", "true"}, "/tmp"},
		{"mount bad tmpfs mode", []string{"create", "--mount", "type=tmpfs,dst=/x,tmpfs-mode=rwx", "bb", "true"}, "rwx"},
		{"bad ls filter", []string{"volume", "ls", "--filter", "colour=red"}, "colour"},
	}
	before := snapshot(e) + e.must("volume", "ls", "-q")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := e.on(t)
			r := e.run(c.args...)
			if r.code != 125 || !strings.Contains(r.err, "Error: ") || !strings.Contains(r.err, c.names) {
				t.Errorf("exit %d, stderr %q; want 125 and an Error: naming %q", r.code, r.err, c.names)
			}
			if after := snapshot(e) + e.must("volume", "ls", "-q"); after != before {
				t.Errorf("state changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
	e.must("volume", "rm", "taken")
}

// checkVolumeRemovalFinished: a volume rm that stops after the record went
// (here its directory holds an immutable file; a kill leaves the same)
// leaves a directory marked as being removed: system check names it
// without taking it for a lost record, and both the next volume rm of that
// name (which still says there is no such volume) and check's repair
// remove it. A create of that name starts empty.
func checkVolumeRemovalFinished(t *testing.T, e *env) {
	e = e.on(t)
	for _, finish := range [][]string{{"volume", "rm", "cut"}, {"system", "check", "--repair"}, {"volume", "create", "cut"}} {
		e.must("run", "--rm", "-v", "cut:/v", "bb", "sh", "-c", "echo data > /v/f")
		stuck := filepath.Join(volumeData(e, "cut"), "f")
		e.sh("chattr +i " + stuck)
		r := e.run("volume", "rm", "cut")
		e.sh("chattr -i " + stuck)
		if r.code == 0 || !strings.Contains(r.err, "operation not permitted") {
			t.Fatalf("volume rm over an immutable file: exit %d, %q", r.code, r.err)
		}
		if out := e.must("volume", "ls", "-q"); strings.Contains(out, "cut") {
			t.Errorf("volume ls after the cut removal: %q", out)
		}
		if r := e.run("system", "check"); r.code != 125 || !strings.Contains(r.out, "cut") || !strings.Contains(r.out, "removal was interrupted") {
			t.Errorf("system check after the cut removal: exit %d, %q", r.code, r.out)
		}
		r = e.run(finish...)
		switch {
		case finish[1] == "rm" && (r.code != 1 || !strings.Contains(r.err, `no volume with name "cut"`)),
			finish[1] != "rm" && r.code != 0:
			t.Errorf("%v after the cut removal: exit %d, %q", finish, r.code, r.err)
		}
		if finish[1] == "create" {
			if got := e.must("run", "--rm", "-v", "cut:/v", "bb", "ls", "-A", "/v"); got != "" {
				t.Errorf("a volume created after a cut removal holds %q", got)
			}
			e.must("volume", "rm", "cut")
		}
		if _, err := os.Stat(filepath.Dir(volumeData(e, "cut"))); !os.IsNotExist(err) {
			t.Errorf("after %v the volume's directory is still there: %v", finish, err)
		}
		checkClean(t, e)
	}
}
