package generator

import (
	"fmt"
	"io"
	"os"
)

// KmsgWriter returns a writer that logs each Write as one kernel log
// record at level err ("<3>podunit-generator[PID]: …"), as generators log
// when nothing else runs yet; when /dev/kmsg cannot be opened it returns
// fallback unchanged. The caller closes the returned closer.
func KmsgWriter(fallback io.Writer) (io.Writer, func()) {
	f, err := os.OpenFile("/dev/kmsg", os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fallback, func() {}
	}
	return &kmsg{f: f, prefix: fmt.Sprintf("<3>podunit-generator[%d]: ", os.Getpid())}, func() { _ = f.Close() }
}

type kmsg struct {
	f      *os.File
	prefix string
}

func (k *kmsg) Write(p []byte) (int, error) {
	if _, err := k.f.Write(append([]byte(k.prefix), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}
