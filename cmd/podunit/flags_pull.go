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
	x       image.PullExtras
	retry   retryFlags
	allTags bool
}

// retryFlags are --retry and --retry-delay, as pull, create and run have
// them (Podman's: 3 tries more, 1 s apart and doubling).
type retryFlags struct {
	retries int
	delay   string
}

func (f *retryFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&f.retries, "retry", image.DefaultPullRetries, "tries after a failed pull, for failures that may pass (a refused connection, a registry's 5xx)")
	fs.StringVar(&f.delay, "retry-delay", "", "wait between tries, e.g. 5s (default: doubling from 1s)")
}

// apply checks the flags and sets them on x.
func (f *retryFlags) apply(x *image.PullExtras) error {
	if f.retries < 0 {
		return fmt.Errorf("invalid --retry %d: want 0 or more: %w", f.retries, errdefs.ErrInvalidArgument)
	}
	x.Retry = f.retries
	if f.delay == "" {
		return nil
	}
	d, err := time.ParseDuration(f.delay)
	if err != nil || d <= 0 {
		return fmt.Errorf("invalid --retry-delay %q: want a duration such as 5s: %w", f.delay, errdefs.ErrInvalidArgument)
	}
	x.RetryDelay = d
	return nil
}

func (f *pullExtraFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.x.OS, "os", "", "the operating system of the image to choose from a list (default this machine's)")
	fs.StringVar(&f.x.Arch, "arch", "", "the architecture of the image to choose from a list (default this machine's)")
	fs.StringVar(&f.x.Variant, "variant", "", "the architecture variant of the image to choose (arm/v7: v7)")
	fs.StringVar(&f.x.CertDir, "cert-dir", "", "directory of the registry's TLS certificates (*.crt, *.cert, *.key)")
	decryptionFlag(fs, &f.x.DecryptionKeys)
	f.retry.register(fs)
	fs.BoolVarP(&f.allTags, "all-tags", "a", false, "pull every tag of the repository")
}

// apply checks the flags and sets them on o.
func (f *pullExtraFlags) apply(o *image.PullOptions) error {
	if err := f.retry.apply(&f.x); err != nil {
		return err
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
