//go:build !hotpath

package image

// What the transfers share of containers/image's system context: left out of
// the hot-path binary with them (transfer_hot.go), so that it links none of
// containers/image.

import (
	"fmt"
	"os"

	"go.podman.io/image/v5/pkg/sysregistriesv2"
	"go.podman.io/image/v5/types"
)

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

// apply sets x's platform and certificates on a pull's system context.
func (x PullExtras) apply(sys *types.SystemContext) {
	sys.OSChoice, sys.ArchitectureChoice, sys.VariantChoice = x.OS, x.Arch, x.Variant
	if x.CertDir != "" {
		sys.DockerCertPath = x.CertDir
	}
}

// sys is the op's containers/image context: its large temporary files go
// into the op's directory.
func (o *op) sys() *types.SystemContext { return &types.SystemContext{BigFilesTemporaryDir: o.dir} }

// SearchRegistries lists registries.conf's unqualified-search-registries
// (o's file, else $CONTAINERS_REGISTRIES_CONF, else the system's).
func (s *Store) SearchRegistries(o RegistryOptions) ([]string, error) {
	regs, err := sysregistriesv2.UnqualifiedSearchRegistries(s.systemContext(o))
	if err != nil {
		return nil, fmt.Errorf("reading registries.conf: %w", err)
	}
	return regs, nil
}
