package kube

import (
	"os"

	corev1 "k8s.io/api/core/v1"
)

// Known reports whether h's type is one Kubernetes defines.
func (h HostPath) Known() bool {
	switch h.Type {
	case corev1.HostPathUnset, corev1.HostPathDirectoryOrCreate, corev1.HostPathDirectory, corev1.HostPathFileOrCreate,
		corev1.HostPathFile, corev1.HostPathSocket, corev1.HostPathCharDev, corev1.HostPathBlockDev:
		return true
	}
	return false
}

// MustExist reports whether the path must be there before play, and what
// it must be: ok tells whether a file of mode m is that.
func (h HostPath) MustExist() (want string, ok func(m os.FileMode) bool) {
	switch h.Type {
	case corev1.HostPathDirectory:
		return "a directory", os.FileMode.IsDir
	case corev1.HostPathFile:
		return "a file", os.FileMode.IsRegular
	case corev1.HostPathSocket:
		return "a socket", func(m os.FileMode) bool { return m&os.ModeSocket != 0 }
	case corev1.HostPathCharDev:
		return "a character device", func(m os.FileMode) bool { return m&os.ModeCharDevice != 0 }
	case corev1.HostPathBlockDev:
		return "a block device", func(m os.FileMode) bool { return m&os.ModeDevice != 0 && m&os.ModeCharDevice == 0 }
	}
	return "", nil
}

// CreateDir and CreateFile report what play makes when the path is missing.
func (h HostPath) CreateDir() bool  { return h.Type == corev1.HostPathDirectoryOrCreate }
func (h HostPath) CreateFile() bool { return h.Type == corev1.HostPathFileOrCreate }
