package volume

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// maxSymlinks bounds the links followed resolving one path, as the kernel does.
const maxSymlinks = 40

// CopyUp fills the volume directory dst, if it is empty, with the content
// of path inside the root filesystem root, keeping modes, owners, times,
// symlinks, hard links and device nodes. Symlinks on the way to path are
// resolved inside root. The copy is made beside dst and renamed over it,
// so dst is never left half filled. It reports whether it copied; a path
// the image lacks, or one that is not a directory, leaves dst as it is.
func CopyUp(root, path, dst string) (bool, error) {
	src, err := resolveIn(root, path)
	if err != nil {
		return false, err
	}
	fi, err := os.Lstat(src)
	if errors.Is(err, os.ErrNotExist) || err == nil && !fi.IsDir() {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if empty, err := isEmpty(dst); err != nil || !empty {
		return false, err
	}
	tmp := filepath.Join(filepath.Dir(dst), ".copyup")
	if err := os.RemoveAll(tmp); err != nil {
		return false, err
	}
	if err := copyTree(src, tmp); err != nil {
		os.RemoveAll(tmp)
		return false, fmt.Errorf("copying %s of the image into the volume: %w", path, err)
	}
	if err := unix.Rename(tmp, dst); err != nil { // os.Rename refuses an existing directory
		os.RemoveAll(tmp)
		return false, fmt.Errorf("copying %s of the image into the volume: %w", path, err)
	}
	return true, nil
}

// resolveIn resolves path inside root as if root were "/": symlinks,
// absolute or relative, and ".." never lead out of it.
func resolveIn(root, path string) (string, error) {
	rest := strings.Split(filepath.Clean("/"+path), "/")
	cur, hops := "/", 0
	for len(rest) > 0 {
		part := rest[0]
		rest = rest[1:]
		if part == "" || part == "." {
			continue
		}
		next := filepath.Join(cur, part) // Join cleans "..", never above "/"
		fi, err := os.Lstat(filepath.Join(root, next))
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			cur = next // a missing part resolves to itself
			continue
		}
		if hops++; hops > maxSymlinks {
			return "", fmt.Errorf("%s: too many levels of symbolic links in the image", path)
		}
		target, err := os.Readlink(filepath.Join(root, next))
		if err != nil {
			return "", err
		}
		if filepath.IsAbs(target) {
			cur = "/"
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return filepath.Join(root, cur), nil
}

// isEmpty reports whether the directory dir has no entries.
func isEmpty(dir string) (bool, error) {
	f, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	if errors.Is(err, io.EOF) {
		return true, nil
	}
	return false, err
}

// copier copies one tree, remembering hard links and the directories whose
// metadata is set last (creating their entries changes their times).
type copier struct {
	links map[[2]uint64]string
	dirs  []string
	stats map[string]*unix.Stat_t
}

// copyTree copies the tree at src to dst, which must not exist.
func copyTree(src, dst string) error {
	c := &copier{links: map[[2]uint64]string{}, stats: map[string]*unix.Stat_t{}}
	err := filepath.WalkDir(src, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		return c.copyOne(p, filepath.Join(dst, rel))
	})
	if err != nil {
		return err
	}
	for i := len(c.dirs) - 1; i >= 0; i-- {
		if err := setMeta(c.dirs[i], c.stats[c.dirs[i]], true); err != nil {
			return err
		}
	}
	return nil
}

// copyOne copies one entry (not a directory's content) from p to target.
func (c *copier) copyOne(p, target string) error {
	st := new(unix.Stat_t)
	if err := unix.Lstat(p, st); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	kind := st.Mode & unix.S_IFMT
	if kind != unix.S_IFDIR && st.Nlink > 1 {
		key := [2]uint64{uint64(st.Dev), st.Ino}
		if first, ok := c.links[key]; ok {
			return os.Link(first, target)
		}
		c.links[key] = target
	}
	var err error
	switch kind {
	case unix.S_IFDIR:
		c.dirs, c.stats[target] = append(c.dirs, target), st
		return os.Mkdir(target, 0o700)
	case unix.S_IFREG:
		err = copyFile(p, target)
	case unix.S_IFLNK:
		var dest string
		if dest, err = os.Readlink(p); err == nil {
			err = os.Symlink(dest, target)
		}
	case unix.S_IFCHR, unix.S_IFBLK, unix.S_IFIFO:
		err = unix.Mknod(target, st.Mode, int(st.Rdev))
	default: // a socket means nothing without its server
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return setMeta(target, st, kind != unix.S_IFLNK)
}

// copyFile copies a regular file's bytes into a new file.
func copyFile(src, dst string) error {
	in, err := os.OpenFile(src, os.O_RDONLY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// setMeta gives p the owner, then the mode (chown clears set-ID bits),
// then the times of st; a symlink gets owner and times only.
func setMeta(p string, st *unix.Stat_t, chmod bool) error {
	if err := os.Lchown(p, int(st.Uid), int(st.Gid)); err != nil {
		return err
	}
	if chmod {
		if err := unix.Chmod(p, st.Mode&0o7777); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	ts := []unix.Timespec{st.Atim, st.Mtim}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return nil
}
