//go:build !hotpath

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/podunit/podunit/engine"
)

// versionInfo is Podman's version block (`version`'s Client, `info`'s version).
type versionInfo struct {
	APIVersion string
	Version    string
	GoVersion  string
	GitCommit  string
	BuiltTime  string
	Built      int64
	OsArch     string
	Os         string
}

func newVersionInfo() versionInfo {
	v := versionInfo{APIVersion: version, Version: version, GoVersion: runtime.Version(),
		OsArch: runtime.GOOS + "/" + runtime.GOARCH, Os: runtime.GOOS}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.GitCommit = s.Value
			case "vcs.time":
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					v.Built = t.Unix()
				}
			}
		}
	}
	v.BuiltTime = time.Unix(v.Built, 0).Format(time.ANSIC)
	return v
}

// printOne prints one object: JSON, a Go template, or with plain when no
// --format was given.
func (a *app) printOne(format string, v any, plain func() error) error {
	switch format {
	case "":
		return plain()
	case "json":
		return writeJSON(a.out, v)
	}
	return writeTable(a.out, "format", format, nil, nil, []any{v}, true)
}

// objectVerb builds a verb that shows one object: get returns it and how
// it prints without --format.
func (a *app) objectVerb(use, short string, get func(cmd *cobra.Command) (any, func() error, error)) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, plain, err := get(cmd)
			if err != nil {
				return err
			}
			return a.printOne(format, v, plain)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Go template or json")
	return cmd
}

func (a *app) versionCommand() *cobra.Command {
	return a.objectVerb("version [flags]", "Show podunit's version", func(*cobra.Command) (any, func() error, error) {
		c := newVersionInfo()
		return struct{ Client versionInfo }{c}, func() error {
			_, err := fmt.Fprintf(a.out, "Client:       podunit\nVersion:      %s\nAPI Version:  %s\nGo Version:   %s\n"+
				"Git Commit:   %s\nBuilt:        %s\nOS/Arch:      %s\n",
				c.Version, c.APIVersion, c.GoVersion, c.GitCommit, c.BuiltTime, c.OsArch)
			return err
		}, nil
	})
}

// infoData is `info`'s object: the engine's sections and the version.
type infoData struct {
	engine.Info
	Plugins infoPlugins `json:"plugins"`
	Version versionInfo `json:"version"`
}

func (a *app) infoCommand() *cobra.Command {
	return a.objectVerb("info [flags]", "Show the host, storage, registries and version podunit uses",
		func(cmd *cobra.Command) (any, func() error, error) {
			eng, err := a.engine()
			if err != nil {
				return nil, nil, err
			}
			info, err := eng.Info(a.ctx(cmd))
			if err != nil {
				return nil, nil, err
			}
			v := infoData{Info: *info, Plugins: newInfoPlugins(eng.NetworkDrivers()), Version: newVersionInfo()}
			return v, func() error { return a.writeYAML(v) }, nil
		})
}

// writeYAML prints v as block YAML with its JSON keys, in their order.
func (a *app) writeYAML(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var node yaml.Node
	if err := yaml.Unmarshal(b, &node); err != nil { // JSON is YAML
		return err
	}
	blockStyle(&node)
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	enc.CompactSeqIndent() // "- item" under its key, as Podman prints
	if err := enc.Encode(&node); err != nil {
		return err
	}
	_, err = a.out.Write(out.Bytes())
	return err
}

// blockStyle drops the flow style JSON's braces gave the nodes.
func blockStyle(n *yaml.Node) {
	n.Style &^= yaml.FlowStyle | yaml.DoubleQuotedStyle
	for _, c := range n.Content {
		blockStyle(c)
	}
}
