package engine

import (
	"reflect"
	"testing"

	"github.com/podunit/podunit/engine/image"
	"github.com/podunit/podunit/engine/model"
)

// TestRetakeFromImage: a container that follows its image's name takes
// the new image's command, environment, user and working directory where
// create took them from the image, and keeps what the user gave.
func TestRetakeFromImage(t *testing.T) {
	newImg := &image.Image{Config: image.ImageConfig{Entrypoint: []string{"/new-entry"}, Cmd: []string{"/new-cmd"},
		Env: []string{"PATH=/new/bin", "V=2", "SET=image"}, User: "new", WorkingDir: "/new"}}
	host := func(k string) (string, bool) { return "from-host", k == "HOSTVAR" }
	for _, c := range []struct {
		name string
		o    CreateOptions
		cfg  model.Config // what the user gave in the record's own fields
		want model.Config
	}{
		{name: "all from the image", want: model.Config{Entrypoint: []string{"/new-entry"}, Cmd: []string{"/new-cmd"},
			Env: []string{"PATH=/new/bin", "V=2", "SET=image"}, User: "new", WorkingDir: "/new"}},
		{name: "command given", o: CreateOptions{Cmd: []string{"mine"}, Env: []string{"SET=mine", "HOSTVAR", "GONE"}, Environ: host},
			cfg: model.Config{User: "me", WorkingDir: "/mine"},
			want: model.Config{Entrypoint: []string{"/new-entry"}, Cmd: []string{"mine"},
				Env: []string{"PATH=/new/bin", "V=2", "SET=mine", "HOSTVAR=from-host"}, User: "me", WorkingDir: "/mine"}},
		{name: "entrypoint given", o: CreateOptions{Entrypoint: &[]string{"/mine"}, EnvMerge: []string{"PATH=/x:${PATH}"}},
			want: model.Config{Entrypoint: []string{"/mine"}, Env: []string{"PATH=/x:/new/bin", "V=2", "SET=image"},
				User: "new", WorkingDir: "/new"}},
	} {
		cfg := c.cfg
		cfg.FromImage = imageTaken(&cfg, c.o)
		// As create made it from the old image.
		cfg.Entrypoint, cfg.Cmd, cfg.Env = []string{"/old-entry"}, []string{"/old-cmd"}, []string{"PATH=/old", "OLD=1"}
		if c.o.Entrypoint != nil {
			cfg.Entrypoint, cfg.Cmd = *c.o.Entrypoint, nil
		}
		if len(c.o.Cmd) > 0 {
			cfg.Cmd = c.o.Cmd
		}
		if cfg.User == "" {
			cfg.User, cfg.WorkingDir = "old", "/old"
		}
		retakeFromImage(&cfg, newImg)
		c.want.FromImage = cfg.FromImage
		if !reflect.DeepEqual(cfg, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, cfg, c.want)
		}
	}
}

// TestRetakeWithoutRecord: a container recorded before podunit noted what
// came from the image keeps its settings.
func TestRetakeWithoutRecord(t *testing.T) {
	cfg := model.Config{Cmd: []string{"/old"}, Env: []string{"A=1"}}
	retakeFromImage(&cfg, &image.Image{Config: image.ImageConfig{Cmd: []string{"/new"}, Env: []string{"B=2"}}})
	if !reflect.DeepEqual(cfg, model.Config{Cmd: []string{"/old"}, Env: []string{"A=1"}}) {
		t.Errorf("got %+v", cfg)
	}
}
