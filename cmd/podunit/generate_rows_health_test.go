package main

import (
	"testing"

	"github.com/podunit/podunit/generator"
)

// TestServiceOfSkipsHealthUnits: quadlet list and generate's check rows
// name a source's service, not the health check units it also makes.
func TestServiceOfSkipsHealthUnits(t *testing.T) {
	res := &generator.Result{Units: []generator.Output{
		{Name: "web-healthcheck.service", Source: "/q/web.container", Extra: true},
		{Name: "web.service", Source: "/q/web.container"},
		{Name: "web-healthcheck.timer", Source: "/q/web.container", Extra: true},
	}}
	if got := serviceOf(res)["/q/web.container"]; got != "web.service" {
		t.Errorf("serviceOf: %q, want web.service", got)
	}
}
