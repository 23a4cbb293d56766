package kube

import (
	"strings"
	"testing"
)

// TestSecretVolume: a secret volume is a named volume of the Secret's
// name holding its keys (data and stringData, items picked and renamed,
// defaultMode), mounted read-only; a Secret the YAML lacks is an error at
// its path unless optional.
func TestSecretVolume(t *testing.T) {
	const sec = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {user: YWRtaW4=}\nstringData: {pw: hunter2}\n---\n"
	const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n" +
		"  - {name: a, image: bb, volumeMounts: [{name: s, mountPath: /run/db}]}\n  volumes:\n"
	p := mustPlan(t, sec+pod+"  - {name: s, secret: {secretName: db, defaultMode: 0400, items: [{key: pw, path: pass/word}]}}\n")
	if len(p.Volumes) != 1 {
		t.Fatalf("volumes: %+v", p.Volumes)
	}
	v := p.Volumes[0]
	if v.Name != "db" || v.Kind != VolumeSecret || v.Mode != 0o400 || len(v.Files) != 1 || string(v.Files["pass/word"]) != "hunter2" {
		t.Errorf("secret volume: %+v", v)
	}
	if args := strings.Join(p.Pods[0].Members[0].Args, " "); !strings.Contains(args, "--mount type=volume,source=db,target=/run/db,ro") {
		t.Errorf("mount: %s", args)
	}
	all := mustPlan(t, sec+pod+"  - {name: s, secret: {secretName: db}}\n").Volumes[0]
	if string(all.Files["user"]) != "admin" || string(all.Files["pw"]) != "hunter2" {
		t.Errorf("all keys: %+v", all.Files)
	}
	d := NewDocs()
	if err := d.Add("x.yaml", []byte(pod+"  - {name: s, secret: {secretName: nope}}\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := MakePlan(d); err == nil || !strings.Contains(err.Error(), "spec.volumes[0].secret.secretName") {
		t.Errorf("a Secret the YAML lacks: %v", err)
	}
	mustPlan(t, pod+"  - {name: s, secret: {secretName: nope, optional: true}}\n")
}
