package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
)

// pullExtraFlags are pull's platform, certificate, retry and --all-tags
// flags (podman pull's).
type pullExtraFlags struct {
	x          image.PullExtras
	retryDelay string
	allTags    bool
}

func (f *pullExtraFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.x.OS, "os", "", "the operating system of the image to choose from a list (default this machine's)")
	fs.StringVar(&f.x.Arch, "arch", "", "the architecture of the image to choose from a list (default this machine's)")
	fs.StringVar(&f.x.Variant, "variant", "", "the architecture variant of the image to choose (arm/v7: v7)")
	fs.StringVar(&f.x.CertDir, "cert-dir", "", "directory of the registry's TLS certificates (*.crt, *.cert, *.key)")
	fs.IntVar(&f.x.Retry, "retry", 0, "tries after a failed pull, for errors worth retrying")
	fs.StringVar(&f.retryDelay, "retry-delay", "", "wait between tries, e.g. 5s (default: doubling from 1s)")
	fs.BoolVarP(&f.allTags, "all-tags", "a", false, "pull every tag of the repository")
}

// apply checks the flags and sets them on o.
func (f *pullExtraFlags) apply(o *image.PullOptions) error {
	if f.x.Retry < 0 {
		return fmt.Errorf("invalid --retry %d: want 0 or more: %w", f.x.Retry, errdefs.ErrInvalidArgument)
	}
	if f.retryDelay != "" {
		d, err := time.ParseDuration(f.retryDelay)
		if err != nil || d < 0 {
			return fmt.Errorf("invalid --retry-delay %q: want a duration such as 5s: %w", f.retryDelay, errdefs.ErrInvalidArgument)
		}
		f.x.RetryDelay = d
	}
	o.PullExtras = f.x
	return nil
}

// pullEach pulls each reference (with allTags every tag of each) and
// prints the IDs.
func (a *app) pullEach(cmd *cobra.Command, eng *engine.Engine, refs []string, o image.PullOptions, allTags bool) error {
	for _, ref := range refs {
		var imgs []*image.Image
		var err error
		if allTags {
			imgs, err = eng.Images().PullAllTags(a.ctx(cmd), ref, o)
		} else {
			var img *image.Image
			img, err = eng.Images().Pull(a.ctx(cmd), ref, o)
			imgs = []*image.Image{img}
		}
		if err != nil {
			return err
		}
		for _, img := range imgs {
			fmt.Fprintln(a.out, img.ID)
		}
	}
	return nil
}
