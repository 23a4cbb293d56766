package generator

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4095, 4096, 4097, 100_000} {
		data := bytes.Repeat([]byte{'a' + byte(size%26)}, size)
		path := filepath.Join(dir, "f")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		limit := 50_000
		got, err := readRegular(path, limit)
		want := data[:min(size, limit+1)]
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("size %d: read %d bytes (%v), want %d", size, len(got), err, len(want))
		}
	}
	if _, err := readRegular(filepath.Join(dir, "missing"), 10); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a missing file: %v, want ErrNotExist", err)
	}
}

func TestCreateExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u.service")
	if err := createExclusive(path, []byte("[Unit]\n")); err != nil {
		t.Fatal(err)
	}
	if err := createExclusive(path, []byte("other")); !errors.Is(err, os.ErrExist) {
		t.Fatalf("a second create: %v, want ErrExist", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "[Unit]\n" {
		t.Fatalf("the file holds %q", data)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v, want 0644", st.Mode().Perm())
	}
}
