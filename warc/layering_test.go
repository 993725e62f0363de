package warc

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLayering keeps warc/ below the crawler: no file under warc/ (tests
// included) imports crawler/, colly or Prometheus, so crawler/ can use warc
// and its leaf packages (spool, urltext) without a cycle; and the leaf
// packages import nothing but the standard library.
func TestLayering(t *testing.T) {
	forbidden := []string{"arkisto/crawler", "github.com/gocolly/", "github.com/prometheus/"}
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		leaf := filepath.Dir(path) != "."
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if strings.HasPrefix(p, bad) {
					t.Errorf("%s imports %s: warc/ must not depend on the crawler, colly or Prometheus", path, p)
				}
			}
			first, _, _ := strings.Cut(p, "/")
			if leaf && strings.Contains(first, ".") {
				t.Errorf("%s imports %s: the leaf packages under warc/ use the standard library only", path, p)
			}
		}
		checked++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("checked only %d files: the walk missed the package", checked)
	}
}
