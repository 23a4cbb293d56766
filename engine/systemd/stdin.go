package systemd

import (
	"os"

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
