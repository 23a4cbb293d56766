package quadlet

import (
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// secretRef is one secret a container file gives, with the line that
// gives it.
type secretRef struct {
	e    unitfile.Entry
	name string
}

// secretRefs are the secrets of Secret= and of PodmanArgs='s --secret
// NAME[,opts] (or --secret=…), so each gets its LoadCredential=.
func (t *translator) secretRefs() []secretRef {
	var refs []secretRef
	for _, e := range t.all("Secret") {
		name, _, _ := strings.Cut(e.Value, ",")
		refs = append(refs, secretRef{e, name})
	}
	for _, e := range t.sec.All("PodmanArgs") {
		words, _, err := unitfile.SplitWordsRelaxed(e.Value)
		if err != nil {
			continue // podmanArgs reports it
		}
		for i, w := range words {
			v, ok := strings.CutPrefix(w, "--secret=")
			if !ok && w == "--secret" && i+1 < len(words) {
				v, ok = words[i+1], true
			}
			if ok {
				name, _, _ := strings.Cut(v, ",")
				refs = append(refs, secretRef{e, name})
			}
		}
	}
	return refs
}
