package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The benchmark compares crawlers on this site, so it must be the same
// site every time, and a crawler following links must be able to reach
// every article and every image.
func TestSiteIsDeterministicAndLinked(t *testing.T) {
	c := config{base: "http://127.0.0.1:1", seed: 3, articles: 200, videos: 1, videoSize: 1024}
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, out := range []string{a, b} {
		c.out = out
		if err := run(c); err != nil {
			t.Fatal(err)
		}
	}
	files := readTree(t, a)
	if other := readTree(t, b); len(other) != len(files) {
		t.Fatalf("two runs wrote %d and %d files", len(files), len(other))
	}
	for name, data := range readTree(t, b) {
		if !bytes.Equal(files[name], data) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}

	var pages strings.Builder
	for name, data := range files {
		if strings.HasSuffix(name, ".html") {
			pages.Write(data)
		}
	}
	linked := pages.String()
	for name := range files {
		if name == "/index.html" || name == "/robots.txt" || name == "/sitemap.xml" || strings.HasPrefix(name, "/static/") ||
			name == "/favicon.ico" || strings.HasSuffix(name, "/index.html") {
			continue
		}
		if !strings.Contains(linked, `"`+name+`"`) && !strings.Contains(linked, name+" ") {
			t.Errorf("no page links %s", name)
		}
	}
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(root, path)
		files["/"+filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
