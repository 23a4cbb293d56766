package image

import (
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/docker/distribution/registry/api/errcode"
	"github.com/podunit/podunit/engine/errdefs"
	"go.podman.io/image/v5/docker"
	"go.podman.io/image/v5/signature"
	"go.podman.io/image/v5/types"
)

// RegistryOptions are the per-call settings of a pull or push. Empty fields
// take the Store's Config, then the system's defaults.
type RegistryOptions struct {
	RegistriesConf      string // registries.conf (else $CONTAINERS_REGISTRIES_CONF, else the system's)
	SignaturePolicyPath string // policy.json
	AuthFile            string // auth.json (else $REGISTRY_AUTH_FILE, else the default auth files)
	// TLSVerify, when set, overrides registries.conf's insecure setting:
	// false allows plain HTTP and unverified certificates (--tls-verify=false).
	TLSVerify *bool
	// Username and Password, when Username is set, authenticate instead of
	// the auth file (--creds).
	Username, Password string
}

// merged is o with empty fields filled from base.
func (o RegistryOptions) merged(base RegistryOptions) RegistryOptions {
	if o.RegistriesConf == "" {
		o.RegistriesConf = base.RegistriesConf
	}
	if o.SignaturePolicyPath == "" {
		o.SignaturePolicyPath = base.SignaturePolicyPath
	}
	if o.AuthFile == "" {
		o.AuthFile = base.AuthFile
	}
	return o
}

// systemContext is the containers/image context for o over the Store's Config.
func (s *Store) systemContext(o RegistryOptions) *types.SystemContext {
	o = o.merged(s.reg)
	sys := &types.SystemContext{
		SystemRegistriesConfPath: o.RegistriesConf, // "" reads $CONTAINERS_REGISTRIES_CONF itself
		SignaturePolicyPath:      o.SignaturePolicyPath,
		AuthFilePath:             o.AuthFile,
	}
	if sys.AuthFilePath == "" {
		sys.AuthFilePath = os.Getenv("REGISTRY_AUTH_FILE")
	}
	if o.TLSVerify != nil {
		sys.DockerInsecureSkipTLSVerify = types.NewOptionalBool(!*o.TLSVerify)
	}
	if o.Username != "" {
		sys.DockerAuthConfig = &types.DockerAuthConfig{Username: o.Username, Password: o.Password}
	}
	return sys
}

// systemPolicy opens the signature policy sys names (policy.json by default).
func systemPolicy(sys *types.SystemContext) (*signature.PolicyContext, error) {
	p, err := signature.DefaultPolicy(sys)
	if err != nil {
		return nil, fmt.Errorf("reading signature policy: %w: %w", classOfFileError(err), err)
	}
	pc, err := signature.NewPolicyContext(p)
	if err != nil {
		return nil, fmt.Errorf("signature policy: %w: %w", errdefs.ErrInvalidArgument, err)
	}
	return pc, nil
}

func classOfFileError(err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return errdefs.ErrNotFound
	}
	return errdefs.ErrInvalidArgument
}

// registryClass is the errdefs class of a failure to talk to a registry or
// to copy from it: the image or repository is missing (NotFound), the
// signature policy refuses it (InvalidArgument), or the registry cannot be
// reached or refuses us (Unavailable; also anything unrecognised).
func registryClass(err error) error {
	var pre signature.PolicyRequirementError
	var unauth docker.ErrUnauthorizedForCredentials
	var ec errcode.Error
	switch {
	case errors.As(err, &pre), errors.Is(err, errdefs.ErrInvalidArgument): // a bad layer (pullFailure)
		return errdefs.ErrInvalidArgument
	case errors.As(err, &unauth):
		return errdefs.ErrUnavailable
	case errors.As(err, &ec):
		if ec.Code.Descriptor().HTTPStatusCode == http.StatusNotFound {
			return errdefs.ErrNotFound
		}
	}
	return errdefs.ErrUnavailable
}

// isPolicyRejection reports whether err is the signature policy refusing an image.
func isPolicyRejection(err error) bool {
	var pre signature.PolicyRequirementError
	return errors.As(err, &pre)
}
