// Package quadletdir installs source files into podunit's unit-file
// directory and removes them, as `podman quadlet install|rm` do: a file
// alone, a file with its companions, or a directory as one application,
// whose member list is kept in a hidden .NAME.app file beside them. It
// prints nothing; cmd/podunit's `quadlet` verbs do.
package quadletdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/podunit/podunit/generator/quadlet"
	"github.com/podunit/podunit/internal/atomicfile"
)

// ErrExists is returned when a file to install is already there (without
// replace); ErrNotFound when a quadlet or application to remove is not.
var (
	ErrExists   = errors.New("already installed")
	ErrNotFound = errors.New("not installed")
	ErrInvalid  = errors.New("invalid")
)

// appSuffix ends the name of an application's member list.
const appSuffix = ".app"

// Install copies src (a source file, or a directory whose files form one
// application) and extra companion files into dir, and returns the paths
// written, in order. Nothing is written when a check fails.
func Install(dir, src string, extra []string, replace bool) ([]string, error) {
	if strings.Contains(src, "://") {
		return nil, fmt.Errorf("%s: installing from a URL is not supported; download the file first: %w", src, ErrInvalid)
	}
	st, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", src, ErrInvalid, err)
	}
	files, app := []string{src}, ""
	switch {
	case st.IsDir() && len(extra) > 0:
		return nil, fmt.Errorf("%s: a directory is installed alone (its files are the application): %w", src, ErrInvalid)
	case st.IsDir():
		if files, err = dirFiles(src); err != nil {
			return nil, err
		}
		app = "." + filepath.Base(filepath.Clean(src)) + appSuffix
	case !isSource(src):
		return nil, fmt.Errorf("%s: not a .container, .pod, .volume, .network or .image file: %w", src, ErrInvalid)
	case len(extra) > 0:
		files, app = append(files, extra...), "."+filepath.Base(src)+appSuffix
	}
	if err := checkTargets(dir, files, app, replace); err != nil {
		return nil, err
	}
	return write(dir, files, app)
}

// dirFiles lists the regular files of a directory to install as one
// application; it must hold at least one source file.
func dirFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", dir, ErrInvalid, err)
	}
	var files []string
	sources := 0
	for _, e := range ents {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			files = append(files, filepath.Join(dir, e.Name()))
			if isSource(e.Name()) {
				sources++
			}
		}
	}
	if sources == 0 {
		return nil, fmt.Errorf("%s: no .container, .pod, .volume, .network or .image file in it: %w", dir, ErrInvalid)
	}
	return files, nil
}

func isSource(name string) bool {
	_, ok := quadlet.KindOf(filepath.Base(name))
	return ok
}

// checkTargets refuses names installed already (unless replace), and two
// files of one name.
func checkTargets(dir string, files []string, app string, replace bool) error {
	seen := map[string]bool{}
	for _, f := range append(slices.Clone(files), app) {
		if f == "" {
			continue
		}
		base := filepath.Base(f)
		if seen[base] {
			return fmt.Errorf("%s: two files named %s: %w", f, base, ErrInvalid)
		}
		seen[base] = true
		if _, err := os.Lstat(filepath.Join(dir, base)); err == nil && !replace {
			return fmt.Errorf("%s: %w in %s (remove it first, or --replace)", base, ErrExists, dir)
		}
	}
	return nil
}

// write copies each file into dir (temporary file, then rename) and, for
// an application, its member list last.
func write(dir string, files []string, app string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var out, members []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return out, fmt.Errorf("%s: %w", f, err)
		}
		dst := filepath.Join(dir, filepath.Base(f))
		if err := atomicfile.Write(dst, data, 0o644); err != nil {
			return out, err
		}
		out, members = append(out, dst), append(members, filepath.Base(f))
	}
	if app != "" {
		return out, atomicfile.Write(filepath.Join(dir, app), []byte(strings.Join(members, "\n")+"\n"), 0o644)
	}
	return out, nil
}
