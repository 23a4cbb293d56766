package engine

import (
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/systemd"
)

// keeperProps are the unit properties a container with a console keeper
// (-t) needs: systemd sends no SIGKILL to what is left in the unit once the
// init is gone (SendSIGKILL=no). When the init exits with a code other
// than 0, systemd goes on to kill at once, without ExecStop=, and with
// KillMode=mixed only its final SIGKILL reaches the keeper, which then
// lost what the container wrote last and it had not read yet (`run -it
// ... sh -c 'seq 2000; exit 2'` under runc ended at 841). The keeper ends
// by itself once the container's terminal is gone, which the end of the
// container's PID namespace makes sure of; a stop that times out is
// unit-stop's SIGKILL to the init.
func keeperProps(c *model.Container) []systemd.Property {
	if !c.Config.Tty {
		return nil
	}
	return []systemd.Property{{Name: "SendSIGKILL", Value: false}}
}
