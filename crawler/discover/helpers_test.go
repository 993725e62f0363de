package discover

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read test document: %v", err)
	}
	return data
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	return gzipLevel(t, data, gzip.DefaultCompression)
}

func gzipLevel(t testing.TB, data []byte, level int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, level)
	if err != nil {
		t.Fatalf("make gzip writer: %v", err)
	}
	if _, err := zw.Write(data); err != nil {
		t.Fatalf("gzip test document: %v", err)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("gzip test document: %v", err)
	}
	return buf.Bytes()
}

func utc(year int, month time.Month, day, hour, min, sec, nsec int) time.Time {
	return time.Date(year, month, day, hour, min, sec, nsec, time.UTC)
}

// assertResult checks what a parser returned: the error wantErr (nil for
// none), whose text says wantMsg, and the entries want.
func assertResult(t *testing.T, got []Entry, err error, want []Entry, wantErr error, wantMsg string) {
	t.Helper()
	t.Logf("error: %v", err)
	if !errors.Is(err, wantErr) || (err == nil) != (wantErr == nil) {
		t.Fatalf("error = %v, want %v", err, wantErr)
	}
	if err != nil && !strings.Contains(err.Error(), wantMsg) {
		t.Errorf("error %q does not say %q", err, wantMsg)
	}
	assertEntries(t, got, want)
}

// assertEntries compares entries field by field, with times compared as
// instants whatever zone they were written in.
func assertEntries(t *testing.T, got, want []Entry) {
	t.Helper()
	norm := func(entries []Entry) []Entry {
		out := make([]Entry, len(entries))
		for i, e := range entries {
			e.Modified = e.Modified.UTC()
			out[i] = e
		}
		return out
	}
	if g, w := norm(got), norm(want); !reflect.DeepEqual(g, w) {
		t.Errorf("entries differ\n got: %+v\nwant: %+v", g, w)
	}
}
