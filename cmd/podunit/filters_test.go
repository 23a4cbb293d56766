package main

import (
	"testing"

	"github.com/podunit/podunit/engine/model"
)

func TestReferenceMatches(t *testing.T) {
	for _, tc := range []struct {
		full, v string
		want    bool
	}{
		{"localhost/bb:latest", "bb", true},
		{"localhost/bb:latest", "bb:latest", true},
		{"localhost/bb:latest", "localhost/bb", true},
		{"localhost/bb:latest", "b*", true},
		{"localhost/bb:latest", "bb:1", false},
		{"localhost/bb:latest", "b", false},
		{"127.0.0.1:5000/podunit/bb:1", "podunit/bb", true},
		{"127.0.0.1:5000/podunit/bb:1", "*/bb:1", true},
	} {
		if got := referenceMatches(tc.full, tc.v); got != tc.want {
			t.Errorf("referenceMatches(%q, %q) = %v", tc.full, tc.v, got)
		}
	}
}

func TestIsAncestor(t *testing.T) {
	c := &model.Container{Image: "bb", ImageID: "0123456789abcdef"}
	for v, want := range map[string]bool{"bb": true, "localhost/bb:latest": true, "bb:latest": true,
		"0123": true, "sha256:0123": true, "01": false, "cc": false} {
		if got := isAncestor(c, v); got != want {
			t.Errorf("isAncestor(%q) = %v", v, got)
		}
	}
}

func TestPodFilter(t *testing.T) {
	rows := []podRow{
		{Name: "shop", fullID: "aaaa", Status: "Running", Labels: map[string]string{"app": "x"}, NumberOfContainers: 2,
			Containers: []podMember{{ID: "c1", Names: "web", Status: "running"}, {ID: "c2", Names: "db", Status: "exited"}}},
		{Name: "blog", fullID: "bbbb", Status: "Created", NumberOfContainers: 0, Containers: []podMember{}},
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ctr-names=db"}, "shop"},
		{[]string{"ctr-status=exited"}, "shop"},
		{[]string{"ctr-ids=c2"}, "shop"},
		{[]string{"ctr-number=0"}, "blog"},
		{[]string{"status=created"}, "blog"},
		{[]string{"label!=app"}, "blog"},
		{[]string{"id=bb", "name=^b"}, "blog"},
	} {
		match, err := podFilter(tc.args)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		got := ""
		for _, r := range rows {
			if match(r) {
				got += r.Name
			}
		}
		if got != tc.want {
			t.Errorf("%v matched %q, want %q", tc.args, got, tc.want)
		}
	}
	if _, err := podFilter([]string{"ctr-status=asleep"}); err == nil {
		t.Error("ctr-status=asleep accepted")
	}
}
