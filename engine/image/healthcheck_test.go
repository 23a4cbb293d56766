package image

import (
	"reflect"
	"testing"
	"time"
)

func TestParseHealthcheck(t *testing.T) {
	docker := `{"config":{"Cmd":["sh"],"Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":2000000000,"Retries":4}}}`
	h, err := parseHealthcheck([]byte(docker))
	want := &Healthcheck{Test: []string{"CMD-SHELL", "true"}, Interval: 2 * time.Second, Retries: 4}
	if err != nil || !reflect.DeepEqual(h, want) {
		t.Errorf("docker config: %+v, %v", h, err)
	}
	for _, none := range []string{`{"config":{}}`, `{"config":{"Healthcheck":{"Test":["NONE"]}}}`, `{}`} {
		if h, err := parseHealthcheck([]byte(none)); h != nil || err != nil {
			t.Errorf("%s: %+v, %v; want none", none, h, err)
		}
	}
	if _, err := parseHealthcheck([]byte("{")); err == nil {
		t.Error("a broken configuration was accepted")
	}
}
