package engine

import (
	"strings"

	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/spec"
)

// Capabilities are c's bounding and effective capability sets, as inspect
// shows them: the effective set is the bounding one for root and empty for
// any other user, as the spec builder gives them. A user named other than
// root (resolved only at start) counts as not root.
func Capabilities(c *model.Container) (bounding, effective []string, err error) {
	bounding, err = spec.BoundingCapabilities(c.Config.CapAdd, c.Config.CapDrop, c.Config.Privileged)
	if err != nil {
		return nil, nil, err
	}
	user, _, _ := strings.Cut(c.Config.User, ":")
	if user == "" || user == "0" || user == "root" {
		return bounding, bounding, nil
	}
	return bounding, []string{}, nil
}
