package engine

import (
	"fmt"

	"github.com/podunit/podunit/engine/names"
)

// CheckPodOptions checks o's pod settings as PodCreate does, and makes
// nothing: a caller that makes many objects (kube play) checks them all
// before it makes the first.
func CheckPodOptions(o PodCreateOptions) error {
	if o.Name != "" {
		if err := names.Validate("pod", o.Name); err != nil {
			return err
		}
	}
	cfg := o.PodConfig // a copy: completing it changes nothing of o's
	if err := completePodConfig(&cfg); err != nil {
		return fmt.Errorf("pod %q: %w", o.Name, err)
	}
	return nil
}

// CheckCreateSettings checks what Create checks of o without its image or
// pod (the init container rules, the log driver and the rest of the
// metadata settings), and makes nothing. The caller names the container.
func CheckCreateSettings(o CreateOptions) error {
	if err := checkInitCtr(o); err != nil {
		return err
	}
	meta := o.Config.MetaConfig
	return completeMeta(&meta)
}
