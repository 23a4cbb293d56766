package main

import "testing"

func TestExitPropagation(t *testing.T) {
	names := []string{"a", "b", "c"}
	for _, tc := range []struct {
		mode  string
		codes []int
		want  int // -1: success
	}{
		{"none", []int{1, 2, 3}, -1},
		{"any", []int{0, 0, 0}, -1},
		{"any", []int{0, 3, 4}, 3},
		{"all", []int{0, 3, 4}, -1},
		{"all", []int{2, 3, 4}, 4},
	} {
		err := exitPropagation(tc.mode, names, tc.codes)
		got := -1
		if err != nil {
			got = exitCodeOf(err)
		}
		if got != tc.want {
			t.Errorf("%s %v: exit %d (%v), want %d", tc.mode, tc.codes, got, err, tc.want)
		}
	}
	if checkExitProp("some") == nil || checkExitProp("any") != nil || checkExitProp("") != nil {
		t.Error("checkExitProp")
	}
}
