package e2e

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/podunit/podunit/test/testimage"
)

// TestImageVerbs checks image history, tree, exists and prune with Podman's
// columns and JSON keys, against what storage holds afterwards.
func TestImageVerbs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, "runc")
	e.image()
	archive := filepath.Join(e.dir, "lab.tar")
	if err := testimage.DockerArchive(archive, "localhost/lab:1", testimage.Config{}); err != nil {
		t.Fatal(err)
	}
	e.must("load", "-q", "-i", archive)
	lab := strings.TrimSpace(e.must("image", "inspect", "--format", "{{.ID}}", "lab:1"))
	t.Run("history", func(t *testing.T) { checkHistory(t, e, lab) })
	t.Run("tree", func(t *testing.T) {
		out := e.on(t).must("image", "tree", "lab:1")
		want := `^Image ID: ` + lab[:12] + `\nTags:     \[localhost/lab:1\]\nSize:     [0-9.]+[kM]?B\nImage Layers\n└── ID: [0-9a-f]{12} Size: [0-9.]+[kM]?B Top Layer of: \[localhost/bb:latest localhost/lab:1\]\n$` // one layer, shared with bb
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("image tree:\n%s", out)
		}
	})
	t.Run("exists", func(t *testing.T) {
		e := e.on(t)
		e.must("image", "exists", "lab:1")
		if r := e.run("image", "exists", "nosuch"); r.code != 1 || r.err != "" {
			t.Errorf("image exists nosuch: exit %d, stderr %q", r.code, r.err)
		}
	})
	t.Run("images --sort", func(t *testing.T) {
		e := e.on(t)
		for _, c := range []struct{ sort, field, want string }{
			{"repository", "Repository", "localhost/bb localhost/lab"},
			{"created", "Repository", "localhost/bb localhost/lab"}, // newest first; lab is from the epoch
			{"tag", "Tag", "1 latest"},
		} {
			if got := strings.Join(strings.Fields(e.must("images", "--sort", c.sort, "--format", "{{."+c.field+"}}")), " "); got != c.want {
				t.Errorf("images --sort %s: %s, want %s", c.sort, got, c.want)
			}
		}
		if r := e.run("images", "--sort", "colour"); r.code != 125 {
			t.Errorf("images --sort colour: exit %d", r.code)
		}
	})
	t.Run("untag", func(t *testing.T) { checkUntag(t, e) })
	t.Run("import --change", func(t *testing.T) {
		e := e.on(t)
		tar := filepath.Join(e.dir, "rootfs.tar")
		e.must("import", "-c", "ENV GREETING=hi", "-c", `CMD ["sh", "-c", "echo $GREETING from $PWD"]`, "-c", "WORKDIR /tmp",
			"-c", "LABEL=made=import", "-c", "EXPOSE 8080/udp", "-c", "VOLUME=/data", "-c", "ONBUILD RUN true", tar, "imp")
		if got := e.must("run", "--rm", "imp"); got != "hi from /tmp\n" {
			t.Errorf("a container of the imported image printed %q", got)
		}
		if got := e.must("image", "inspect", "--format", "{{.Labels.made}}", "imp"); got != "import\n" {
			t.Errorf("import --change LABEL: %q", got)
		}
		if got := e.must("image", "inspect", "--format", "{{json .Config.ExposedPorts}} {{json .Config.Volumes}}", "imp"); got != `{"8080/udp":{}} {"/data":{}}`+"\n" {
			t.Errorf("import --change EXPOSE, VOLUME: %q", got)
		}
		for bad, instr := range map[string]string{"FROM x": "FROM", "EXPOSE 99999": "EXPOSE", "STOPSIGNAL=NOPE": "STOPSIGNAL"} {
			if r := e.run("image", "import", "-c", bad, tar, "imp2"); r.code != 125 || !strings.Contains(r.err, `": `+instr) ||
				e.run("image", "exists", "imp2").code != 1 {
				t.Errorf("import with --change %q: exit %d, %q; or it made the image", bad, r.code, r.err)
			}
		}
		e.must("rmi", "imp")
	})
	t.Run("prune", func(t *testing.T) { checkImagePrune(t, e, lab) })
}

// checkUntag: untag removes the names given, every name without one, and
// refuses a name the image does not have, removing nothing (podman-untag(1)).
func checkUntag(t *testing.T, e *env) {
	e = e.on(t)
	e.must("tag", "bb", "u:1", "u:2", "u:3")
	names := func() string {
		list := strings.Fields(e.must("image", "inspect", "--format", `{{range .RepoTags}}{{.}} {{end}}`, "u:3"))
		sort.Strings(list)
		return strings.Join(list, " ")
	}
	if r := e.run("untag", "u:3", "u:1", "nosuch"); r.code != 125 || !strings.Contains(r.err, "nosuch") {
		t.Fatalf("untag of a name the image lacks: exit %d, %q", r.code, r.err)
	}
	e.must("untag", "u:3", "u:1")
	if got := names(); got != "localhost/bb:latest localhost/u:2 localhost/u:3" {
		t.Fatalf("after untag u:1: %s", got)
	}
	e.must("image", "untag", "u:2", "u:2")
	if r := e.run("image", "exists", "u:2"); r.code != 1 {
		t.Fatalf("u:2 still names an image")
	}
	id := strings.TrimSpace(e.must("image", "inspect", "--format", "{{.ID}}", "u:3"))
	e.must("untag", "u:3")
	if got := e.must("image", "inspect", "--format", "{{len .RepoTags}}", id); got != "0\n" {
		t.Fatalf("untag without a name left %s names", got)
	}
	e.must("tag", id, "bb")
}

func checkHistory(t *testing.T, e *env, lab string) {
	e = e.on(t)
	out := e.must("image", "history", "lab:1")
	header := regexp.MustCompile(`^ID +CREATED +CREATED BY +SIZE +COMMENT\n`)
	if !header.MatchString(out) || !strings.Contains(out, lab[:12]) || !strings.Contains(out, "podunit testimage: busybox rootfs") {
		t.Errorf("history table:\n%s", out)
	}
	var entries []map[string]any
	decodeJSON(t, e.must("history", "--format", "json", "lab:1"), &entries)
	if len(entries) != 1 {
		t.Fatalf("history json: %v", entries)
	}
	wantKeys(t, "history json", entries[0], "id", "created", "CreatedBy", "tags", "size")
	if entries[0]["id"] != lab || entries[0]["size"].(float64) <= 0 {
		t.Errorf("history json: %v", entries[0])
	}
	if got := e.must("history", "--no-trunc", "--human=false", "--format", "{{.ID}}|{{.Size}}|{{.CreatedBy}}", "lab:1"); !regexp.MustCompile(
		"^" + lab + `\|[0-9]+\|podunit testimage: busybox rootfs\n$`).MatchString(got) {
		t.Errorf("history template: %q", got)
	}
	if got := e.must("history", "--format", "table", "lab:1"); got != out {
		t.Errorf("history --format table differs from the default:\n%s", got)
	}
	if got := e.must("history", "-q", "bb"); len(strings.TrimSpace(got)) != 12 {
		t.Errorf("history -q of an imported image: %q", got)
	}
}

func checkImagePrune(t *testing.T, e *env, lab string) {
	e = e.on(t)
	// The import takes the name lab:1, so the loaded image is left dangling.
	e.must("image", "import", filepath.Join(e.dir, "rootfs.tar"), "lab:1")
	newer := strings.TrimSpace(e.must("image", "inspect", "--format", "{{.ID}}", "lab:1"))
	e.must("create", "--name", "user", "bb", "true")
	if got := e.must("images", "-q", "--filter", "dangling=true"); got != lab[:12]+"\n" {
		t.Fatalf("dangling images: %q", got)
	}
	if r := e.runIn(strings.NewReader("n\n"), "image", "prune"); r.code != 0 || !strings.Contains(r.out, "WARNING! This command removes all dangling images.") {
		t.Fatalf("image prune answered no: exit %d\n%s", r.code, r.out)
	}
	// no answer at all is an error, as Podman's "Error: EOF", not a silent no
	if r := e.run("image", "prune"); r.code != 125 || !strings.Contains(r.err, "Error: ") {
		t.Fatalf("image prune without an answer: exit %d\n%s%s", r.code, r.out, r.err)
	}
	e.must("image", "exists", lab)
	if got := e.must("image", "prune", "-f"); got != lab+"\n" {
		t.Fatalf("image prune -f printed %q, want %s", got, lab)
	}
	if r := e.run("image", "exists", lab); r.code != 1 {
		t.Fatalf("pruned image still exists")
	}
	if got := e.must("image", "prune", "-a", "-f", "--filter", "label=nosuch"); got != "" {
		t.Fatalf("prune with a filter nothing matches printed %q", got)
	}
	if got := e.must("image", "prune", "-a", "-f"); got != newer+"\n" {
		t.Fatalf("image prune -a printed %q, want only the unused %s", got, newer)
	}
	e.must("image", "exists", "bb") // its container keeps it
}
