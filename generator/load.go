package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/podunit/podunit/generator/quadlet"
	"github.com/podunit/podunit/generator/unitfile"
)

// source is one source file found on the search path.
type source struct {
	name string // base name: web.container
	path string // absolute path, as found (a symlink stays a symlink)
	root int    // index of its search root
}

// dropinDir is one NAME.d directory found on the search path.
type dropinDir struct {
	path  string
	root  int
	confs []string // *.conf base names, sorted
}

// tree is everything found on the search path.
type tree struct {
	sources map[string]*source     // by base name; the highest root wins
	dropins map[string][]dropinDir // by directory base name, in root order
	errs    []error
}

// maxDepth bounds recursion (and symlink loops) below a search root.
const maxDepth = 16

// scan walks every root, recursively, in precedence order.
func scan(cfg Config) *tree {
	t := &tree{sources: map[string]*source{}, dropins: map[string][]dropinDir{}}
	for i, root := range cfg.Dirs {
		abs, err := filepath.Abs(root)
		if err != nil {
			continue
		}
		seen := map[string]*source{}
		t.walk(cfg, abs, i, 0, seen)
	}
	return t
}

func (t *tree) walk(cfg Config, dir string, root, depth int, seen map[string]*source) {
	ents, err := os.ReadDir(dir)
	if err != nil || depth > maxDepth {
		if err != nil && depth > 0 && !os.IsNotExist(err) {
			t.errs = append(t.errs, unitfile.Errorf(dir, 0, "%v", err))
		}
		return
	}
	sep := "/"
	if strings.HasSuffix(dir, "/") {
		sep = "" // the root directory
	}
	for _, ent := range ents {
		p := dir + sep + ent.Name() // dir is clean (filepath.Abs): no Join needed
		isDir := ent.IsDir()
		if ent.Type()&os.ModeSymlink != 0 {
			if st, err := os.Stat(p); err == nil {
				isDir = st.IsDir()
			}
		}
		switch {
		case isDir && strings.HasSuffix(ent.Name(), ".d"):
			t.addDropinDir(p, root)
		case isDir && !cfg.skips(p):
			t.walk(cfg, p, root, depth+1, seen)
		case !isDir:
			t.addSource(ent.Name(), p, root, seen)
		}
	}
}

func (t *tree) addSource(name, p string, root int, seen map[string]*source) {
	if _, ok := quadlet.KindOf(name); !ok {
		return
	}
	if prev := seen[name]; prev != nil {
		t.errs = append(t.errs, unitfile.Errorf(p, 0, "%s is also at %s in the same search directory; rename one", name, prev.path))
		delete(t.sources, name)
		return
	}
	s := &source{name: name, path: p, root: root}
	seen[name] = s
	if _, shadowed := t.sources[name]; !shadowed {
		t.sources[name] = s
	}
}

func (t *tree) addDropinDir(p string, root int) {
	ents, err := os.ReadDir(p)
	if err != nil {
		return
	}
	d := dropinDir{path: p, root: root}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".conf") && !e.IsDir() {
			d.confs = append(d.confs, e.Name())
		}
	}
	name := filepath.Base(p)
	t.dropins[name] = append(t.dropins[name], d)
}

// dropinNames lists the drop-in directory names for a source, most specific
// first (systemd's order): web@a.container.d, web@.container.d, then the
// dash-truncated prefixes (foo-bar-.container.d, foo-.container.d), then
// container.d.
func dropinNames(name string) []string {
	kind, _ := quadlet.KindOf(name)
	ext := "." + string(kind)
	base := strings.TrimSuffix(name, ext)
	names := []string{name + ".d"}
	prefix := base
	if i := strings.IndexByte(base, '@'); i >= 0 {
		prefix = base[:i]
		if i < len(base)-1 {
			names = append(names, base[:i+1]+ext+".d")
		}
	}
	for i := len(prefix) - 2; i > 0; i-- {
		if prefix[i] == '-' {
			names = append(names, prefix[:i+1]+ext+".d")
		}
	}
	return append(names, string(kind)+".d")
}

// dropinFiles returns the drop-in files for a source: for each .conf base name
// the first found (roots in precedence order, then the most specific
// directory), sorted by base name, the order they apply in.
func (t *tree) dropinFiles(name string) []string {
	if len(t.dropins) == 0 {
		return nil // no drop-in directory anywhere: nothing to name or look up per source
	}
	chosen := map[string]string{}
	roots := map[int]bool{}
	names := dropinNames(name)
	for _, n := range names {
		for _, d := range t.dropins[n] {
			roots[d.root] = true
		}
	}
	order := make([]int, 0, len(roots))
	for r := range roots {
		order = append(order, r)
	}
	sort.Ints(order)
	for _, r := range order {
		for _, n := range names {
			for _, d := range t.dropins[n] {
				if d.root != r {
					continue
				}
				for _, c := range d.confs {
					if _, ok := chosen[c]; !ok {
						chosen[c] = filepath.Join(d.path, c)
					}
				}
			}
		}
	}
	keys := make([]string, 0, len(chosen))
	for k := range chosen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = chosen[k]
	}
	return out
}

// readLimited reads at most unitfile.MaxSize+1 bytes of path.
func readLimited(path string) ([]byte, error) { return readRegular(path, unitfile.MaxSize) }

// load parses a source and applies its drop-ins.
func (t *tree) load(s *source) (*unitfile.File, error) {
	f, err := parseFile(s.path)
	if err != nil {
		return nil, err
	}
	for _, conf := range t.dropinFiles(s.name) {
		d, err := parseFile(conf)
		if err != nil {
			return nil, err
		}
		f.Merge(d)
	}
	return f, nil
}

func parseFile(path string) (*unitfile.File, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, &unitfile.Error{File: path, Err: fmt.Errorf("cannot read: %w", err)}
	}
	return unitfile.Parse(path, data)
}
