package warc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// MergeIndexes merges the CDXJ indexes at sources, each sorted as pywb
// keeps them (the indexes of the processes of one crawl, each written
// into its own collection), with the index at indexPath if there is one,
// into indexPath, each distinct line once, under the index's lock: once
// their WARC files are copied into one collection, the index that
// RebuildIndex would make from all of them, without reading them. Every
// line must name a WARC file has reports the collection holds, and every
// source must be sorted: an index pointing pywb at a missing file, or out
// of order, is refused before anything is written.
func MergeIndexes(ctx context.Context, indexPath string, sources []string, has func(filename string) bool) (err error) {
	unlock, err := lockIndex(indexPath)
	if err != nil {
		return fmt.Errorf("merge cdxj indexes into %q: %w", indexPath, err)
	}
	defer func() { err = errors.Join(err, unlock()) }()
	paths := sources
	if _, err := os.Stat(indexPath); err == nil {
		paths = append([]string{indexPath}, sources...)
	}
	for _, p := range paths {
		if err := checkSourceIndex(ctx, p, has); err != nil {
			return err
		}
	}
	var readers []io.Reader
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("open cdxj index %q: %w", p, err)
		}
		defer f.Close()
		readers = append(readers, f)
	}
	err = replaceFile(indexPath, func(out io.Writer) error { return mergeSorted(ctx, out, readers) })
	if err != nil {
		return fmt.Errorf("merge cdxj indexes into %q: %w", indexPath, err)
	}
	return nil
}

// checkSourceIndex reads the index at path and refuses it if its lines are out
// of order or name a WARC file has does not know.
func checkSourceIndex(ctx context.Context, path string, has func(string) bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open cdxj index %q: %w", path, err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	prev := ""
	for n := 1; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line, err := r.ReadString('\n')
		if line = strings.TrimRight(line, "\r\n"); line != "" {
			if line < prev {
				return fmt.Errorf("cdxj index %q line %d: out of order; rebuild that collection's index first", path, n)
			}
			prev = line
			name, ferr := cdxjFilename(line)
			if ferr != nil {
				return fmt.Errorf("cdxj index %q line %d: %w", path, n, ferr)
			}
			if !has(name) {
				return fmt.Errorf("cdxj index %q line %d names WARC file %q, which the collection lacks: copy the WARC files first", path, n, name)
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read cdxj index %q: %w", path, err)
		}
	}
}

// cdxjFilename is the WARC file a CDXJ line ("SURT TIMESTAMP {json}") points at.
func cdxjFilename(line string) (string, error) {
	i := strings.IndexByte(line, '{')
	if i < 0 {
		return "", errors.New("no JSON block")
	}
	var fields struct {
		Filename string `json:"filename"`
	}
	if err := json.Unmarshal([]byte(line[i:]), &fields); err != nil || fields.Filename == "" {
		return "", fmt.Errorf("no filename in its JSON block: %v", err)
	}
	return fields.Filename, nil
}
