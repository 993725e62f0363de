package warc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotOpenWARC is returned by Repair for a path that does not name a
// ".warc.gz.open" file, the only kind the Writer leaves behind.
var ErrNotOpenWARC = errors.New("not a .warc.gz.open file")

const openWARCSuffix = ".warc.gz" + openSuffix

// RepairReport says what Repair did to one file.
type RepairReport struct {
	Path         string `json:"path"`                 // the ".open" file as found
	FinalPath    string `json:"final_path,omitempty"` // the repaired file; "" when it was removed
	Records      int    `json:"records"`              // whole gzip members kept, one record each, warcinfo included
	KeptBytes    int64  `json:"kept_bytes"`
	DroppedBytes int64  `json:"dropped_bytes"` // a cut member and whatever followed it
	Removed      bool   `json:"removed"`       // no whole record remained, so the file is gone
}

// Repair finishes a NAME.warc.gz.open file that a crashed writer left: it
// keeps the gzip members from the start of the file that each decompress
// completely and hold one whole WARC record, cuts the file right after the
// last of them (a member cut short, or anything else after it, goes),
// syncs it and renames it to NAME.warc.gz. A file with no whole record is
// removed. The file is read once, as a stream.
//
// A file a live Writer has open (in this process or another: the Writer
// holds a lock on it) is left alone with ErrInUse: a file being written
// looks like one cut short. It refuses to replace an existing NAME.warc.gz. A
// cancelled or failed repair leaves the file as it was, so it can be run
// again.
func Repair(ctx context.Context, path string) (RepairReport, error) {
	rep := RepairReport{Path: path}
	if !strings.HasSuffix(path, openWARCSuffix) {
		return rep, fmt.Errorf("repair %q: %w", path, ErrNotOpenWARC)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return rep, fmt.Errorf("repair: open warc file: %w", err)
	}
	if err := claimForRepair(f, path); err != nil {
		return rep, errors.Join(fmt.Errorf("repair %q: %w", path, err), f.Close())
	}
	final := strings.TrimSuffix(path, openSuffix)
	if _, err := os.Lstat(final); !errors.Is(err, fs.ErrNotExist) {
		if err == nil {
			err = fs.ErrExist
		}
		return rep, errors.Join(fmt.Errorf("repair %q: check %q: %w", path, final, err), f.Close())
	}
	keep, records, size, err := soundPrefix(ctx, f)
	if err != nil {
		return rep, errors.Join(fmt.Errorf("repair %q: %w", path, err), f.Close())
	}
	rep.Records, rep.KeptBytes, rep.DroppedBytes = records, keep, size-keep
	if records == 0 {
		if err := errors.Join(f.Close(), os.Remove(path)); err != nil {
			return rep, fmt.Errorf("repair %q: remove file with no whole record: %w", path, err)
		}
		rep.Removed = true
		return rep, syncDir(filepath.Dir(path))
	}
	if keep < size {
		err = f.Truncate(keep)
	}
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		return rep, fmt.Errorf("repair %q: cut to %d bytes: %w", path, keep, err)
	}
	if err := os.Rename(path, final); err != nil {
		return rep, fmt.Errorf("repair %q: %w", path, err)
	}
	rep.FinalPath = final
	return rep, syncDir(filepath.Dir(final))
}

// soundPrefix returns how many bytes from the start of f are whole, sound
// members of one clean record each, how many members that is, and the size
// of f. It reads f with the package's Reader, keeping no block: a record
// of any size costs the same memory, and nothing is spooled to disk.
func soundPrefix(ctx context.Context, f *os.File) (keep int64, records int, size int64, err error) {
	st, err := f.Stat()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("stat warc file: %w", err)
	}
	rd := NewReader(f, ReaderOptions{Block: SkipBlock})
	defer rd.Close()
	for {
		if err := ctx.Err(); err != nil {
			return 0, 0, 0, err
		}
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return keep, records, st.Size(), nil
		}
		if err != nil {
			return 0, 0, 0, err
		}
		// Only what the Writer writes is kept: a gzip member holding one
		// record the reader finds nothing wrong with. The first anything
		// else is where the crash cut the file.
		if !rec.Compressed || !rec.Whole() || len(rec.Problems) > 0 {
			return keep, records, st.Size(), nil
		}
		keep, records = rec.Offset+rec.Length, records+1
	}
}

// RepairDir repairs every *.warc.gz.open file directly inside dir, in name
// order, and reports each. Other ".open" files are left alone: they are
// not the Writer's, and Repair would delete one it cannot read; so are the
// files live Writers still write (ErrInUse), those of other processes
// sharing the folder. It goes on past a file it cannot repair and returns
// the errors joined.
func RepairDir(ctx context.Context, dir string) ([]RepairReport, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("repair warc files in %q: %w", dir, err)
	}
	var reports []RepairReport
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), openWARCSuffix) {
			continue
		}
		rep, err := Repair(ctx, filepath.Join(dir, e.Name()))
		if errors.Is(err, ErrInUse) || errors.Is(err, fs.ErrNotExist) {
			continue // another process's, or finished since it was listed
		}
		if err != nil {
			if ctx.Err() != nil {
				return reports, err
			}
			errs = append(errs, err)
			continue
		}
		reports = append(reports, rep)
	}
	return reports, errors.Join(errs...)
}

// claimForRepair takes the writer's lock of f, opened at path: a live
// writer holds it, and two repairs never run on one file at once. A file
// that its writer finished (renamed) while it was being opened is in use
// too: it is no longer an open file.
func claimForRepair(f *os.File, path string) error {
	if err := lockFile(f, false); err != nil {
		if errors.Is(err, errLocked) {
			return ErrInUse
		}
		return err
	}
	opened, err := f.Stat()
	if err != nil {
		return err
	}
	now, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !os.SameFile(opened, now)) {
		return ErrInUse
	}
	return err
}

// syncDir makes a rename or removal in dir survive a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open directory %q: %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync directory %q: %w", dir, err)
	}
	return nil
}
