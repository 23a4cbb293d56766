// Command sockserve serves HTTP on descriptor 3, the first socket systemd's
// socket activation passes, and answers every request with what it was
// given: its pid and the LISTEN_* variables. The socket activation e2e test
// runs it in a container.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	l, err := net.FileListener(os.NewFile(3, "listen"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "sockserve: descriptor 3:", err)
		os.Exit(1)
	}
	answer := fmt.Sprintf("activated pid=%d LISTEN_PID=%s LISTEN_FDS=%s LISTEN_FDNAMES=%s\n",
		os.Getpid(), os.Getenv("LISTEN_PID"), os.Getenv("LISTEN_FDS"), os.Getenv("LISTEN_FDNAMES"))
	err = http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, answer)
	}))
	fmt.Fprintln(os.Stderr, "sockserve:", err)
	os.Exit(1)
}
