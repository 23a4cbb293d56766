package kube

import (
	"errors"
	"os"
	"testing"
)

// FuzzDecode: any bytes either plan or fail with a *kube.Error; nothing
// panics.
func FuzzDecode(f *testing.F) {
	app, err := os.ReadFile("testdata/app.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(app)
	f.Add([]byte(deployment))
	f.Add([]byte("---\n---\nkind: Pod\n"))
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: b, ports: [{containerPort: 1, hostPort: 2}]}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDocs()
		err := d.Add("f.yaml", data)
		if err == nil {
			_, err = MakePlan(d)
			Owned(d)
		}
		var ke *Error
		if err != nil && !errors.As(err, &ke) {
			t.Fatalf("error %T %v is not a *kube.Error", err, err)
		}
	})
}
