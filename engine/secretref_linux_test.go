package engine

import (
	"os"
	"syscall"
)

// fileOwner is a file's uid and gid.
func fileOwner(st os.FileInfo) [2]int {
	s := st.Sys().(*syscall.Stat_t)
	return [2]int{int(s.Uid), int(s.Gid)}
}
