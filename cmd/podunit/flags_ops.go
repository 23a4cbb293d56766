package main

import (
	"github.com/spf13/pflag"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/model"
)

// opsFlags are the operations flags of run and create: secrets.
type opsFlags struct {
	secrets []string
}

func (f *opsFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.secrets, "secret", nil,
		"give the container a secret: NAME[,type=mount|env][,target=PATH|VAR][,uid=N][,gid=N][,mode=OCTAL]")
}

// apply adds the parsed flags to the container's configuration.
func (f *opsFlags) apply(cfg *model.Config) error {
	for _, s := range f.secrets {
		r, err := engine.ParseSecret(s)
		if err != nil {
			return err
		}
		cfg.Secrets = append(cfg.Secrets, r)
	}
	return nil
}

// inspectSecret is one secret of a container as Podman's inspect shows it
// (Config.Secrets): which secret and how it is mounted, never its value.
type inspectSecret struct {
	Name string `json:"Name"`
	ID   string `json:"ID"`
	UID  uint32 `json:"UID"`
	GID  uint32 `json:"GID"`
	Mode uint32 `json:"Mode"`
}

func inspectSecrets(refs []model.SecretRef) []inspectSecret {
	var out []inspectSecret
	for _, r := range refs {
		out = append(out, inspectSecret{Name: r.Name, ID: r.ID, UID: r.UID, GID: r.GID, Mode: r.Mode})
	}
	return out
}
