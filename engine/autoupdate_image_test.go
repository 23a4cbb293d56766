package engine

import (
	"reflect"
	"testing"
	"time"

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

// TestRetakeHealthAndStopSignal: a container that follows its image's
// name takes the new image's HEALTHCHECK and STOPSIGNAL where create took
// them from the image, completed with the --health-* flags it was given,
// and keeps a check or stop signal the user gave.
func TestRetakeHealthAndStopSignal(t *testing.T) {
	img := func(stop string, test ...string) *image.Image {
		i := &image.Image{Config: image.ImageConfig{Cmd: []string{"/cmd"}, StopSignal: stop}}
		if len(test) > 0 {
			i.Config.Healthcheck = &image.Healthcheck{Test: test, Interval: 7 * time.Second, Retries: 4}
		}
		return i
	}
	oldImg, newImg := img("SIGINT", "CMD", "old"), img("QUIT", "CMD-SHELL", "new")
	fromImage := func(flags model.HealthConfig) *model.HealthConfig { flags.FromImage = true; return &flags }
	for _, c := range []struct {
		name   string
		health *model.HealthConfig // as the flags give it
		stop   string              // --stop-signal
		newImg *image.Image
		want   *model.HealthConfig
		wantSt string
	}{
		{name: "both from the image", health: fromImage(model.HealthConfig{OnFailure: "none"}), newImg: newImg,
			want: &model.HealthConfig{Test: []string{"CMD-SHELL", "new"}, Interval: 7 * time.Second,
				Timeout: DefaultHealthTimeout, Retries: 4, OnFailure: "none"}, wantSt: "SIGQUIT"},
		{name: "flags' settings stay", health: fromImage(model.HealthConfig{Interval: 9 * time.Second, OnFailure: "kill"}),
			stop: "SIGHUP", newImg: newImg, want: &model.HealthConfig{Test: []string{"CMD-SHELL", "new"},
				Interval: 9 * time.Second, Timeout: DefaultHealthTimeout, Retries: 4, OnFailure: "kill"}, wantSt: "SIGHUP"},
		{name: "new image without either", health: fromImage(model.HealthConfig{OnFailure: "none"}), newImg: img(""),
			want: nil, wantSt: ""},
		{name: "--health-cmd given", health: &model.HealthConfig{Test: []string{"CMD", "mine"}, Interval: time.Second,
			Timeout: time.Second, Retries: 1, OnFailure: "none"}, newImg: newImg,
			want: &model.HealthConfig{Test: []string{"CMD", "mine"}, Interval: time.Second, Timeout: time.Second,
				Retries: 1, OnFailure: "none"}, wantSt: "SIGQUIT"},
		{name: "startup check, new image without one", newImg: img("SIGINT"),
			health: fromImage(model.HealthConfig{OnFailure: "none", Startup: &model.HealthStartup{Test: []string{"CMD", "s"}}}),
			want: &model.HealthConfig{Test: []string{"CMD", "old"}, Interval: 7 * time.Second, Timeout: DefaultHealthTimeout,
				Retries: 4, OnFailure: "none", Startup: &model.HealthStartup{Test: []string{"CMD", "s"}}}, wantSt: "SIGINT"},
	} {
		// As Create makes it from the old image.
		taken := healthTaken(c.health)
		h, err := imageHealth(c.health, oldImg)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		cfg := model.Config{Health: h, StopSignal: c.stop}
		cfg.FromImage = imageTaken(&cfg, CreateOptions{})
		cfg.FromImage.Health = taken
		if cfg.StopSignal == "" {
			cfg.StopSignal = signalName(oldImg.Config.StopSignal)
		}
		retakeFromImage(&cfg, c.newImg)
		if !reflect.DeepEqual(cfg.Health, c.want) || cfg.StopSignal != c.wantSt {
			t.Errorf("%s:\n got %+v, %q\nwant %+v, %q", c.name, cfg.Health, cfg.StopSignal, c.want, c.wantSt)
		}
	}
}
