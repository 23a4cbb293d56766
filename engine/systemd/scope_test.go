package systemd

import "testing"

// TestScopeOfIsDelegatedAndHoldsThePID: an attached run's scope takes the
// process by PIDs= (D-Bus au), with its subtree delegated, and needs no
// ExecStart.
func TestScopeOfIsDelegatedAndHoldsThePID(t *testing.T) {
	props, err := scopeOf("podunit-abc.scope", "podunit container abc", 42).properties()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range props {
		got[p.Name] = p.Value.String()
	}
	want := map[string]string{"Description": `"podunit container abc"`, "Delegate": "true",
		"CollectMode": `"inactive-or-failed"`, "PIDs": "@au [42]"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s = %s, want %s", name, got[name], v)
		}
	}
}
