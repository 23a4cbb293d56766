package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/image"
)

// registryFlags are the flags pull and push share. registries.conf comes
// from $CONTAINERS_REGISTRIES_CONF or the system's, as in podman.
type registryFlags struct {
	tlsVerify       bool
	authFile, creds string
	signaturePolicy string
}

func (f *registryFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&f.tlsVerify, "tls-verify", true, "require HTTPS and verify certificates (default: registries.conf decides)")
	fs.StringVar(&f.authFile, "authfile", "", "path of the authentication file (default $REGISTRY_AUTH_FILE or auth.json)")
	fs.StringVar(&f.creds, "creds", "", "credentials USERNAME:PASSWORD for the registry")
	fs.StringVar(&f.signaturePolicy, "signature-policy", "", "path of the signature policy (default policy.json)")
	_ = fs.MarkHidden("signature-policy") // as in podman
}

// options turns the flags into the engine's registry options.
func (f *registryFlags) options(cmd *cobra.Command) (image.RegistryOptions, error) {
	o := image.RegistryOptions{AuthFile: f.authFile, SignaturePolicyPath: f.signaturePolicy}
	if cmd.Flags().Changed("tls-verify") {
		v := f.tlsVerify
		o.TLSVerify = &v
	}
	if f.creds != "" {
		user, password, ok := strings.Cut(f.creds, ":")
		if !ok || user == "" {
			return o, fmt.Errorf("invalid --creds: want USERNAME:PASSWORD: %w", errdefs.ErrInvalidArgument)
		}
		o.Username, o.Password = user, password
	}
	return o, nil
}

// progress is where copy progress goes: stderr, or nowhere with -q.
// containers/image draws bars on a terminal and plain lines elsewhere; a
// terminal without a size (a pty whose window was never set) would get no
// bars and no lines, so it is handed over as a plain writer.
func (a *app) progress(quiet bool) io.Writer {
	if quiet {
		return nil
	}
	if f, ok := a.err.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if w, h, err := term.GetSize(int(f.Fd())); err != nil || w == 0 || h == 0 {
			return struct{ io.Writer }{f}
		}
	}
	return a.err
}

func (a *app) pullCommand() *cobra.Command {
	var rf registryFlags
	var xf pullExtraFlags
	var policy string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "pull [flags] IMAGE [IMAGE...]",
		Short: "Pull images from a registry",
		Long: "Pull images from a registry into local storage and print their IDs. Short names resolve\n" +
			"through registries.conf ($CONTAINERS_REGISTRIES_CONF), as in podman. Other sources:\n" +
			"docker://REF, docker-archive:PATH, oci-archive:PATH, oci:DIR[:NAME], dir:DIR.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := rf.options(cmd)
			if err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			o := image.PullOptions{Policy: policy, Progress: a.progress(quiet), RegistryOptions: reg}
			if err := xf.apply(&o); err != nil {
				return err
			}
			defer extendStartTimeout()() // .image units pull in ExecStart=
			return a.pullEach(cmd, eng, args, o, xf.allTags)
		},
	}
	rf.register(cmd.Flags())
	xf.register(cmd.Flags())
	cmd.Flags().StringVar(&policy, "policy", image.PullAlways, "pull policy: always, missing, never or newer")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print no progress, only the image IDs")
	return cmd
}

func (a *app) pushCommand() *cobra.Command {
	var rf registryFlags
	var quiet bool
	var enc image.PushEncryption
	cmd := &cobra.Command{
		Use:   "push [flags] IMAGE [DESTINATION]",
		Short: "Push an image to a registry or an archive",
		Long: "Push a local image to DESTINATION: a registry reference (default: the image's name),\n" +
			"or docker-archive:PATH, oci-archive:PATH, oci:DIR, dir:DIR.",
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := rf.options(cmd)
			if err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			dest := ""
			if len(args) == 2 {
				dest = args[1]
			}
			return eng.Images().Push(a.ctx(cmd), args[0], dest,
				image.PushOptions{Progress: a.progress(quiet), RegistryOptions: reg, PushEncryption: enc})
		},
	}
	rf.register(cmd.Flags())
	pushEncryptionFlags(cmd.Flags(), &enc)
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print no progress")
	return cmd
}

func (a *app) saveCommand() *cobra.Command {
	var output, format string
	cmd := &cobra.Command{
		Use:   "save [flags] IMAGE [IMAGE...]",
		Short: "Save images to a docker-archive or oci-archive",
		Long:  "Save images to a docker-archive (several images) or an oci-archive (one image):\nto the file -o names, or to stdout when it is not a terminal.",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := a.engine()
			if err != nil {
				return err
			}
			if output != "" {
				return eng.Images().Save(a.ctx(cmd), args, output, format)
			}
			return a.saveToStdout(cmd, args, format)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file (default stdout, unless a terminal)")
	cmd.Flags().StringVar(&format, "format", image.FormatDockerArchive, "docker-archive or oci-archive")
	return cmd
}

// saveToStdout saves into a temporary file and copies it to stdout.
func (a *app) saveToStdout(cmd *cobra.Command, names []string, format string) error {
	if f, ok := a.out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return fmt.Errorf("refusing to write an image archive to a terminal: use -o FILE or redirect stdout: %w",
			errdefs.ErrInvalidArgument)
	}
	tmpRoot := os.Getenv("TMPDIR")
	if tmpRoot == "" {
		tmpRoot = "/var/tmp" // archives can be large; /tmp may be memory
	}
	dir, err := os.MkdirTemp(tmpRoot, "podunit-save-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "archive.tar")
	if err := a.eng.Images().Save(a.ctx(cmd), names, tmp, format); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(a.out, f)
	return err
}

// pullIfNeeded applies run's and create's --pull policy (missing, always,
// never, newer; "" is missing) to image, with registry settings from the
// system (registries.conf, policy.json, auth.json and their variables).
func (a *app) pullIfNeeded(cmd *cobra.Command, img, policy string, extras image.PullExtras) error {
	if img == "" { // --rootfs: no image
		return nil
	}
	eng, err := a.engine()
	if err != nil {
		return err
	}
	if policy == "" || policy == image.PullMissing {
		if _, err := eng.Images().Resolve(a.ctx(cmd), img); err == nil {
			return nil // present: no registry configuration to read
		}
	}
	progress := a.err
	if policy == image.PullNever {
		progress = nil
	}
	defer extendStartTimeout()()
	_, err = eng.Images().Pull(a.ctx(cmd), img, image.PullOptions{Policy: policy, Progress: progress, PullExtras: extras})
	return err
}
