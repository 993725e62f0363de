package warc

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// collectionArchive is the folder of a pywb collection that holds its WARC
// files (DESIGN.md: DIR/archive, DIR/indexes, DIR/logs, DIR/state).
const collectionArchive = "archive"

// ValidatePaths validates files, and the *.warc and *.warc.gz files that
// directories hold (ExpandWARCPaths), in name order. A directory that
// holds none is a problem: a check of nothing must not pass.
func ValidatePaths(ctx context.Context, paths []string, opts ValidateOptions) (Summary, error) {
	var sum Summary
	add := func(rep FileReport) {
		sum.Files++
		sum.Records += rep.Records
		sum.Problems += rep.Problems
		sum.Reports = append(sum.Reports, rep)
	}
	for _, p := range paths {
		files, dir, err := expandWARCPath(p)
		if err != nil {
			return sum, err
		}
		if dir != "" && len(files) == 0 {
			rep := FileReport{Path: dir}
			rep.fileProblem(ProblemNoWARCFile, "no *.warc or *.warc.gz file in %s", dir)
			sum.Problems += rep.Problems
			sum.Reports = append(sum.Reports, rep)
			continue
		}
		for _, f := range files {
			rep, err := ValidateFile(ctx, f, opts)
			if err != nil {
				return sum, err
			}
			add(rep)
		}
	}
	return sum, nil
}

// ExpandWARCPaths replaces each directory in paths by the *.warc and
// *.warc.gz files directly inside it (sorted); a directory holding an
// archive folder is a collection, whose files are those in archive. Other
// paths stay as given. Files still being written (".open") are left out.
func ExpandWARCPaths(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		files, _, err := expandWARCPath(p)
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	return out, nil
}

// expandWARCPath expands one path as ExpandWARCPaths says and also returns
// the directory it searched, "" for a file.
func expandWARCPath(p string) (files []string, dir string, err error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, "", fmt.Errorf("stat %q: %w", p, err)
	}
	if !info.IsDir() {
		return []string{p}, "", nil
	}
	dir = p
	if a, err := os.Stat(filepath.Join(p, collectionArchive)); err == nil && a.IsDir() {
		dir = filepath.Join(p, collectionArchive)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, dir, fmt.Errorf("list warc directory %q: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && (strings.HasSuffix(name, ".warc") || strings.HasSuffix(name, ".warc.gz")) {
			files = append(files, filepath.Join(dir, name))
		}
	}
	return files, dir, nil
}

// checkFile reports what is wrong with the file as a whole: nothing in it,
// or a name that says .warc.gz for a plain file or .warc for a gzip one,
// which tools that go by the name (pywb among them) misread.
func (rep *FileReport) checkFile(f *os.File, compressed bool) {
	if info, err := f.Stat(); err == nil && info.Size() == 0 {
		rep.fileProblem(ProblemEmptyFile, "the file is empty")
		return
	}
	name := strings.TrimSuffix(filepath.Base(rep.Path), openSuffix)
	switch {
	case strings.HasSuffix(name, ".warc.gz") && !compressed:
		rep.fileProblem(ProblemCompression, "named .warc.gz but not gzip-compressed")
	case strings.HasSuffix(name, ".warc") && compressed:
		rep.fileProblem(ProblemCompression, "named .warc but gzip-compressed")
	}
}
