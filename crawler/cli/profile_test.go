package cli

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"arkisto/crawler/testsite"
)

// The hidden profiling flags leave files the Go tools read: pprof
// profiles are gzipped protocol buffers, a trace starts with its header.
func TestCrawlWritesTheProfilesAskedFor(t *testing.T) {
	base := testsite.New(testsite.Options{Articles: 3}).Start(t)
	out, dir := t.TempDir(), t.TempDir()
	cpu, block, trace := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "block.prof"), filepath.Join(dir, "trace.out")
	code, _, stderr := run(t, crawlArgs(out, base+"/", "--delay", "0",
		"--cpuprofile", cpu, "--blockprofile", block, "--trace", trace)...)
	if code != ExitOK {
		t.Fatalf("exit status %d, want 0; stderr:\n%s", code, stderr)
	}
	if len(fetchLines(t, out)) == 0 {
		t.Error("the profiled crawl fetched nothing")
	}
	for _, path := range []string{cpu, block} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Errorf("%s is not a gzipped profile: %v", filepath.Base(path), err)
		} else if n, err := io.Copy(io.Discard, zr); err != nil || n == 0 {
			t.Errorf("%s: %d bytes of profile, err %v", filepath.Base(path), n, err)
		}
		f.Close()
	}
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("go 1.")) {
		t.Errorf("trace.out starts %q, want a Go execution trace header", data[:min(len(data), 16)])
	}
}

func TestCrawlRefusesAProfileItCannotCreate(t *testing.T) {
	out := t.TempDir()
	missing := filepath.Join(t.TempDir(), "no", "such", "cpu.prof")
	code, _, stderr := run(t, crawlArgs(out, "http://127.0.0.1:9/", "--cpuprofile", missing)...)
	if code != ExitFailure || !bytes.Contains([]byte(stderr), []byte("cpu.prof")) {
		t.Errorf("exit status %d, want %d naming the file; stderr:\n%s", code, ExitFailure, stderr)
	}
}
