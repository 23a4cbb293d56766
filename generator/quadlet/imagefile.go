package quadlet

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/podunit/podunit/generator/unitfile"
)

// image translates an .image file into pull.
func (t *translator) image() error {
	t.networkOnline()
	t.args = t.cmd("pull")
	for _, b := range []string{"TLSVerify", "AllTags"} {
		if _, set := t.last(b); !set {
			continue
		}
		on, err := t.boolean(b)
		if err != nil {
			return err
		}
		flag := map[string]string{"TLSVerify": "--tls-verify", "AllTags": "--all-tags"}[b]
		t.args = append(t.args, unitfile.Literal(fmt.Sprintf("%s=%t", flag, on))...)
	}
	for _, k := range [][2]string{{"Arch", "--arch"}, {"OS", "--os"}, {"Variant", "--variant"},
		{"AuthFile", "--authfile"}, {"CertDir", "--cert-dir"}, {"Creds", "--creds"}, {"Policy", "--policy"},
		{"DecryptionKey", "--decryption-key"}} {
		t.flag(k[0], k[1])
	}
	if err := t.retry(); err != nil {
		return err
	}
	if err := t.podmanArgs(); err != nil {
		return err
	}
	return t.oneshot(append(t.args, t.id.Object))
}

// retry translates Retry= (a count) and RetryDelay= (a duration: 5s,
// 1m30s, or plain seconds).
func (t *translator) retry() error {
	if e, ok := t.last("Retry"); ok {
		n, err := strconv.ParseUint(e.Value, 10, 16)
		if err != nil {
			return errf(e, "not a number of retries")
		}
		t.args = append(t.args, unitfile.Literal("--retry", strconv.FormatUint(n, 10))...)
	}
	if e, ok := t.last("RetryDelay"); ok {
		d, err := parseDelay(e.Value)
		if err != nil || d < 0 {
			return errf(e, "not a duration (5s, 1m30s)")
		}
		t.args = append(t.args, unitfile.Literal("--retry-delay", d.String())...)
	}
	return nil
}

// parseDelay reads a Go duration or a plain number of seconds.
func parseDelay(s string) (time.Duration, error) {
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	return time.ParseDuration(s)
}

// volumeCopy translates Copy= (copy the image's content at the mount
// point into the new volume, yes by default) and warns about an Image=
// that only Driver=image uses.
func (t *translator) volumeCopy() error {
	if e, ok := t.last("Image"); ok {
		t.warnf(e, "ignored: Image= is for Driver=image")
	}
	if _, set := t.last("Copy"); !set {
		return nil
	}
	on, err := t.boolean("Copy")
	if err != nil {
		return err
	}
	opt := map[bool]string{true: "copy", false: "nocopy"}[on]
	t.args = append(t.args, unitfile.Literal("--opt", opt)...)
	return nil
}

// imageVolume translates a .volume file with Driver=image: a writable copy
// of Image= (an image's name, or an .image file, which it then requires),
// as Quadlet has it; the local driver's keys do not apply to it.
func (t *translator) imageVolume() error {
	e, _ := t.last("Image")
	img := unitfile.Arg{Text: e.Value, Spec: true}
	if strings.HasSuffix(e.Value, ".image") {
		id, err := t.ref(e, e.Value, "Requires", "After")
		if err != nil {
			return err
		}
		img = id.Object
	}
	t.args = append(t.args, unitfile.Literal("--driver", "image", "--opt")...)
	t.args = append(t.args, unitfile.Arg{Text: "image=" + img.Text, Spec: img.Spec})
	if err := t.labels(); err != nil {
		return err
	}
	if err := t.podmanArgs(); err != nil {
		return err
	}
	return t.oneshot(append(t.args, t.id.Object))
}
