package crawler

import (
	"context"
	"fmt"
	"path/filepath"

	"arkisto/config"
	"arkisto/warc/wacz"
)

// WACZ is where `crawl --wacz` and a serve job's wacz setting put the
// collection's package: beside its folder, as FOLDER.wacz.
func (l Layout) WACZ() string { return filepath.Clean(l.Dir) + ".wacz" }

// OpenWARCFiles lists the WARC files still being written, or left open by
// a crash until a resumed crawl repairs them: a package leaves them out.
func (l Layout) OpenWARCFiles() ([]string, error) {
	files, err := filepath.Glob(filepath.Join(l.Archive(), "*.warc.gz.open"))
	if err != nil {
		return nil, fmt.Errorf("list open WARC files: %w", err)
	}
	return files, nil
}

// PackageWACZ packages the collection's finished WARC files and its page
// list as a WACZ file at out, titled title.
func PackageWACZ(ctx context.Context, l Layout, out, title string) (wacz.Result, error) {
	files, err := l.WARCFiles()
	if err != nil {
		return wacz.Result{}, err
	}
	if len(files) == 0 {
		return wacz.Result{}, fmt.Errorf("package %s: no WARC files in %s", l.Dir, l.Archive())
	}
	return wacz.Write(ctx, out, wacz.Options{
		WARCFiles: files,
		Pages:     l.Pages(),
		Title:     title,
		Software:  "arkisto " + config.Version,
		TempDir:   l.State(),
	})
}
