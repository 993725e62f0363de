package warc

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// maxNameTries bounds the search for a free serial; a folder that holds
// this many files of one prefix, host and millisecond is not ours to fill.
const maxNameTries = 1000

// createFile creates the next file as NAME.open. A name is free only if
// neither NAME.open nor NAME exists: NAME may be a file a crashed run left
// and Repair renamed, or the closed file of another writer of the same
// prefix whose clock read the same millisecond (a clock stepped back, a
// quick restart). Taking it would make closeFile's rename replace that
// file. O_EXCL settles a race with another writer for NAME.open, and no
// other writer can make NAME while this one holds NAME.open.
func (w *Writer) createFile(now time.Time) (*os.File, string, string, error) {
	for range maxNameTries {
		name := fmt.Sprintf("%s-%s%03d-%05d-%s.warc.gz",
			w.opts.Prefix, now.Format("20060102150405"), now.Nanosecond()/int(time.Millisecond), w.serial, w.host)
		path := filepath.Join(w.opts.Dir, name)
		w.serial++
		file, err := os.OpenFile(path+openSuffix, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", "", fmt.Errorf("open warc file: %w", err)
		}
		// Held until the file is closed: Repair leaves a locked file alone.
		if err := lockFile(file, false); err != nil {
			return nil, "", "", errors.Join(fmt.Errorf("lock warc file %q: %w", name, err), file.Close(), os.Remove(path+openSuffix))
		}
		_, err = os.Lstat(path)
		if err == nil {
			if err := errors.Join(file.Close(), os.Remove(path+openSuffix)); err != nil {
				return nil, "", "", fmt.Errorf("give up taken warc file name %q: %w", name, err)
			}
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, "", "", errors.Join(fmt.Errorf("check warc file name %q: %w", name, err),
				file.Close(), os.Remove(path+openSuffix))
		}
		return file, name, path, nil
	}
	return nil, "", "", fmt.Errorf("open warc file: no free name for prefix %q after %d tries", w.opts.Prefix, maxNameTries)
}

// fileNameSafe keeps a hostname from adding path separators or spaces to a
// file name.
func fileNameSafe(host string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, host)
}
