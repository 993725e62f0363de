package warc

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// writeLongHeaderFile writes a .warc.gz whose first gzip member holds a
// version line and then one header line of size bytes without a line end
// (the hostile probe's file, smaller), and whose second member holds a
// good response. The long line is streamed, never held.
func writeLongHeaderFile(t *testing.T, size int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "long-header.warc.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	_, err = io.WriteString(zw, "WARC/1.1\r\nWARC-Type: resource\r\nX-Long: ")
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	for n := 0; err == nil && n < size; n += len(chunk) {
		_, err = zw.Write(chunk)
	}
	if err = errors.Join(err, zw.Close()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(gz(okResponse().bytes())); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHeaderLineIsBounded reads a file whose header line is far longer
// than the bound with the reader, the index and the validator: none may
// hold the line in memory, each reports the record as bad, and each goes
// on with the next gzip member.
func TestHeaderLineIsBounded(t *testing.T) {
	const size = 32 << 20
	const budget = 4 << 20
	path := writeLongHeaderFile(t, size)

	var recs []Record
	var err error
	alloc := allocatedBy(func() {
		f, ferr := os.Open(path)
		if ferr != nil {
			err = ferr
			return
		}
		defer f.Close()
		rd := NewReader(f, ReaderOptions{SpoolDir: t.TempDir()})
		defer rd.Close()
		for {
			rec, nerr := rd.Next()
			if errors.Is(nerr, io.EOF) {
				return
			}
			if nerr != nil {
				err = nerr
				return
			}
			rec.Block = nil // valid only until the next record
			recs = append(recs, rec)
		}
	})
	t.Logf("reading a %d-byte header line allocated %d bytes", size, alloc)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Whole() || !hasProblem(recs[0].Problems, ProblemHeaderSize) || !recs[1].Whole() || len(recs[1].Problems) != 0 {
		t.Fatalf("records %+v; want the long one reported (%s), then the good one", recs, ProblemHeaderSize)
	}
	if alloc > budget {
		t.Fatalf("reading a %d-byte header line allocated %d bytes: the line was held", size, alloc)
	}

	var index bytes.Buffer
	alloc = allocatedBy(func() { err = IndexFiles(context.Background(), []string{path}, &index) })
	t.Logf("indexing it allocated %d bytes", alloc)
	var skipped *SkippedError
	if !errors.As(err, &skipped) || !errors.Is(err, ErrSkippedRecords) || len(skipped.Records) != 1 ||
		skipped.Records[0] != (SkippedRecord{File: path, Offset: 0, Reason: recs[0].Problems[0].Message}) {
		t.Fatalf("IndexFiles error %v; want one skipped record at offset 0", err)
	}
	if !strings.Contains(err.Error(), path+"@0: ") {
		t.Errorf("the error %q does not name the record", err)
	}
	if !strings.HasPrefix(index.String(), "com,example)/ 20240506070809 ") || strings.Count(index.String(), "\n") != 1 {
		t.Fatalf("index %q; want the good response's line only", index.String())
	}
	if alloc > budget {
		t.Fatalf("indexing a %d-byte header line allocated %d bytes", size, alloc)
	}

	var rep FileReport
	alloc = allocatedBy(func() { rep, err = ValidateFile(context.Background(), path, ValidateOptions{SpoolDir: t.TempDir()}) })
	t.Logf("validating it allocated %d bytes", alloc)
	if err != nil || rep.Records != 2 || len(rep.Bad) != 1 || rep.Bad[0].Offset != 0 || len(rep.Bad[0].Problems) != 1 || rep.Bad[0].Problems[0].Code != ProblemHeaderSize {
		t.Fatalf("ValidateFile = %+v, %v", rep, err)
	}
	if alloc > budget {
		t.Fatalf("validating a %d-byte header line allocated %d bytes", size, alloc)
	}
}

// TestIndexAgreesWithValidate builds files with records that do not read
// whole and checks that the index leaves out exactly the records the
// validator finds framing faults in, names them, and indexes the rest.
func TestIndexAgreesWithValidate(t *testing.T) {
	ok := okResponse()
	other := response("55555555-0000-4000-8000-000000000001", "http://example.com/other", okHTML, "hello")
	beyond := ok.with("Content-Length", strconv.Itoa(len(okHTML)+2_000_000_000))
	negative := ok.with("Content-Length", "-5")
	notANumber := ok.with("Content-Length", "many")
	long := recSpec{headers: append(slices.Clone(ok.headers), "X-Long: "+strings.Repeat("a", DefaultMaxHeader)), block: ok.block}
	for _, tc := range []struct {
		name  string
		file  string
		parts [][]byte
		bad   int // how many stretches of the file are left out
	}{
		{"gzip", "t.warc.gz", members(warcinfo(), beyond, negative, notANumber, long, other), 4},
		{"gzip, record cut short", "t.warc.gz", [][]byte{gz(warcinfo().bytes()), gz(other.bytes()), gz(ok.bytes())[:60]}, 1},
		// Without a usable length, the block of a plain record is found
		// only by skipping to the next version line: one more fault each.
		{"plain", "t.warc", plainRecords(warcinfo(), negative, notANumber, other), 4},
		{"plain, length beyond the file", "t.warc", plainRecords(warcinfo(), other, beyond), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.file, tc.parts...)
			var index bytes.Buffer
			err := IndexFiles(context.Background(), []string{path}, &index)
			var skipped *SkippedError
			if !errors.As(err, &skipped) || len(skipped.Records) != tc.bad {
				t.Fatalf("IndexFiles error %v; want %d records left out", err, tc.bad)
			}
			if !strings.HasPrefix(index.String(), "com,example)/other 20240506070809 ") || strings.Count(index.String(), "\n") != 1 {
				t.Errorf("index %q; want the one whole response", index.String())
			}
			rep, err := ValidateFile(context.Background(), path, ValidateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var framingFaults []int64
			for _, b := range rep.Bad {
				if slices.ContainsFunc(b.Problems, func(p Problem) bool {
					switch p.Code {
					case ProblemContentLength, ProblemHeaderSize, ProblemTruncated, ProblemGzipMember, ProblemGzip, ProblemNotWARC:
						return true
					}
					return false
				}) {
					framingFaults = append(framingFaults, b.Offset)
				}
			}
			var left []int64
			for _, r := range skipped.Records {
				left = append(left, r.Offset)
			}
			if !slices.Equal(left, framingFaults) {
				t.Fatalf("index left out the records at %v, validate finds framing faults at %v", left, framingFaults)
			}
		})
	}
}

// TestHTTPHeaderLineIsBounded validates a response whose HTTP header holds
// a line far longer than the bound: the payload check must not hold it.
func TestHTTPHeaderLineIsBounded(t *testing.T) {
	const size = 32 << 20
	// The block spool alone grows to 1 MiB in memory before it spills, and
	// net/http may take DefaultMaxHeader twice over while it reads.
	const budget = 8 << 20
	msg := "HTTP/1.1 200 OK\r\nX-Long: " + strings.Repeat("a", size) + "\r\nContent-Length: 5\r\n\r\nhello"
	rec := response("66666666-0000-4000-8000-000000000001", "http://example.com/long", msg, "hello")
	path := writeFile(t, "t.warc", rec.bytes())
	msg, rec = "", recSpec{} // the test's own copies are not the validator's
	var rep FileReport
	var err error
	alloc := allocatedBy(func() { rep, err = ValidateFile(context.Background(), path, ValidateOptions{SpoolDir: t.TempDir()}) })
	t.Logf("validating a %d-byte HTTP header line allocated %d bytes", size, alloc)
	if err != nil || rep.Records != 1 || rep.Problems != 0 {
		t.Fatalf("ValidateFile = %+v, %v; want one clean record (the digest is checked over the bytes after the header)", rep, err)
	}
	if alloc > budget {
		t.Fatalf("validating a %d-byte HTTP header line allocated %d bytes: the line was held", size, alloc)
	}
}
