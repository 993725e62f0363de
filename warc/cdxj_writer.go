package warc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// IndexWriter collects CDXJ lines while a crawl writes records and, at the
// end, merges them into the collection's index.cdxj. Lines wait in a spill
// file, not in memory, and are sorted with an external sort, so a crawl of
// any size fits. It is safe for concurrent use.
type IndexWriter struct {
	mu     sync.Mutex
	sorter *lineSorter
}

// IndexWriterOptions tune an IndexWriter. The zero value is fine.
type IndexWriterOptions struct {
	TempDir  string // where the spill file and sorted runs go; "" means os.TempDir()
	RunBytes int    // bytes of lines sorted in memory at once; 0 means 16 MiB
}

// NewIndexWriter starts an empty collection of lines. Close it when done.
func NewIndexWriter(opts IndexWriterOptions) (*IndexWriter, error) {
	s, err := newLineSorter(opts.TempDir, opts.RunBytes)
	if err != nil {
		return nil, err
	}
	return &IndexWriter{sorter: s}, nil
}

// Add queues the CDXJ line of a written record; records pywb does not
// index are skipped.
func (w *IndexWriter) Add(rec Written) error {
	line, err := CDXJLine(rec)
	if err != nil || line == "" {
		return err
	}
	return w.AddLine(line)
}

// AddLine queues one CDXJ line (without line end).
func (w *IndexWriter) AddLine(line string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sorter.add(line)
}

// MergeInto sorts the queued lines, merges them with the index at
// indexPath (if it exists; it must be sorted, as pywb keeps it) and
// replaces that file atomically. Afterwards the writer is empty and can
// collect again. Adds wait while it runs: call it at the end of a crawl or
// at a pause. It holds the index's lock, waiting for another process's
// merge into the same index to end first.
func (w *IndexWriter) MergeInto(ctx context.Context, indexPath string) (err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	unlock, err := lockIndex(indexPath)
	if err != nil {
		return fmt.Errorf("merge cdxj lines into %q: %w", indexPath, err)
	}
	defer func() { err = errors.Join(err, unlock()) }()
	var existing []io.Reader
	old, err := os.Open(indexPath)
	switch {
	case err == nil:
		defer old.Close()
		existing = append(existing, old)
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("open cdxj index %q: %w", indexPath, err)
	}
	err = replaceFile(indexPath, func(out io.Writer) error {
		_, err := w.sorter.writeSorted(ctx, out, existing...)
		return err
	})
	if err != nil {
		return fmt.Errorf("merge cdxj lines into %q: %w", indexPath, err)
	}
	return w.sorter.reset()
}

// Close removes the spill file and runs; lines not merged are lost.
func (w *IndexWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sorter.close()
}

// replaceFile writes a new version of path through fill into a temporary
// file beside it, syncs it and renames it over path, so readers (pywb) see
// the old file or the new one, never half of one.
func replaceFile(path string, fill func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create directory %q: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("create temporary file beside %q: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("set mode of %q: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %q: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %q: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %q to %q: %w", tmp.Name(), path, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open directory %q: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %q: %w", dir, err)
	}
	return nil
}
