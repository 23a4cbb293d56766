package engine

import (
	"context"
	"sync"

	"github.com/podunit/podunit/engine/model"
)

// podMemoKey marks a context whose pod reads go through one podMemo.
type podMemoKey struct{}

// podMemo is the pod record that the steps of one container's prepare each
// ask for (its namespaces, hosts file, resolv.conf, host name: eight reads
// of the same record otherwise). It lives as long as that context: the
// record is as it was when the prepare first read it, and the steps see
// one pod, not a pod that changes between them.
type podMemo struct {
	mu sync.Mutex // a pod start's members prepare at once
	p  *model.Pod
}

// withPodMemo returns ctx with a pod memo: its own, or the one ctx has
// (a unit-start's, whose first steps read the pod too).
func withPodMemo(ctx context.Context) context.Context {
	if _, ok := ctx.Value(podMemoKey{}).(*podMemo); ok {
		return ctx
	}
	return context.WithValue(ctx, podMemoKey{}, &podMemo{})
}

// forgetPod drops the memo's record, after a change to it in this process.
func forgetPod(ctx context.Context) {
	if m, _ := ctx.Value(podMemoKey{}).(*podMemo); m != nil {
		m.mu.Lock()
		m.p = nil
		m.mu.Unlock()
	}
}

// rememberPod puts p, just read, in ctx's memo, if it has one.
func rememberPod(ctx context.Context, p *model.Pod) {
	if m, _ := ctx.Value(podMemoKey{}).(*podMemo); m != nil {
		m.mu.Lock()
		m.p = p
		m.mu.Unlock()
	}
}

// podOf is member c's pod record: the memo's in a context that has one
// (read once), else read now. Callers must not change the record: those
// sharing the memo see the same one.
func (e *Engine) podOf(ctx context.Context, c *model.Container) (*model.Pod, error) {
	if m, _ := ctx.Value(podMemoKey{}).(*podMemo); m != nil {
		m.mu.Lock()
		p := m.p
		m.mu.Unlock()
		if p != nil && p.ID == c.Config.Pod {
			return p, nil
		}
	}
	p, err := e.store.Pod(ctx, c.Config.Pod)
	if err == nil {
		rememberPod(ctx, p)
	}
	return p, err
}
