// Package clitest holds what the command line's tests share, in-process
// (crawler/cli) and against the built binary (the top-level tests):
// reading a collection's WARC files back, with our validator and with
// gowarc, and counting its captures; copying them; test servers whose
// requests are recorded server side and can be held (Requests); and, on
// Linux, holding a crawler's reads of its spool files to kill it
// mid-record (SpoolGate). Only tests import it.
package clitest

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nlnwa/gowarc/v3"

	"arkisto/warc"
)

// CheckArchive asserts that no WARC file was left open and that every
// record reads back, with our validator and with gowarc; it returns the
// response records by target URI, as gowarc read them.
func CheckArchive(t testing.TB, archive string) map[string]gowarc.WarcFields {
	t.Helper()
	if open, _ := filepath.Glob(filepath.Join(archive, "*.open")); len(open) > 0 {
		t.Errorf("files left open: %v", open)
	}
	sum, err := warc.ValidatePaths(t.Context(), []string{archive}, warc.ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.OK() {
		t.Errorf("validator found %d problems: %+v", sum.Problems, sum.Reports)
	}
	files, _ := filepath.Glob(filepath.Join(archive, "*.warc.gz"))
	responses := map[string]gowarc.WarcFields{}
	count := 0
	for _, f := range files {
		count += ReadWithGowarc(t, f, func(rec gowarc.WarcRecord) {
			if rec.Type() == gowarc.Response {
				responses[rec.WarcHeader().Get(gowarc.WarcTargetURI)] = *rec.WarcHeader()
			}
		})
	}
	if count != sum.Records || count == 0 {
		t.Errorf("gowarc read %d records, the validator %d", count, sum.Records)
	}
	return responses
}

// OpenFiles maps the .open WARC files in dir to their sizes.
func OpenFiles(dir string) map[string]int64 {
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz.open"))
	sizes := map[string]int64{}
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			sizes[filepath.Base(f)] = st.Size()
		}
	}
	return sizes
}

// Captures reads every closed WARC file in archive with gowarc and counts,
// per file and per target (base cut off), the response and revisit
// records: each is one capture of its URL.
func Captures(t testing.TB, archive, base string) map[string]map[string]int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(archive, "*.warc.gz"))
	byFile := map[string]map[string]int{}
	for _, f := range files {
		byFile[filepath.Base(f)] = CapturesIn(t, f, base)
	}
	return byFile
}

// CapturesIn counts the captures of each target (base cut off) in the
// WARC file at path, as Captures does.
func CapturesIn(t testing.TB, path, base string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	ReadWithGowarc(t, path, func(rec gowarc.WarcRecord) {
		if typ := rec.Type(); typ == gowarc.Response || typ == gowarc.Revisit {
			counts[strings.TrimPrefix(rec.WarcHeader().Get(gowarc.WarcTargetURI), base)]++
		}
	})
	return counts
}

// gowarcOpen serializes the opening of gowarc readers: gowarc v3.1.0 sets
// a global of google/uuid (EnableRandPool) at each, a data race when tests
// read WARC files in parallel (the kill tests' subtests do). The warc
// package's writer does not read that global (newRecordID), so crawls that
// parallel tests run in-process do not race with these readers.
var gowarcOpen sync.Mutex

// ReadWithGowarc reads every record of the WARC file at path with gowarc,
// block included, and hands each to visit; it returns how many it read.
// gowarc hashes chunked payloads with their framing (DESIGN.md), so a
// payload digest complaint is the only one accepted.
func ReadWithGowarc(t testing.TB, path string, visit func(gowarc.WarcRecord)) int {
	t.Helper()
	gowarcOpen.Lock()
	wf, err := gowarc.NewWarcFileReader(path, 0)
	gowarcOpen.Unlock()
	if err != nil {
		t.Fatalf("gowarc open %s: %v", path, err)
	}
	defer wf.Close()
	n := 0
	for rec, err := range wf.Records() {
		if err != nil {
			t.Fatalf("gowarc read %s: %v", path, err)
		}
		raw, err := rec.WarcRecord.Block().RawBytes()
		if err == nil {
			_, err = io.Copy(io.Discard, raw)
		}
		if err != nil {
			t.Fatalf("gowarc block in %s: %v", path, err)
		}
		for _, v := range rec.Validation {
			if !strings.Contains(v.Error(), "payload") {
				t.Errorf("gowarc %s: %v", path, v)
			}
		}
		visit(rec.WarcRecord)
		rec.Close()
		n++
	}
	return n
}

// CopyFile copies the file at from to to, as a user copies the WARC files
// of several collections into one.
func CopyFile(t testing.TB, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
