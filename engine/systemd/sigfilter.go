package systemd

import (
	"bytes"
	"encoding/binary"
	"io"
	"sync/atomic"
)

// signalFilter is the byte stream of a connection to a service manager's
// private socket, with the signals podunit does not wait for taken out
// before godbus decodes them. systemd sends every client of its private
// socket every signal of every unit: a direct connection has no bus daemon
// and no match rules. During a pod start that is about a hundred messages,
// most of them PropertiesChanged with a dictionary of variants, and godbus
// decoded each whole, three reads per message, for go-systemd to look at
// JobRemoved alone (a quarter of a `pod start` command's CPU).
//
// Until the client writes BEGIN the stream passes as it is (the
// authentication's lines). From then on it is read in large reads and cut
// into messages by their headers; a message is dropped only when its header
// is well formed and names a signal other than the manager's JobRemoved.
// Anything the filter cannot read as a message header (a byte order it does
// not know, a length over the protocol's limit) ends the filtering: the
// rest of the stream passes as it is and godbus reports it as it would.
// Descriptors cannot pass (godbus's generic transport): a transient unit
// that takes a caller's stdin is started over a connection of its own.
type signalFilter struct {
	rw      io.ReadWriteCloser
	framing atomic.Bool // BEGIN was written: messages follow
	raw     bool        // a header was not understood: pass everything
	buf     []byte      // bytes read; buf[off:] not handed out or dropped yet
	off     int
	out     []byte // the kept message being read by godbus (aliases buf)
	dropped atomic.Int64
}

// dbusMaxMessage is the D-Bus specification's limit on a message (128 MiB).
const dbusMaxMessage = 128 << 20

// filterReadSize is what one read of the socket asks for.
const filterReadSize = 64 << 10

func newSignalFilter(rw io.ReadWriteCloser) *signalFilter {
	return &signalFilter{rw: rw}
}

func (f *signalFilter) Write(p []byte) (int, error) {
	n, err := f.rw.Write(p)
	if !f.framing.Load() && bytes.Equal(p, []byte("BEGIN\r\n")) {
		f.framing.Store(true)
	}
	return n, err
}

func (f *signalFilter) Close() error { return f.rw.Close() }

func (f *signalFilter) Read(p []byte) (int, error) {
	if !f.framing.Load() {
		return f.rw.Read(p)
	}
	for len(f.out) == 0 {
		if err := f.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, f.out)
	f.out = f.out[n:]
	return n, nil
}

// next sets f.out to the next message to hand out, reading as much as it
// needs; signals nobody waits for are skipped.
func (f *signalFilter) next() error {
	for {
		pending := f.buf[f.off:]
		if f.raw {
			if len(pending) > 0 {
				f.out, f.off = pending, len(f.buf)
				return nil
			}
			return f.fill(1)
		}
		if len(pending) >= 16 {
			size, ok := messageSize(pending)
			if !ok {
				f.raw = true
				continue
			}
			if len(pending) >= size {
				msg := pending[:size]
				f.off += size
				if keepMessage(msg) {
					f.out = msg
					return nil
				}
				f.dropped.Add(1)
				continue
			}
			if err := f.fill(size); err != nil {
				return err
			}
			continue
		}
		if err := f.fill(16); err != nil {
			return err
		}
	}
}

// fill reads once, with room for at least want pending bytes and for a
// large read.
func (f *signalFilter) fill(want int) error {
	pending := len(f.buf) - f.off
	short := func() bool { free := cap(f.buf) - len(f.buf); return free < want-pending || free < filterReadSize/4 }
	if f.off > 0 && (pending == 0 || short()) {
		f.buf = f.buf[:copy(f.buf, f.buf[f.off:])]
		f.off = 0
	}
	if short() {
		grown := make([]byte, len(f.buf), len(f.buf)+max(want-pending, filterReadSize))
		copy(grown, f.buf)
		f.buf = grown
	}
	n, err := f.rw.Read(f.buf[len(f.buf):cap(f.buf)])
	f.buf = f.buf[:len(f.buf)+n]
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	if err == io.EOF && pending > 0 {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// headerOrder is the byte order a message's first byte names.
func headerOrder(b byte) (binary.ByteOrder, bool) {
	switch b {
	case 'l':
		return binary.LittleEndian, true
	case 'B':
		return binary.BigEndian, true
	}
	return nil, false
}

// messageSize is the length of the message whose fixed 16-byte header h
// begins with: the header, its fields padded to 8, the body.
func messageSize(h []byte) (int, bool) {
	order, ok := headerOrder(h[0])
	if !ok {
		return 0, false
	}
	body, fields := uint64(order.Uint32(h[4:])), uint64(order.Uint32(h[12:]))
	size := align(16+fields, 8) + body
	if size > dbusMaxMessage {
		return 0, false
	}
	return int(size), true
}

func align(n, to uint64) uint64 { return (n + to - 1) &^ (to - 1) }

// The header field codes and the message type this filter reads.
const (
	typeSignal     = 4
	fieldInterface = 2
	fieldMember    = 3
)

// keepMessage says whether msg, one whole message, goes on to godbus:
// everything but a signal whose header names another member than the
// manager's JobRemoved (go-systemd's wait for a job). A header it cannot
// read is kept.
func keepMessage(msg []byte) bool {
	if msg[1] != typeSignal {
		return true
	}
	iface, member, ok := signalName(msg)
	return !ok || string(iface) == "org.freedesktop.systemd1.Manager" && string(member) == "JobRemoved"
}

// signalName reads the INTERFACE and MEMBER fields of msg's header. Fields
// of the types a header holds (object path, string, signature, uint32) are
// skipped; another type stops it (ok false).
func signalName(msg []byte) (iface, member []byte, ok bool) {
	order, _ := headerOrder(msg[0])
	end := 16 + uint64(order.Uint32(msg[12:]))
	if end > uint64(len(msg)) {
		return nil, nil, false
	}
	pos := uint64(16)
	for pos < end {
		pos = align(pos, 8)
		if pos+2 > end {
			return nil, nil, false
		}
		code, sigLen := msg[pos], uint64(msg[pos+1])
		pos += 2
		if sigLen != 1 || pos+2 > end || msg[pos+1] != 0 {
			return nil, nil, false
		}
		sig := msg[pos]
		pos += 2
		switch sig {
		case 's', 'o':
			pos = align(pos, 4)
			if pos+4 > end {
				return nil, nil, false
			}
			n := uint64(order.Uint32(msg[pos:]))
			pos += 4
			if pos+n+1 > end {
				return nil, nil, false
			}
			switch code {
			case fieldInterface:
				iface = msg[pos : pos+n]
			case fieldMember:
				member = msg[pos : pos+n]
			}
			pos += n + 1
		case 'g':
			if pos >= end {
				return nil, nil, false
			}
			pos += uint64(msg[pos]) + 2
		case 'u':
			pos = align(pos, 4) + 4
		default:
			return nil, nil, false
		}
	}
	if pos != end || member == nil {
		return nil, nil, false
	}
	return iface, member, true
}
