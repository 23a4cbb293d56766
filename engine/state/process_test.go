package state

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/locks"
	"github.com/podunit/podunit/engine/model"
)

// helperEnv selects what TestHelperProcess does in a child process.
const helperEnv = "PODUNIT_STATE_HELPER"

// TestHelperProcess is not a test: it is the body of the child processes
// the cross-process tests start. Modes:
//   - increment DB LOCKS ID N: N times, under the lock on ID, read the
//     counter and write it back plus one in two separate steps.
//   - hold LOCKS ID: lock ID, say "locked", wait for a line on stdin, say
//     "unlocked <unix nanoseconds just before unlocking>" and exit.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return
	}
	var err error
	switch args := helperArgs(); mode {
	case "increment":
		err = helperIncrement(args[0], args[1], args[2], args[3])
	case "hold":
		err = helperHold(args[0], args[1])
	default:
		err = fmt.Errorf("unknown helper mode %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// helperArgs are the arguments after "--".
func helperArgs() []string {
	for i, a := range os.Args {
		if a == "--" {
			return os.Args[i+1:]
		}
	}
	return nil
}

func helperIncrement(dbPath, lockDir, id, count string) error {
	n, err := strconv.Atoi(count)
	if err != nil {
		return err
	}
	s, err := Open(dbPath)
	if err != nil {
		return err
	}
	defer s.Close()
	l, err := locks.New(lockDir)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if err := lockedIncrement(s, l, id); err != nil {
			return err
		}
	}
	return nil
}

// lockedIncrement is a lost-update pattern that only the lock makes safe:
// read in one statement, write in another transaction.
func lockedIncrement(s *Store, l *locks.Dir, id string) error {
	unlock, err := l.Lock(context.Background(), id)
	if err != nil {
		return err
	}
	defer unlock()
	c, err := s.Container(context.Background(), id)
	if err != nil {
		return err
	}
	next := c.State.ExitCode + 1
	_, err = s.UpdateContainer(context.Background(), id, func(c *model.Container) error {
		c.State.ExitCode = next
		return nil
	})
	return err
}

func helperHold(lockDir, id string) error {
	l, err := locks.New(lockDir)
	if err != nil {
		return err
	}
	unlock, err := l.Lock(context.Background(), id)
	if err != nil {
		return err
	}
	fmt.Println("locked")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return err
	}
	at := time.Now().UnixNano()
	unlock()
	fmt.Println("unlocked", at)
	return nil
}

// child is a running helper process.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

// startHelper starts this test binary as a helper in mode with args.
func startHelper(t *testing.T, mode string, args ...string) *child {
	t.Helper()
	argv := append([]string{"-test.run=^TestHelperProcess$", "--"}, args...)
	cmd := exec.Command(os.Args[0], argv...)
	cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return &child{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}
}

// expect reads the child's next line and fails unless it starts with word;
// it returns the rest of the line.
func (c *child) expect(t *testing.T, word string) string {
	t.Helper()
	line, err := c.out.ReadString('\n')
	if err != nil {
		t.Fatalf("helper: reading %q: %v", word, err)
	}
	var got, rest string
	fmt.Sscanf(line, "%s %s", &got, &rest)
	if got != word {
		t.Fatalf("helper said %q, want %q", line, word)
	}
	return rest
}
