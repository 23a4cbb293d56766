package export

import (
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/model"
)

// TestHealthBecomesFlags: generate systemd --new writes the health check
// back as --health-* flags.
func TestHealthBecomesFlags(t *testing.T) {
	_, members := fixture()
	c := *members[1]
	c.Config.Pod = ""
	c.Config.Health = &model.HealthConfig{Test: []string{"CMD-SHELL", "wget -q -O- 127.0.0.1 || exit 1"},
		Interval: 90 * time.Second, Timeout: 5 * time.Second, StartPeriod: time.Second, Retries: 4, OnFailure: "restart"}
	u, err := Container(&c, nil, Options{New: true})
	if err != nil {
		t.Fatal(err)
	}
	argv := strings.Join(execStart(t, u), " ")
	want := "--health-cmd wget -q -O- 127.0.0.1 || exit 1 --health-interval 1m30s --health-retries 4 " +
		"--health-start-period 1s --health-timeout 5s --health-on-failure restart"
	if !strings.Contains(argv, want) {
		t.Errorf("ExecStart %q lacks %q", argv, want)
	}
	c.Config.Health.Test, c.Config.Health.Interval = []string{"CMD", "/bin/check", "a b"}, 0
	u, err = Container(&c, nil, Options{New: true})
	if err != nil {
		t.Fatal(err)
	}
	if argv := strings.Join(execStart(t, u), " "); !strings.Contains(argv, `--health-cmd ["CMD","/bin/check","a b"] --health-interval disable`) {
		t.Errorf("ExecStart %q", argv)
	}
}

// TestNoHealthcheckBecomesFlag: a container made with --no-healthcheck
// (the image's check refused) is written back with it, so the container
// made again from the unit does not take the image's check.
func TestNoHealthcheckBecomesFlag(t *testing.T) {
	_, members := fixture()
	c := *members[1]
	c.Config.Pod = ""
	u, err := Container(&c, nil, Options{New: true})
	if err != nil {
		t.Fatal(err)
	}
	if argv := strings.Join(execStart(t, u), " "); strings.Contains(argv, "--no-healthcheck") {
		t.Errorf("ExecStart %q has --no-healthcheck for a container that did not refuse a check", argv)
	}
	c.Config.NoHealthcheck = true
	u, err = Container(&c, nil, Options{New: true})
	if err != nil {
		t.Fatal(err)
	}
	if argv := strings.Join(execStart(t, u), " "); !strings.Contains(argv, " --no-healthcheck ") {
		t.Errorf("ExecStart %q lacks --no-healthcheck", argv)
	}
}
