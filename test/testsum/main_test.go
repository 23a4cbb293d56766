package main

import (
	"bytes"
	"strings"
	"testing"
)

const stream = `{"Action":"start","Package":"p/a"}
{"Action":"run","Package":"p/a","Test":"TestOK"}
{"Action":"output","Package":"p/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"output","Package":"p/a","Test":"TestOK","Output":"    ok_test.go:3: quiet\n"}
{"Action":"pass","Package":"p/a","Test":"TestOK","Elapsed":1.5}
{"Action":"run","Package":"p/a","Test":"TestBad"}
{"Action":"run","Package":"p/a","Test":"TestBad/sub"}
{"Action":"output","Package":"p/a","Test":"TestBad/sub","Output":"    bad_test.go:9: boom\n"}
{"Action":"output","Package":"p/a","Test":"TestBad/sub","Output":"    --- FAIL: TestBad/sub (0.10s)\n"}
{"Action":"fail","Package":"p/a","Test":"TestBad/sub","Elapsed":0.1}
{"Action":"output","Package":"p/a","Test":"TestBad","Output":"--- FAIL: TestBad (7.00s)\n"}
{"Action":"fail","Package":"p/a","Test":"TestBad","Elapsed":7}
{"Action":"output","Package":"p/a","Output":"PASS\n"}
{"Action":"output","Package":"p/a","Output":"FAIL\tp/a\t8.6s\n"}
{"Action":"fail","Package":"p/a","Elapsed":8.6}
{"Action":"run","Package":"p/b","Test":"TestHang"}
{"Action":"output","Package":"p/b","Test":"TestHang","Output":"panic: test timed out\n"}
{"Action":"fail","Package":"p/b","Elapsed":1800}
{"Action":"run","Package":"p/c","Test":"TestCut"}
{"Action":"output","Package":"p/c","Test":"TestCut","Output":"stream ends here\n"}
`

func TestSummary(t *testing.T) {
	var out bytes.Buffer
	s := &summary{out: &out, running: map[string][]string{}}
	if err := s.read(strings.NewReader(stream)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "--- UNFINISHED: TestHang (p/b)") {
		t.Errorf("a timed-out package's running test was not printed at its package's end:\n%s", out.String())
	}
	s.flushUnfinished("")
	s.slowest(25)
	got := out.String()
	for _, want := range []string{"bad_test.go:9: boom", "--- FAIL: TestBad (7.00s)", "FAIL\tp/a\t8.6s",
		"--- UNFINISHED: TestHang (p/b)\npanic: test timed out", "--- UNFINISHED: TestCut (p/c)", "slowest tests (of 2, 9s in all)"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, not := range []string{"quiet", "=== RUN", "PASS\n"} {
		if strings.Contains(got, not) {
			t.Errorf("output has %q, which plain go test would not print:\n%s", not, got)
		}
	}
	if !s.failed {
		t.Error("a failed test and an unfinished one, yet no failure")
	}
	if i, j := strings.Index(got, "TestBad\n"), strings.Index(got, "TestOK\n"); i < 0 || j < 0 || i > j {
		t.Errorf("the slowest table is not in order:\n%s", got)
	}
}
