package systemd

import (
	"os"
	"strings"

	"github.com/godbus/dbus/v5"
)

// StdinProperties make f the stdin of a transient service's commands
// (StandardInputFileDescriptor=, as systemd-run --pty passes its terminal:
// systemd keeps its own copy for as long as the unit is loaded), their
// stdout and stderr staying the journal's.
func StdinProperties(f *os.File) []Property {
	return []Property{
		{Name: "StandardInputFileDescriptor", Value: dbus.UnixFD(f.Fd())},
		{Name: "StandardOutput", Value: "journal"},
		{Name: "StandardError", Value: "journal"},
	}
}

// TakesStdin says whether t hands its commands a stdin of the caller's
// (StdinProperties). Only a new transient unit takes one: starting a
// loaded unit of that name again would not.
func (t Transient) TakesStdin() bool {
	for _, p := range t.Properties {
		if p.Name == "StandardInputFileDescriptor" {
			return true
		}
	}
	return false
}

// StderrProperty makes f the stderr of a transient service's commands
// (StandardErrorFileDescriptor=), their stdout staying the unit's own.
func StderrProperty(f *os.File) Property {
	return Property{Name: "StandardErrorFileDescriptor", Value: dbus.UnixFD(f.Fd())}
}

// passesFDs says whether t hands its commands descriptors of the caller's
// (Standard*FileDescriptor=), which only a connection that passes them can.
func (t Transient) passesFDs() bool {
	for _, p := range t.Properties {
		if strings.HasPrefix(p.Name, "Standard") && strings.HasSuffix(p.Name, "FileDescriptor") {
			return true
		}
	}
	return false
}
