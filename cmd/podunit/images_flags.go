package main

import (
	"cmp"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// imagesExtra are images' flags of podman-images(1) beyond the first set:
// --all (podunit keeps no intermediate images, so it lists the same),
// --digests (the DIGEST column) and --sort.
type imagesExtra struct {
	all, digests bool
	sort         string
}

// imageSortKeys order rows by each --sort value; created is newest first.
var imageSortKeys = sortKeys[imageRow]{
	"created":    func(a, b imageRow) int { return strings.Compare(b.CreatedAt, a.CreatedAt) },
	"id":         func(a, b imageRow) int { return strings.Compare(a.ID, b.ID) },
	"repository": func(a, b imageRow) int { return strings.Compare(a.Repository, b.Repository) },
	"size":       func(a, b imageRow) int { return cmp.Compare(a.bytes, b.bytes) },
	"tag":        func(a, b imageRow) int { return strings.Compare(a.Tag, b.Tag) },
}

func (x *imagesExtra) register(fs *pflag.FlagSet) {
	fs.BoolVarP(&x.all, "all", "a", false, "show all images (podunit keeps no intermediate ones: the same list)")
	fs.BoolVar(&x.digests, "digests", false, "add the DIGEST column")
	fs.StringVar(&x.sort, "sort", "created", "sort by created, id, repository, size or tag")
}

func (x imagesExtra) check() error { return imageSortKeys.check(x.sort) }

// apply orders rows by --sort, ties in their listed order.
func (x imagesExtra) apply(rows []imageRow) {
	slices.SortStableFunc(rows, imageSortKeys[x.sort])
}

// format is images' default table, with --digests' column.
func (x imagesExtra) format() string {
	if x.digests {
		return strings.Replace(imagesDefaultFormat, "{{.Tag}}\t", "{{.Tag}}\t{{.Digest}}\t", 1)
	}
	return imagesDefaultFormat
}
