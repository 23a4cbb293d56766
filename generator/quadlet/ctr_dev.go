package quadlet

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// volatileTmp is the tmpfs Quadlet mounts on /tmp for VolatileTmp=yes.
const volatileTmp = "/tmp:rw,size=512M,mode=1777"

// ctrDevices translates AddDevice=, ReadOnlyTmpfs= and VolatileTmp=.
func (t *translator) ctrDevices() error {
	if err := t.addDevices(); err != nil {
		return err
	}
	if e, ok := t.last("ReadOnlyTmpfs"); ok {
		on, err := parseBool(e)
		if err != nil {
			return err
		}
		t.args = append(t.args, unitfile.Arg{Text: "--read-only-tmpfs=" + strconv.FormatBool(on)})
	}
	volatile, err := t.boolean("VolatileTmp")
	if err != nil {
		return err
	}
	// as Quadlet: a read-only container has a writable /tmp already
	if ro, _ := t.boolean("ReadOnly"); volatile && !ro {
		t.args = append(t.args, unitfile.Literal("--tmpfs", volatileTmp)...)
	}
	return nil
}

// addDevices translates AddDevice=, each word a --device. A word starting
// with - is optional, as in Quadlet: left out when its host device does not
// exist when the generator runs.
func (t *translator) addDevices() error {
	for _, e := range t.sec.All("AddDevice") {
		words, err := t.words(e)
		if err != nil {
			return err
		}
		for _, w := range words {
			if opt, ok := strings.CutPrefix(w, "-"); ok {
				host, _, _ := strings.Cut(opt, ":")
				if _, err := os.Stat(host); errors.Is(err, fs.ErrNotExist) {
					continue
				}
				w = opt
			}
			t.args = append(t.args, unitfile.Value("--device", w)...)
		}
	}
	return nil
}

// ctrImage is what the container runs from: Image= (a .image file's
// image, with its dependency) or, instead, Rootfs= as --rootfs DIR.
func (t *translator) ctrImage() ([]unitfile.Arg, error) {
	img, ok := t.last("Image")
	rootfs, hasRootfs := t.last("Rootfs")
	switch {
	case ok && hasRootfs:
		return nil, errf(rootfs, "Image= and Rootfs= conflict: give one")
	case hasRootfs:
		return []unitfile.Arg{{Text: "--rootfs"}, {Text: t.hostPath(rootfs.Value), Spec: true}}, nil
	case !ok:
		return nil, unitfile.Errorf(t.sec.File, t.sec.Line, "[Container] has no Image= or Rootfs= key")
	case strings.HasSuffix(img.Value, ".image"):
		id, err := t.ref(img, img.Value, "Requires", "After")
		return []unitfile.Arg{id.Object}, err
	}
	t.warnShortName(img)
	return []unitfile.Arg{{Text: img.Value, Spec: true}}, nil
}
