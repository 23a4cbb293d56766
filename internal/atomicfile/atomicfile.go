// Package atomicfile writes files that appear whole or not at all: the data
// goes to a temporary file beside the target, which is synced and renamed
// over it. It is pure standard library, so the generator may link it too.
package atomicfile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write replaces path with data, file mode mode.
func Write(path string, data []byte, mode os.FileMode) error {
	return writeVia(path, mode, true, copyOf(data))
}

// WriteVolatile is Write for a file that need not outlive the host's next
// boot, such as one under the run root (a tmpfs): readers still see it
// whole or not at all, but it is not synced to disk.
func WriteVolatile(path string, data []byte, mode os.FileMode) error {
	return writeVia(path, mode, false, copyOf(data))
}

// WriteVolatileFrom is WriteVolatile with the temporary file in tmpDir, on
// path's file system, rather than beside path: for a directory whose
// reader takes every file in it for one of its own (aardvark-dns's), where
// a half-written file beside the target would be read as such.
func WriteVolatileFrom(tmpDir, path string, data []byte, mode os.FileMode) error {
	return writeIn(tmpDir, path, mode, false, copyOf(data))
}

func copyOf(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.Copy(w, bytes.NewReader(data))
		return err
	}
}

// WriteVia replaces path with what write writes, file mode mode. An error
// of write is returned as it is; the file system's errors name path.
func WriteVia(path string, mode os.FileMode, write func(io.Writer) error) error {
	return writeVia(path, mode, true, write)
}

func writeVia(path string, mode os.FileMode, sync bool, write func(io.Writer) error) error {
	return writeIn(filepath.Dir(path), path, mode, sync, write)
}

func writeIn(tmpDir, path string, mode os.FileMode, sync bool, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(tmpDir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	err = tmp.Chmod(mode)
	if err == nil && sync {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
