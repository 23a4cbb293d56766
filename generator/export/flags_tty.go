package export

import "github.com/podunit/podunit/engine/model"

// termFlags are -t and -i as the container was created with them.
func termFlags(t model.TermConfig) []string {
	var args []string
	if t.Tty {
		args = append(args, "--tty")
	}
	if t.Interactive {
		args = append(args, "--interactive")
	}
	return args
}
