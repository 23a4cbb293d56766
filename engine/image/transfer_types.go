package image

// The option types of the transfer verbs (pull, push, save, load, login) and
// what the storage core shares with them. They stay in every build; the
// transfers themselves are in files left out of the hot-path binary (build
// tag hotpath, see transfer_hot.go).

import (
	"io"
	"strings"
	"time"
)

// PullExtras are pull's platform, certificate and retry settings
// (podman pull --os, --arch, --variant, --cert-dir, --retry, --retry-delay).
type PullExtras struct {
	OS, Arch, Variant string        // the platform to choose from a manifest list ("": this machine's)
	CertDir           string        // directory of *.crt, *.cert, *.key for the registry's TLS
	Retry             int           // tries after the first failed copy of a candidate (0: none)
	RetryDelay        time.Duration // wait between tries ("": exponential from 1s)
	DecryptionKeys    []string      // KEY[:PASSPHRASE] files for encrypted layers (--decryption-key)
}

// DefaultPullRetries is how often a failed pull is tried again, Podman's.
const DefaultPullRetries = 3

// PushOptions control Push.
type PushOptions struct {
	Progress io.Writer // as PullOptions.Progress
	RegistryOptions
	PushEncryption
}

// The archive formats of Save.
const (
	FormatDockerArchive = "docker-archive"
	FormatOCIArchive    = "oci-archive"
)

// PushEncryption is podman push's --encryption-key and --encrypt-layer:
// the pushed copy's layers encrypted (as an OCI image) for the given
// recipients.
type PushEncryption struct {
	EncryptionKeys []string // PROTOCOL:KEY recipients: jwe:PUBLIC.pem, pkcs7:CERT.pem, pgp:EMAIL, pkcs11:…
	EncryptLayers  []int    // layer indexes to encrypt (negative from the top); none given means all
}

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

// pullTransports are the sources Pull takes besides a registry, by their
// "transport:" prefix as podman names them ("docker://" is a registry):
// containers/image's docker-archive, oci-archive, oci and dir transports,
// named here so that the core need not link them (TestPullTransportNames).
var pullTransports = []string{"docker-archive", "oci-archive", "oci", "dir"}

// localSource splits "transport:rest" for a transport of pullTransports.
func localSource(name string) (transport, rest string, ok bool) {
	prefix, rest, found := strings.Cut(name, ":")
	for _, t := range pullTransports {
		if found && prefix == t {
			return t, rest, true
		}
	}
	return "", "", false
}
