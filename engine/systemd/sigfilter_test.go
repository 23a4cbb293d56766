package systemd

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/godbus/dbus/v5"
)

// wire encodes one message as systemd would send it.
func wire(t testing.TB, order binary.ByteOrder, typ dbus.Type, fields map[dbus.HeaderField]any, body ...any) []byte {
	t.Helper()
	m := &dbus.Message{Type: typ, Headers: map[dbus.HeaderField]dbus.Variant{}, Body: body}
	for f, v := range fields {
		m.Headers[f] = dbus.MakeVariant(v)
	}
	if len(body) > 0 {
		m.Headers[dbus.FieldSignature] = dbus.MakeVariant(dbus.SignatureOf(body...))
	}
	var b bytes.Buffer
	if err := m.EncodeTo(&b, order); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const managerIface = "org.freedesktop.systemd1.Manager"

func signalOf(t testing.TB, order binary.ByteOrder, path, iface, member string, body ...any) []byte {
	return wire(t, order, dbus.TypeSignal, map[dbus.HeaderField]any{
		dbus.FieldPath: dbus.ObjectPath(path), dbus.FieldInterface: iface, dbus.FieldMember: member,
	}, body...)
}

func propertiesChanged(t testing.TB, order binary.ByteOrder) []byte {
	return signalOf(t, order, "/org/freedesktop/systemd1/unit/podunit_2da_2eservice",
		"org.freedesktop.DBus.Properties", "PropertiesChanged", "org.freedesktop.systemd1.Unit",
		map[string]dbus.Variant{"ActiveState": dbus.MakeVariant("active"), "MainPID": dbus.MakeVariant(uint32(42))},
		[]string{"Conditions"})
}

func jobRemoved(t testing.TB, order binary.ByteOrder) []byte {
	return signalOf(t, order, "/org/freedesktop/systemd1", managerIface, "JobRemoved",
		uint32(9), dbus.ObjectPath("/org/freedesktop/systemd1/job/9"), "podunit-a.service", "done")
}

// stream is the server's side of a connection: what it sends, read in
// pieces as a socket would hand them out, and what the client wrote.
type stream struct {
	io.Reader
	written bytes.Buffer
}

func (s *stream) Write(p []byte) (int, error) { return s.written.Write(p) }
func (s *stream) Close() error                { return nil }

// TestSignalFilter reads a connection's stream as godbus does: the
// authentication's line first, then messages. Replies, errors and the
// manager's JobRemoved arrive whole and in order, in either byte order;
// every other signal is dropped, even one named JobRemoved on another
// interface, and a message larger than one read passes whole.
func TestSignalFilter(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	big := strings.Repeat("x", 3*filterReadSize)
	reply := wire(t, le, dbus.TypeMethodReply, map[dbus.HeaderField]any{dbus.FieldReplySerial: uint32(2)},
		dbus.ObjectPath("/org/freedesktop/systemd1/job/9"))
	failure := wire(t, le, dbus.TypeError, map[dbus.HeaderField]any{
		dbus.FieldReplySerial: uint32(3), dbus.FieldErrorName: "org.freedesktop.systemd1.NoSuchUnit",
	}, "Unit podunit-x.service not loaded.")
	bigReply := wire(t, le, dbus.TypeMethodReply, map[dbus.HeaderField]any{dbus.FieldReplySerial: uint32(4)}, big)
	sent := [][]byte{
		propertiesChanged(t, le),
		reply,
		signalOf(t, le, "/org/freedesktop/systemd1", managerIface, "UnitNew", "podunit-a.service",
			dbus.ObjectPath("/org/freedesktop/systemd1/unit/podunit_2da_2eservice")),
		jobRemoved(t, le),
		signalOf(t, le, "/x", "org.example.Other", "JobRemoved", uint32(1)),
		signalOf(t, le, "/org/freedesktop/systemd1", managerIface, "Reloading", true, big), // larger than a read
		failure,
		propertiesChanged(t, be),
		jobRemoved(t, be),
		bigReply,
	}
	kept := []string{"reply to 2", "signal JobRemoved", "error to 3", "signal JobRemoved", "reply to 4"}

	for name, chunk := range map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"half":     iotest.HalfReader,
		"one byte": iotest.OneByteReader,
	} {
		t.Run(name, func(t *testing.T) {
			all := []byte("OK 0123456789abcdef\r\n")
			for _, m := range sent {
				all = append(all, m...)
			}
			s := &stream{Reader: chunk(bytes.NewReader(all))}
			f := newSignalFilter(s)
			line := make([]byte, len("OK 0123456789abcdef\r\n"))
			if _, err := io.ReadFull(f, line); err != nil || string(line) != "OK 0123456789abcdef\r\n" {
				t.Fatalf("authentication line: %q, %v", line, err)
			}
			if _, err := f.Write([]byte("BEGIN\r\n")); err != nil {
				t.Fatal(err)
			}
			var got []string
			for {
				m, err := dbus.DecodeMessage(f)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("after %v: %v", got, err)
				}
				switch m.Type {
				case dbus.TypeSignal:
					got = append(got, fmt.Sprint("signal ", m.Headers[dbus.FieldMember].Value()))
				case dbus.TypeMethodReply, dbus.TypeError:
					got = append(got, fmt.Sprint(m.Type, " to ", m.Headers[dbus.FieldReplySerial].Value()))
				}
				if serial := m.Headers[dbus.FieldReplySerial].Value(); serial == uint32(4) && (len(m.Body) != 1 || m.Body[0] != big) {
					t.Errorf("the large reply's body changed")
				}
			}
			if strings.Join(got, ", ") != strings.Join(kept, ", ") {
				t.Errorf("kept %q, want %q", got, kept)
			}
			if n := f.dropped.Load(); n != 5 {
				t.Errorf("dropped %d signals, want 5", n)
			}
			if s.written.String() != "BEGIN\r\n" {
				t.Errorf("written %q", s.written.String())
			}
		})
	}
}

// TestSignalFilterPassesWhatItCannotRead: a stream that is not D-Bus
// messages (an unknown byte order, a length beyond the protocol's) passes
// as it is, for godbus to report; a stream cut inside a message ends with
// an error, not with a message that is half there.
func TestSignalFilterPassesWhatItCannotRead(t *testing.T) {
	for name, tail := range map[string][]byte{
		"byte order": []byte("X\x01\x00\x01\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00rest"),
		"too long":   []byte("l\x04\x00\x01\xff\xff\xff\x7f\x01\x00\x00\x00\x00\x00\x00\x00rest"),
	} {
		t.Run(name, func(t *testing.T) {
			in := append(propertiesChanged(t, binary.LittleEndian), tail...)
			f := newSignalFilter(&stream{Reader: iotest.HalfReader(bytes.NewReader(in))})
			f.framing.Store(true)
			got, err := io.ReadAll(f)
			if err != nil || !bytes.Equal(got, tail) {
				t.Errorf("read %q, %v; want the tail %q as it came", got, err, tail)
			}
		})
	}
	cut := jobRemoved(t, binary.LittleEndian)
	f := newSignalFilter(&stream{Reader: bytes.NewReader(cut[:len(cut)-3])})
	f.framing.Store(true)
	if got, err := io.ReadAll(f); len(got) != 0 || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a cut message: read %q, %v; want nothing and %v", got, err, io.ErrUnexpectedEOF)
	}
}

// FuzzSignalFilter feeds arbitrary streams through the filter in pieces.
// What comes out must be what a reader that takes whole messages one by one
// keeps (the buffering loses, repeats and reorders nothing), and the filter
// must agree with godbus's own decoder: a message godbus reads as a reply,
// an error, a call or the manager's JobRemoved is never dropped, and a
// dropped one is the signal godbus reads under the same name.
func FuzzSignalFilter(f *testing.F) {
	le, be := binary.LittleEndian, binary.BigEndian
	f.Add(uint8(0), propertiesChanged(f, le))
	f.Add(uint8(1), append(jobRemoved(f, be), propertiesChanged(f, be)...))
	f.Add(uint8(2), append(propertiesChanged(f, le), jobRemoved(f, le)...))
	f.Add(uint8(3), wire(f, le, dbus.TypeMethodReply, map[dbus.HeaderField]any{dbus.FieldReplySerial: uint32(2)}, "x"))
	f.Fuzz(func(t *testing.T, pieces uint8, in []byte) {
		var r io.Reader = bytes.NewReader(in)
		switch pieces % 3 {
		case 1:
			r = iotest.HalfReader(r)
		case 2:
			r = iotest.OneByteReader(r)
		}
		sf := newSignalFilter(&stream{Reader: r})
		sf.framing.Store(true)
		got, _ := io.ReadAll(sf)

		var want []byte
		for rest := in; len(rest) >= 16; {
			size, ok := messageSize(rest)
			if !ok {
				want = append(want, rest...)
				break
			}
			if len(rest) < size {
				break
			}
			msg := rest[:size]
			rest = rest[size:]
			keep := keepMessage(msg)
			if keep {
				want = append(want, msg...)
			}
			m, err := dbus.DecodeMessage(bytes.NewReader(msg))
			if err != nil {
				continue // godbus refuses it whole; nothing to compare
			}
			needed := m.Type != dbus.TypeSignal ||
				m.Headers[dbus.FieldInterface].Value() == managerIface && m.Headers[dbus.FieldMember].Value() == "JobRemoved"
			if needed && !keep {
				t.Fatalf("dropped a message godbus reads as %v %v", m.Type, m.Headers)
			}
			if iface, member, ok := signalName(msg); ok && m.Type == dbus.TypeSignal {
				if m.Headers[dbus.FieldMember].Value() != string(member) ||
					string(iface) != "" && m.Headers[dbus.FieldInterface].Value() != string(iface) {
					t.Fatalf("header names %q.%q, godbus reads %v", iface, member, m.Headers)
				}
			}
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("streamed %d bytes, whole messages give %d", len(got), len(want))
		}
	})
}

// TestInSystemdSignalsFiltered: over the private socket of a real systemd,
// a start job's end still arrives (JobRemoved passes the filter) while the
// other signals systemd sends every client are dropped unread; a unit that
// takes the caller's stdin is started over a second connection, which
// passes the descriptor, and reads what the caller writes.
func TestInSystemdSignalsFiltered(t *testing.T) {
	dir, c := inSandbox(t)
	ctx := context.Background()
	work := mkdir(t, dir, "sigfilter")
	if c.filter == nil {
		t.Fatal("the private socket's connection has no signal filter")
	}
	plain := Transient{Name: "podunit-test-sigfilter.service", Type: "oneshot", RemainAfterExit: true,
		ExecStart: []string{"/bin/true"}, CollectMode: "inactive-or-failed"}
	if err := c.StartTransient(ctx, plain); err != nil {
		t.Fatal(err)
	}
	if n := c.filter.dropped.Load(); n == 0 {
		t.Error("no signal was dropped while a unit started")
	}
	if c.fdLink != nil {
		t.Error("a unit without a caller's stdin opened the descriptor-passing connection")
	}
	if err := c.Stop(ctx, plain.Name); err != nil {
		t.Fatal(err)
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	got := filepath.Join(work, "got")
	reader := Transient{Name: "podunit-test-sigfilter-stdin.service", Type: "exec",
		ExecStart:   []string{"/bin/sh", "-c", "cat >" + got + ".part && mv " + got + ".part " + got},
		CollectMode: "inactive-or-failed", Properties: StdinProperties(r)}
	err = c.StartTransient(ctx, reader)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	if c.fdLink == nil {
		t.Error("a unit that takes the caller's stdin was not started over the descriptor-passing connection")
	}
	if _, err := w.WriteString("through the unit's stdin\n"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if !until(10*time.Second, func() bool { b, _ := os.ReadFile(got); return len(b) > 0 }) {
		t.Fatal("the unit did not read its stdin")
	}
	if s := readFile(t, got); s != "through the unit's stdin\n" {
		t.Errorf("the unit read %q", s)
	}
}
