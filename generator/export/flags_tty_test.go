package export

import (
	"slices"
	"testing"

	"github.com/podunit/podunit/engine/model"
)

func TestRunFlagsKeepTerminal(t *testing.T) {
	for _, tc := range []struct {
		term model.TermConfig
		want []string
	}{
		{model.TermConfig{}, nil},
		{model.TermConfig{Tty: true}, []string{"--tty"}},
		{model.TermConfig{Interactive: true}, []string{"--interactive"}},
		{model.TermConfig{Tty: true, Interactive: true}, []string{"--tty", "--interactive"}},
	} {
		c := &model.Container{Name: "c", Image: "img", Config: model.Config{TermConfig: tc.term, Cmd: []string{"sh"}}}
		args := runFlags(c, nil)
		img := slices.Index(args, "img")
		var got []string
		for _, a := range args[:img] {
			if a == "--tty" || a == "--interactive" {
				got = append(got, a)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%+v: runFlags %q, want the flags %q before the image", tc.term, args, tc.want)
		}
	}
}
