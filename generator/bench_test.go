package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchSources writes n .container files, or n .pod files with 3 members.
func benchSources(b *testing.B, n int, pods bool) string {
	dir := b.TempDir()
	for i := 0; i < n; i++ {
		var err error
		if !pods {
			err = os.WriteFile(filepath.Join(dir, fmt.Sprintf("c%d.container", i)), []byte(fmt.Sprintf(
				"[Container]\nImage=nginx\nPublishPort=%d:80\nLabel=app=c%d\n[Install]\nWantedBy=multi-user.target\n", 10000+i, i)), 0o644)
		} else {
			err = os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%d.pod", i)), []byte("[Pod]\n[Install]\nWantedBy=multi-user.target\n"), 0o644)
			for _, m := range []string{"a", "b", "c"} {
				if err == nil {
					err = os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%d-%s.container", i, m)),
						[]byte(fmt.Sprintf("[Container]\nImage=nginx\nPod=p%d.pod\n", i)), 0o644)
				}
			}
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

func benchGenerate(b *testing.B, n int, pods bool) {
	src := benchSources(b, n, pods)
	outs := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// systemd hands a generator empty directories: a fresh one each run
		b.StopTimer()
		out := filepath.Join(outs, fmt.Sprint(i))
		if err := os.Mkdir(out, 0o755); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := Generate(Config{Dirs: []string{src}, Binary: DefaultBinary})
		if err != nil || len(res.Errors) > 0 {
			b.Fatal(err, res.Errors)
		}
		if err := res.Write(out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGenerate1000Containers(b *testing.B) { benchGenerate(b, 1000, false) }
func BenchmarkGenerate300Pods(b *testing.B)        { benchGenerate(b, 300, true) }
