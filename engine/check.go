package engine

import (
	"context"
	"fmt"
)

// CheckOptions are `system check` flags.
type CheckOptions struct {
	// Repair rebuilds lost records from what exists (a storage
	// container's copy of its record, the image of a record whose rootfs
	// is gone) and removes orphans that hold no user data: runtime state,
	// bundles, pins, units and lock files of objects that have no record.
	Repair bool
	// Force (with Repair) also removes what cannot be rebuilt and holds
	// data: damaged records without a copy, storage containers whose
	// record cannot be rebuilt, records whose image is gone too.
	Force bool
}

// Finding is one problem system check found, and what repair did to it.
type Finding struct {
	Kind    string // "container", "pod", "storage container", "runtime state", ...
	ID      string // the object's ID (or name, for a volume lock)
	Problem string
	Fixed   string // FixedRecord, FixedStorage or FixedRemoved; "" when left alone
	Err     error  // why a repair attempt failed
}

// What repair did to a finding.
const (
	FixedRecord  = "rebuilt record"            // the container's record, from its storage container's copy
	FixedStorage = "rebuilt storage container" // a new rootfs from the record's image
	FixedRemoved = "removed"
)

// CheckReport is what one system check found.
type CheckReport struct {
	Findings []Finding
}

// Unfixed counts the findings that repair did not fix.
func (r *CheckReport) Unfixed() int {
	n := 0
	for _, f := range r.Findings {
		if f.Fixed == "" {
			n++
		}
	}
	return n
}

// checker is one system check run.
type checker struct {
	e      *Engine
	o      CheckOptions
	report CheckReport
}

// Check looks for damaged records and for orphans, records without their
// storage or storage without its record, and with o.Repair fixes what it can.
func (e *Engine) Check(ctx context.Context, o CheckOptions) (*CheckReport, error) {
	k := &checker{e: e, o: o}
	for _, step := range []func(context.Context) error{
		k.damagedDatabase, k.damagedContainers, k.columnsOutOfStep, k.damagedPods, k.orphanRootfs, k.recordsWithoutRootfs,
		k.orphanRuntime, k.orphanFiles, k.orphanVolumes, k.orphanUnits, k.staleLocks,
	} {
		if err := step(ctx); err != nil {
			return &k.report, err
		}
	}
	return &k.report, nil
}

// found records a finding; fix, if repair is on and allowed (lossy fixes
// need Force), is tried and its outcome recorded.
func (k *checker) found(kind, id, problem string, lossy bool, fixed string, fix func() error) {
	f := Finding{Kind: kind, ID: id, Problem: problem}
	if fix != nil && k.o.Repair && (!lossy || k.o.Force) {
		if f.Err = fix(); f.Err == nil {
			f.Fixed = fixed
		}
	}
	if fix != nil && lossy && k.o.Repair && !k.o.Force {
		f.Problem += " (removing it loses data: repair it with --force)"
	}
	k.report.Findings = append(k.report.Findings, f)
}

// foundf is found with a formatted problem, for findings that need no fix.
func (k *checker) foundf(kind, id, format string, args ...any) {
	k.found(kind, id, fmt.Sprintf(format, args...), false, "", nil)
}
