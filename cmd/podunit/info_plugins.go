package main

import "github.com/podunit/podunit/engine/model"

// infoPlugins is the "plugins" section of Podman's info: the volume,
// network and log drivers podunit has. No authorization plugin exists.
type infoPlugins struct {
	Volume        []string `json:"volume"`
	Network       []string `json:"network"`
	Log           []string `json:"log"`
	Authorization []string `json:"authorization"`
}

// newInfoPlugins lists the network drivers given (those network create
// takes with the installed netavark).
func newInfoPlugins(network []string) infoPlugins {
	return infoPlugins{Volume: []string{"local"}, Network: network,
		Log: []string{model.LogJournald, model.LogNone, model.LogPassthrough}}
}
