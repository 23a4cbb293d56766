package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/podunit/podunit/engine"
	"github.com/podunit/podunit/engine/filter"
	"github.com/podunit/podunit/engine/names"
)

// eventRow is one event for --format: Podman's template fields.
type eventRow struct {
	ID                string
	Image             string
	Name              string
	Status            string
	Type              string
	Time              time.Time
	TimeNano          int64
	ContainerExitCode *int
	PodID             string
	Attributes        map[string]string
}

// eventJSON is Podman's JSON line for an event.
type eventJSON struct {
	ContainerExitCode *int              `json:",omitempty"`
	ID                string            `json:",omitempty"`
	Image             string            `json:",omitempty"`
	Name              string            `json:",omitempty"`
	Status            string            `json:",omitempty"`
	Time              int64             `json:"time,omitempty"`
	TimeNano          int64             `json:"timeNano,omitempty"`
	Type              string            `json:",omitempty"`
	PodID             string            `json:",omitempty"`
	Attributes        map[string]string `json:",omitempty"`
}

// eventText is Podman's line: time, type, status, then the ID and
// (attributes), the image's ID and name, or the volume's name.
func eventText(ev engine.Event, noTrunc bool) string {
	when := ev.Time.Format("2006-01-02 15:04:05.000000000 -0700 MST")
	id := ev.ID
	if !noTrunc {
		id = names.ShortID(id)
	}
	switch ev.Type {
	case "volume":
		return fmt.Sprintf("%s %s %s %s", when, ev.Type, ev.Status, ev.Name)
	case "system":
		return fmt.Sprintf("%s %s %s", when, ev.Type, ev.Status)
	case "image":
		return fmt.Sprintf("%s %s %s %s %s", when, ev.Type, ev.Status, id, ev.Name)
	}
	var attrs []string
	if ev.Type == "container" {
		attrs = append(attrs, "image="+ev.Image)
	}
	attrs = append(attrs, "name="+ev.Name)
	if ev.PodID != "" {
		attrs = append(attrs, "pod_id="+ev.PodID)
	}
	if ev.ExitCode != nil {
		attrs = append(attrs, fmt.Sprintf("containerExitCode=%d", *ev.ExitCode))
	}
	for _, k := range slices.Sorted(maps.Keys(ev.Attributes)) {
		attrs = append(attrs, k+"="+ev.Attributes[k])
	}
	return fmt.Sprintf("%s %s %s %s (%s)", when, ev.Type, ev.Status, id, strings.Join(attrs, ", "))
}

// eventFilter compiles `events --filter`: type, event, container, pod,
// image, volume, label.
func eventFilter(args []string) (func(engine.Event) bool, error) {
	named := func(kind string) filter.Rule[engine.Event] {
		return func(v string) (func(engine.Event) bool, error) {
			return func(ev engine.Event) bool {
				return ev.Type == kind && (ev.Name == v || strings.HasPrefix(ev.ID, v))
			}, nil
		}
	}
	pod := func(v string) (func(engine.Event) bool, error) {
		byName, err := named("pod")(v)
		return func(ev engine.Event) bool { return byName(ev) || ev.PodID != "" && strings.HasPrefix(ev.PodID, v) }, err
	}
	attrs := func(ev engine.Event) map[string]string { return ev.Attributes }
	return filter.Compile(args, filter.Rules[engine.Event]{
		"type":      filter.Equal(func(ev engine.Event) string { return ev.Type }, "container", "pod", "volume", "image", "system"),
		"event":     filter.Equal(func(ev engine.Event) string { return ev.Status }),
		"container": named("container"),
		"pod":       pod,
		"volume":    named("volume"),
		"image": filter.Rule[engine.Event](func(v string) (func(engine.Event) bool, error) {
			return func(ev engine.Event) bool { return ev.Image == v || ev.Type == "image" && ev.Name == v }, nil
		}),
		"label": filter.Label(attrs),
	})
}

func (a *app) eventsCommand() *cobra.Command {
	var since, until, format string
	var filters []string
	var stream, noTrunc bool
	cmd := &cobra.Command{
		Use:   "events [flags]",
		Short: "Show the events podunit recorded in the journal",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := engine.EventOptions{Stream: stream && until == ""}
			var err error
			if o.Since, err = optionalTime("--since", since); err != nil {
				return err
			}
			if o.Until, err = optionalTime("--until", until); err != nil {
				return err
			}
			match, err := eventFilter(filters)
			if err != nil {
				return err
			}
			eng, err := a.engine()
			if err != nil {
				return err
			}
			// Ctrl-C ends a stream normally, as in Podman.
			ctx, stop := signal.NotifyContext(a.ctx(cmd), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return eng.Events(ctx, o, func(ev engine.Event) error {
				if !match(ev) {
					return nil
				}
				return a.printEvent(ev, format, noTrunc)
			})
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&since, "since", "", "only events since a time: RFC 3339, Unix seconds or a duration such as 10m")
	fs.StringVar(&until, "until", "", "only events until a time (implies --stream=false)")
	stringArrayVarP(fs, &filters, "filter", "f", "filter: type, event, container, pod, image, volume, label (KEY=VALUE)")
	fs.StringVar(&format, "format", "", "Go template or json")
	fs.BoolVar(&stream, "stream", true, "keep printing new events; false: print what is recorded and exit")
	fs.BoolVar(&noTrunc, "no-trunc", true, "do not truncate IDs")
	return cmd
}

func optionalTime(flag, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := filter.ParseTime(v, time.Now())
	if err != nil {
		return t, fmt.Errorf("%s %q: %v", flag, v, err)
	}
	return t, nil
}

func (a *app) printEvent(ev engine.Event, format string, noTrunc bool) error {
	switch format {
	case "":
		_, err := fmt.Fprintln(a.out, eventText(ev, noTrunc))
		return err
	case "json":
		return writeJSONLine(a.out, eventJSON{ContainerExitCode: ev.ExitCode, ID: ev.ID, Image: ev.Image, Name: ev.Name,
			Status: ev.Status, Time: ev.Time.Unix(), TimeNano: ev.Time.UnixNano(), Type: ev.Type, PodID: ev.PodID,
			Attributes: ev.Attributes})
	}
	row := eventRow{ID: ev.ID, Image: ev.Image, Name: ev.Name, Status: ev.Status, Type: ev.Type, Time: ev.Time,
		TimeNano: ev.Time.UnixNano(), ContainerExitCode: ev.ExitCode, PodID: ev.PodID, Attributes: ev.Attributes}
	return writeTable(a.out, "events", format, nil, nil, []eventRow{row}, true)
}

// writeJSONLine prints v as one line of JSON (a stream of objects).
func writeJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}
