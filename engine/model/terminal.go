package model

// TermConfig is how the container's init meets a terminal: -t gives it a
// pseudo-terminal (the OCI spec's process.terminal), -i keeps its stdin
// open for whoever runs or attaches to it.
type TermConfig struct {
	Tty         bool `json:"tty,omitempty"`         // -t/--tty, Quadlet Tty= (inspect: Config.Tty)
	Interactive bool `json:"interactive,omitempty"` // -i/--interactive (inspect: Config.OpenStdin)
}
