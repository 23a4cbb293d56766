package image

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportedMethodsOpenTheStore: containers/storage opens on first use,
// so every exported method whose body uses s.store must call s.open() (a
// method that forgets it dereferences a nil store in a fresh process).
// Close shuts down only a store that was opened.
func TestExportedMethodsOpenTheStore(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() || fn.Body == nil || !isStoreRecv(fn) || fn.Name.Name == "Close" {
				continue
			}
			if uses(fn.Body, "store") && !uses(fn.Body, "open") {
				t.Errorf("%s: (*Store).%s uses s.store without s.open()", fset.Position(fn.Pos()), fn.Name.Name)
			}
		}
	}
}

func isStoreRecv(fn *ast.FuncDecl) bool {
	star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "Store"
}

// uses reports whether body selects s.field (s.store, s.open).
func uses(body ast.Node, field string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "s" && sel.Sel.Name == field {
				found = true
			}
		}
		return !found
	})
	return found
}
