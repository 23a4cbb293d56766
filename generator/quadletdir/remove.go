package quadletdir

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Target is what removing one named quadlet or application takes away.
type Target struct {
	Name    string   // as named: web.container or .web.app
	App     string   // the application it belongs to, or ""
	Sources []string // the source files among Files (their units stop first)
	Files   []string // every file to remove, the member list last
}

// Apps maps each member file's base name to its application (.NAME.app)
// for the applications installed in dir.
func Apps(dir string) (map[string]string, error) {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range ents {
		if !isAppName(e.Name()) {
			continue
		}
		members, err := appMembers(dir, e.Name())
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			out[m] = e.Name()
		}
	}
	return out, nil
}

func isAppName(name string) bool {
	return strings.HasPrefix(name, ".") && strings.HasSuffix(name, appSuffix) && len(name) > len(appSuffix)+1
}

func appMembers(dir, app string) ([]string, error) {
	data, err := os.ReadFile(filepath.Join(dir, app))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.ContainsRune(l, '/') {
			out = append(out, l)
		}
	}
	return out, nil
}

// Resolve finds what removing names from dir takes away: a quadlet alone,
// or the whole application it belongs to. all adds every source file and
// application in dir. A name not installed is ErrNotFound, unless ignore.
func Resolve(dir string, names []string, all, ignore bool) ([]Target, error) {
	apps, err := Apps(dir)
	if err != nil {
		return nil, err
	}
	if all {
		if names, err = allNames(dir, apps); err != nil {
			return nil, err
		}
	}
	var out []Target
	done := map[string]bool{}
	for _, n := range names {
		t, err := resolveOne(dir, n, apps)
		if err != nil {
			if ignore && os.IsNotExist(err) {
				continue
			}
			return nil, fmt.Errorf("%s: %w in %s", n, ErrNotFound, dir)
		}
		if key := cmpKey(t); !done[key] {
			done[key] = true
			out = append(out, t)
		}
	}
	return out, nil
}

func cmpKey(t Target) string {
	if t.App != "" {
		return t.App
	}
	return t.Name
}

func resolveOne(dir, name string, apps map[string]string) (Target, error) {
	if strings.ContainsRune(name, '/') {
		return Target{}, os.ErrNotExist
	}
	app := apps[name]
	if isAppName(name) {
		app = name
	}
	if app == "" {
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil || !isSource(name) {
			return Target{}, os.ErrNotExist
		}
		p := filepath.Join(dir, name)
		return Target{Name: name, Sources: []string{p}, Files: []string{p}}, nil
	}
	members, err := appMembers(dir, app)
	if err != nil {
		return Target{}, os.ErrNotExist
	}
	t := Target{Name: name, App: app}
	for _, m := range members {
		p := filepath.Join(dir, m)
		if isSource(m) {
			t.Sources = append(t.Sources, p)
		}
		t.Files = append(t.Files, p)
	}
	t.Files = append(t.Files, filepath.Join(dir, app))
	return t, nil
}

// allNames lists every source file and application in dir.
func allNames(dir string, apps map[string]string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if isSource(e.Name()) && apps[e.Name()] == "" || isAppName(e.Name()) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return slices.Compact(out), nil
}

// Remove deletes t's files; one already gone is no error.
func Remove(t Target) error {
	for _, f := range t.Files {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}
