package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/podunit/podunit/engine/errdefs"
	"github.com/podunit/podunit/engine/model"
	"github.com/podunit/podunit/engine/systemd"
)

// Event is one thing that happened to a container, pod, volume or image,
// as `podunit events` shows it. Events live in the journal as structured
// entries (systemd.SendEvent), where Podman's journald backend keeps its.
type Event struct {
	Type       string // container, pod, volume, image, system
	Status     string // create, start, died, remove, stop …
	ID         string
	Name       string
	Image      string
	PodID      string
	ExitCode   *int
	Attributes map[string]string // the object's labels
	Time       time.Time
	Unit       string // the systemd unit of the container, if it has one (not read back)
}

// emit records ev in the journal. An event that cannot be recorded (no
// journal here) is dropped: it never undoes or fails the work it reports.
func (e *Engine) emit(ev Event) {
	fields := map[string]string{"TYPE": ev.Type, "EVENT": ev.Status, "ID": ev.ID, "NAME": ev.Name,
		"TIME": strconv.FormatInt(time.Now().UnixNano(), 10)}
	if ev.Image != "" {
		fields["IMAGE"] = ev.Image
	}
	if ev.PodID != "" {
		fields["POD_ID"] = ev.PodID
	}
	if ev.ExitCode != nil {
		fields["EXIT_CODE"] = strconv.Itoa(*ev.ExitCode)
	}
	if len(ev.Attributes) > 0 {
		if b, err := json.Marshal(ev.Attributes); err == nil {
			fields["LABELS"] = string(b)
		}
	}
	msg := fmt.Sprintf("%s %s %s (name=%s)", ev.Type, ev.Status, ev.ID, ev.Name)
	_ = systemd.SendEvent(msg, fields, ev.Unit, e.cfg.Rootless.On)
}

// containerEvent records status for c; died carries the exit code.
func (e *Engine) containerEvent(c *model.Container, status string) {
	ev := Event{Type: "container", Status: status, ID: c.ID, Name: c.Name, Image: c.Image,
		PodID: c.Config.Pod, Attributes: c.Config.Labels, Unit: c.State.Unit}
	if status == "died" {
		code := c.State.ExitCode
		ev.ExitCode = &code
	}
	e.emit(ev)
}

func (e *Engine) podEvent(p *model.Pod, status string) {
	e.emit(Event{Type: "pod", Status: status, ID: p.ID, Name: p.Name, Attributes: p.Config.Labels})
}

func (e *Engine) imageEvent(status, id, name string) {
	e.emit(Event{Type: "image", Status: status, ID: id, Name: name})
}

// systemEvent records what happened to no one object, as Podman's system
// events (auto-update).
func (e *Engine) systemEvent(status string) {
	e.emit(Event{Type: "system", Status: status})
}

func (e *Engine) volumeEvent(v *model.Volume, status string) {
	e.emit(Event{Type: "volume", Status: status, ID: v.Name, Name: v.Name, Attributes: v.Labels})
}

// EventOptions are `podunit events` time bounds and --stream.
type EventOptions struct {
	Since, Until time.Time
	Stream       bool
}

// Events hands each recorded event, oldest first, to fn; with Stream it
// keeps waiting for new ones until ctx ends.
func (e *Engine) Events(ctx context.Context, o EventOptions, fn func(Event) error) error {
	if !systemd.Available() {
		return fmt.Errorf("events: the journal is not available here (systemd is not running): %w", errdefs.ErrUnavailable)
	}
	so := systemd.EventOptions{Since: o.Since, Until: o.Until, Follow: o.Stream}
	return systemd.ReadEvents(ctx, so, func(se systemd.Event) error { return fn(eventFrom(se)) })
}

func eventFrom(se systemd.Event) Event {
	f := se.Fields
	ev := Event{Type: f["TYPE"], Status: f["EVENT"], ID: f["ID"], Name: f["NAME"], Image: f["IMAGE"],
		PodID: f["POD_ID"], Time: se.Time, Attributes: map[string]string{}}
	if n, err := strconv.Atoi(f["EXIT_CODE"]); err == nil {
		ev.ExitCode = &n
	}
	if l := f["LABELS"]; l != "" {
		_ = json.Unmarshal([]byte(l), &ev.Attributes)
	}
	return ev
}
