package crawler

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"arkisto/config"
	"arkisto/warc/wacz"
)

// WACZ is where `crawl --wacz` and a serve job's wacz setting put the
// collection's package: beside its folder, as FOLDER.wacz.
func (l Layout) WACZ() string { return filepath.Clean(l.Dir) + ".wacz" }

// ErrNoWARCFiles is wrapped by PackageWACZ's error for a collection that
// has no finished WARC file to package.
var ErrNoWARCFiles = errors.New("no WARC files")

// PackageWACZ packages the collection's finished WARC files and its page
// list as a WACZ file at out, titled title.
func PackageWACZ(ctx context.Context, l Layout, out, title string) (wacz.Result, error) {
	files, err := l.WARCFiles()
	if err != nil {
		return wacz.Result{}, err
	}
	if len(files) == 0 {
		return wacz.Result{}, fmt.Errorf("package %s: %w in %s", l.Dir, ErrNoWARCFiles, l.Archive())
	}
	return wacz.Write(ctx, out, wacz.Options{
		WARCFiles: files,
		Pages:     l.Pages(),
		Title:     title,
		Software:  "arkisto " + config.Version,
		TempDir:   l.State(),
	})
}
