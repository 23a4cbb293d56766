package quadlet

import (
	"strconv"
	"strings"

	"github.com/podunit/podunit/generator/unitfile"
)

// identKeys are the [Container] keys of user namespaces, groups, security
// options, cgroups and init (ctrIdent).
var identKeys = []string{"CgroupsMode", "GIDMap", "GroupAdd", "Mask", "NoNewPrivileges",
	"RemapGid", "RemapUid", "RemapUidSize", "RemapUsers", "RunInit", "SeccompProfile",
	"SecurityLabelDisable", "SecurityLabelFileType", "SecurityLabelLevel", "SecurityLabelNested",
	"SecurityLabelType", "SubGIDMap", "SubUIDMap", "UIDMap", "Unmask", "UserNS"}

// ctrIdent translates identKeys into --userns, --uidmap, --gidmap,
// --subuidname, --subgidname, --group-add, --security-opt, --cgroups and
// --init, as Quadlet does.
func (t *translator) ctrIdent() error {
	t.flag("CgroupsMode", "--cgroups")
	t.flagEach("GroupAdd", "--group-add")
	if err := t.ctrSecurity(); err != nil {
		return err
	}
	if e, ok := t.last("RunInit"); ok {
		on, err := parseBool(e)
		if err != nil {
			return err
		}
		t.args = append(t.args, unitfile.Arg{Text: map[bool]string{true: "--init", false: "--init=false"}[on]})
	}
	return t.userMappings()
}

// ctrSecurity adds one --security-opt per security key.
func (t *translator) ctrSecurity() error {
	for _, b := range [][2]string{{"NoNewPrivileges", "no-new-privileges"}, {"SecurityLabelDisable", "label=disable"},
		{"SecurityLabelNested", "label=nested"}} {
		on, err := t.boolean(b[0])
		if err != nil {
			return err
		}
		if on {
			t.args = append(t.args, unitfile.Literal("--security-opt", b[1])...)
		}
	}
	for _, kv := range [][2]string{{"SecurityLabelType", "label=type:"}, {"SecurityLabelFileType", "label=filetype:"},
		{"SecurityLabelLevel", "label=level:"}, {"SeccompProfile", "seccomp="}} {
		if e, ok := t.last(kv[0]); ok {
			t.args = append(t.args, unitfile.Value("--security-opt", kv[1]+e.Value)...)
		}
	}
	for _, kv := range [][2]string{{"Mask", "mask="}, {"Unmask", "unmask="}} {
		if err := t.eachWord(kv[0], func(w string) { t.args = append(t.args, unitfile.Value("--security-opt", kv[1]+w)...) }); err != nil {
			return err
		}
	}
	return nil
}

// eachWord calls fn with every word of every value of key.
func (t *translator) eachWord(key string, fn func(string)) error {
	for _, e := range t.sec.All(key) {
		words, err := t.words(e)
		if err != nil {
			return err
		}
		for _, w := range words {
			fn(w)
		}
	}
	return nil
}

// userMappings translates UserNS=, UIDMap=, GIDMap=, SubUIDMap= and
// SubGIDMap=, or else the older RemapUsers= keys (never both, as Quadlet).
func (t *translator) userMappings() error {
	before := len(t.args)
	t.flag("UserNS", "--userns")
	for _, m := range [][2]string{{"UIDMap", "--uidmap"}, {"GIDMap", "--gidmap"}} {
		if err := t.eachWord(m[0], func(w string) { t.args = append(t.args, unitfile.Value(m[1], w)...) }); err != nil {
			return err
		}
	}
	t.flag("SubUIDMap", "--subuidname")
	t.flag("SubGIDMap", "--subgidname")
	if len(t.args) == before {
		return t.remapUsers()
	}
	for _, k := range []string{"RemapUsers", "RemapUid", "RemapGid"} {
		if e, ok := t.sec.Lookup(k); ok {
			return errf(e, "deprecated Remap keys are set along with explicit mapping keys (UserNS=, UIDMap=, GIDMap=, SubUIDMap=, SubGIDMap=)")
		}
	}
	return nil
}

// remapUsers translates RemapUsers=manual|auto|keep-id with RemapUid=,
// RemapGid= and RemapUidSize=, as Quadlet does.
func (t *translator) remapUsers() error {
	var uids, gids []string
	if err := t.eachWord("RemapUid", func(w string) { uids = append(uids, w) }); err != nil {
		return err
	}
	if err := t.eachWord("RemapGid", func(w string) { gids = append(gids, w) }); err != nil {
		return err
	}
	e, _ := t.sec.Lookup("RemapUsers")
	switch e.Value {
	case "":
		for i, v := range [][]string{uids, gids} {
			if len(v) > 0 {
				r, _ := t.sec.Lookup([]string{"RemapUid", "RemapGid"}[i])
				return errf(r, "set without RemapUsers=")
			}
		}
	case "manual":
		for _, u := range uids {
			t.args = append(t.args, unitfile.Value("--uidmap", u)...)
		}
		for _, g := range gids {
			t.args = append(t.args, unitfile.Value("--gidmap", g)...)
		}
	case "auto":
		return t.remapAuto(uids, gids)
	case "keep-id":
		if len(uids) > 1 || len(gids) > 1 {
			return errf(e, "keep-id takes only one RemapUid= and one RemapGid= value")
		}
		opts := prefixed("uid=", uids)
		opts = append(opts, prefixed("gid=", gids)...)
		t.args = append(t.args, unitfile.Value("--userns", withOpts("keep-id", opts))...)
	default:
		return errf(e, "unsupported RemapUsers= value (want manual, auto or keep-id)")
	}
	return nil
}

func (t *translator) remapAuto(uids, gids []string) error {
	opts := append(prefixed("uidmapping=", uids), prefixed("gidmapping=", gids)...)
	if e, ok := t.last("RemapUidSize"); ok {
		if n, err := strconv.ParseUint(e.Value, 10, 32); err != nil || n == 0 {
			return errf(e, "want a positive number")
		}
		opts = append(opts, "size="+e.Value)
	}
	t.args = append(t.args, unitfile.Value("--userns", withOpts("auto", opts))...)
	return nil
}

func prefixed(p string, vals []string) []string {
	var out []string
	for _, v := range vals {
		out = append(out, p+v)
	}
	return out
}

func withOpts(mode string, opts []string) string {
	if len(opts) == 0 {
		return mode
	}
	return mode + ":" + strings.Join(opts, ",")
}

// podIdentKeys are the [Pod] keys of the user namespace its members share.
var podIdentKeys = []string{"GIDMap", "RemapGid", "RemapUid", "RemapUidSize", "RemapUsers", "SubGIDMap", "SubUIDMap", "UIDMap", "UserNS"}

// identKeysOf are the identity keys by kind.
var identKeysOf = map[Kind][]string{Container: identKeys, Pod: podIdentKeys}
