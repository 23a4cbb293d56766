package systemd

import (
	"strings"
	"testing"
)

func TestPrinterPrefixesByIdentifier(t *testing.T) {
	in := `{"MESSAGE":"one","SYSLOG_IDENTIFIER":"web"}
{"MESSAGE":"two","SYSLOG_IDENTIFIER":"db","PRIORITY":"3"}
{"MESSAGE":"three","SYSLOG_IDENTIFIER":"other"}
`
	var out, errb strings.Builder
	if err := readEntries(strings.NewReader(in), newPrinter(&out, &errb, map[string]string{"web": "aaa ", "db": "bbb "})); err != nil {
		t.Fatal(err)
	}
	if out.String() != "aaa one\nthree\n" || errb.String() != "bbb two\n" {
		t.Errorf("stdout %q, stderr %q", out.String(), errb.String())
	}
	args := strings.Join(journalArgs(LogOptions{Unit: "a.service", MoreUnits: []string{"b.service"}, Tail: -1}, ""), " ")
	if !strings.Contains(args, "_SYSTEMD_UNIT=a.service _SYSTEMD_UNIT=b.service _TRANSPORT=stdout") {
		t.Errorf("journalctl args %s", args)
	}
}
