// Command podunit-start finishes a container unit's start on the bundle
// the podunit command that started the unit made (engine/unitstart). It is
// a unit's ExecStart=, not a command for people.
package main

import (
	"os"

	"github.com/podunit/podunit/engine/unitstart"
	_ "github.com/podunit/podunit/internal/hugeheap/early"
)

func main() { os.Exit(unitstart.Main(os.Args[1:])) }
