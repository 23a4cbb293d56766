package filter

import (
	"errors"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
)

type row struct {
	name, id, status string
	labels           map[string]string
	created          time.Time
	dangling         bool
	code             int
}

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

var rows = []row{
	{name: "web", id: "aaa111", status: "running", labels: map[string]string{"app": "shop", "tier": "front"}, created: t0},
	{name: "db", id: "bbb222", status: "exited", labels: map[string]string{"app": "shop"}, created: t0.Add(time.Hour), dangling: true, code: 3},
	{name: "web2", id: "aab333", status: "created", created: t0.Add(2 * time.Hour)},
}

func lookup(ref string) (time.Time, error) {
	for _, r := range rows {
		if r.name == ref {
			return r.created, nil
		}
	}
	return time.Time{}, errors.New("no such row " + ref)
}

var testRules = Rules[row]{
	"name":     Regexp(func(r row) string { return r.name }),
	"id":       Prefix(func(r row) string { return r.id }),
	"status":   Equal(func(r row) string { return r.status }, "created", "running", "exited"),
	"label":    Label(func(r row) map[string]string { return r.labels }),
	"label!":   NotLabel(func(r row) map[string]string { return r.labels }),
	"dangling": Bool(func(r row) bool { return r.dangling }),
	"exited":   Int(func(r row) (int, bool) { return r.code, r.status == "exited" }),
	"before":   Relative(func(r row) time.Time { return r.created }, lookup, false),
	"since":    Relative(func(r row) time.Time { return r.created }, lookup, true),
	"until":    Until(func(r row) time.Time { return r.created }, t0.Add(3*time.Hour)),
}

func TestCompile(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"web", "db", "web2"}},
		{[]string{"name=^web"}, []string{"web", "web2"}},
		{[]string{"name=^web$", "name=db"}, []string{"web", "db"}},           // same key: any
		{[]string{"name=web", "status=created"}, []string{"web2"}},           // different keys: all
		{[]string{"label=app=shop", "label=tier"}, []string{"web"}},          // label: every one
		{[]string{"label=app=sh*"}, []string{"web", "db"}},                   // wildcard
		{[]string{"label!=tier"}, []string{"db", "web2"}},                    // negated
		{[]string{"id=aa"}, []string{"web", "web2"}},                         // prefix
		{[]string{"dangling=true"}, []string{"db"}},                          //
		{[]string{"exited=3"}, []string{"db"}},                               //
		{[]string{"exited=0"}, nil},                                          //
		{[]string{"before=db"}, []string{"web"}},                             //
		{[]string{"since=db"}, []string{"web2"}},                             //
		{[]string{"until=2026-01-01T01:30:00Z"}, []string{"web", "db"}},      // timestamp
		{[]string{"until=2h"}, []string{"web"}},                              // duration back from "now"
		{[]string{"status=running", "status=exited"}, []string{"web", "db"}}, //
	} {
		match, err := Compile(tc.args, testRules)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		var got []string
		for _, r := range rows {
			if match(r) {
				got = append(got, r.name)
			}
		}
		if len(got) != len(tc.want) || (len(got) > 0 && !equal(got, tc.want)) {
			t.Errorf("%v: matched %v, want %v", tc.args, got, tc.want)
		}
	}
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCompileRejects(t *testing.T) {
	for _, args := range [][]string{
		{"name"}, {"colour=red"}, {"name=("}, {"status=sleeping"}, {"dangling=maybe"},
		{"exited=x"}, {"before=nosuch"}, {"until=yesterday-ish"}, {"label="},
	} {
		_, err := Compile(args, testRules)
		if !errors.Is(err, errdefs.ErrInvalidArgument) {
			t.Errorf("%v: error %v, want an InvalidArgument", args, err)
		}
	}
}
