package model

import (
	"fmt"
	"testing"
)

func TestHealthRecord(t *testing.T) {
	h := &HealthState{Status: HealthStarting}
	fail, pass := HealthLog{ExitCode: 1}, HealthLog{ExitCode: 0}
	h.Record(fail, 2, true, HealthLogMax) // in the start period, before a pass: not counted
	if h.Status != HealthStarting || h.FailingStreak != 0 {
		t.Fatalf("a failure in the start period: %+v", h)
	}
	h.Record(fail, 2, false, HealthLogMax)
	if h.Status != HealthStarting || h.FailingStreak != 1 {
		t.Fatalf("one failure of two retries: %+v", h)
	}
	h.Record(fail, 2, false, HealthLogMax)
	if h.Status != HealthUnhealthy || h.FailingStreak != 2 {
		t.Fatalf("two failures: %+v", h)
	}
	h.Record(pass, 2, false, HealthLogMax)
	if h.Status != HealthHealthy || h.FailingStreak != 0 {
		t.Fatalf("a pass: %+v", h)
	}
	h.Record(fail, 2, true, HealthLogMax) // healthy once: start period no longer shields
	if h.FailingStreak != 1 || h.Status != HealthHealthy {
		t.Fatalf("a failure after a pass in the start period: %+v", h)
	}
	for i := 0; i < 10; i++ {
		h.Record(HealthLog{ExitCode: 0, Output: fmt.Sprint(i)}, 2, false, HealthLogMax)
	}
	if len(h.Log) != HealthLogMax || h.Log[HealthLogMax-1].Output != "9" {
		t.Fatalf("the log keeps the last %d: %+v", HealthLogMax, h.Log)
	}
}

func TestHealthLogKeepAll(t *testing.T) {
	h := &HealthState{Status: HealthStarting}
	for i := 0; i < 9; i++ {
		h.Record(HealthLog{ExitCode: 0}, 1, false, 0)
	}
	if len(h.Log) != 9 {
		t.Errorf("--health-max-log-count 0 kept %d of 9", len(h.Log))
	}
}
