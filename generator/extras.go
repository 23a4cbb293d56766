package generator

import (
	"fmt"

	"github.com/podunit/podunit/generator/unitfile"
)

// checkExtraCollisions fails a source whose other units (a .container's
// health check timer and service) would have the name of another
// source's service: one would overwrite the other.
func (g *run) checkExtraCollisions() {
	services := map[string]string{}
	for _, e := range g.entries {
		if e.unit != nil {
			services[e.id.Service] = e.src.path
		}
	}
	for _, e := range g.entries {
		if e.unit == nil {
			continue
		}
		for _, x := range e.unit.Extra {
			if other, ok := services[x.Name]; ok {
				g.fail(e, &unitfile.Error{File: e.src.path, Line: 1,
					Err: fmt.Errorf("its health check unit %s is also the unit of %s; rename one or set ServiceName=", x.Name, other)})
				e.unit = nil
				break
			}
		}
	}
}
