package engine

import (
	"testing"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
)

func TestCheckInitCtr(t *testing.T) {
	mk := func(typ, pod, restart string) CreateOptions {
		return CreateOptions{Pod: pod, Config: model.Config{Restart: restart, PodRole: model.PodRole{InitCtr: typ}}}
	}
	for _, tc := range []struct {
		o  CreateOptions
		ok bool
	}{
		{mk("", "", "always"), true},
		{mk("always", "web", ""), true},
		{mk("once", "web", "no"), true},
		{mk("sometimes", "web", ""), false},
		{mk("always", "", ""), false},
		{mk("once", "web", "always"), false},
		{mk("always", "web", "on-failure:3"), false},
		{func() CreateOptions { o := mk("always", "web", ""); o.Config.Remove = true; return o }(), false},
	} {
		err := checkInitCtr(tc.o)
		if tc.ok != (err == nil) || err != nil && !errdefs.IsInvalidArgument(err) {
			t.Errorf("checkInitCtr(%+v) = %v", tc.o.Config.PodRole, err)
		}
	}
}

func TestSplitInits(t *testing.T) {
	a := &model.Container{Name: "a"}
	i1 := &model.Container{Name: "i1", Config: model.Config{PodRole: model.PodRole{InitCtr: "always"}}}
	b := &model.Container{Name: "b"}
	i2 := &model.Container{Name: "i2", Config: model.Config{PodRole: model.PodRole{InitCtr: "once"}}}
	inits, others := splitInits([]*model.Container{a, i1, b, i2})
	if len(inits) != 2 || inits[0] != i1 || inits[1] != i2 || len(others) != 2 || others[0] != a || others[1] != b {
		t.Errorf("splitInits = %v, %v", inits, others)
	}
}
