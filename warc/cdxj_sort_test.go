package warc

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
)

// randomLines makes n distinct CDXJ-like lines in random order.
func randomLines(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 1))
	seen := map[string]bool{}
	var lines []string
	for len(lines) < n {
		l := fmt.Sprintf("com,example%d)/p%d?q=%d 2024%010d {\"url\": \"x\"}",
			rng.IntN(50), rng.IntN(1000), rng.IntN(1000), rng.IntN(1e9))
		if !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	return lines
}

func TestExternalSortMatchesSortStrings(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lines    int
		runBytes int
		minRuns  int
	}{
		{"tiny runs", 5000, 1024, 100},
		{"one line per run", 300, 1, 300},
		{"one run", 2000, 1 << 20, 1},
		{"empty", 0, 1024, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := randomLines(tc.lines, uint64(tc.lines))
			s, err := newLineSorter(t.TempDir(), tc.runBytes)
			if err != nil {
				t.Fatal(err)
			}
			defer s.close()
			for _, l := range lines {
				if err := s.add(l); err != nil {
					t.Fatal(err)
				}
			}
			var out bytes.Buffer
			runs, err := s.writeSorted(context.Background(), &out)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(lines)
			sort.Strings(want)
			got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if tc.lines == 0 {
				got = nil
			}
			if !slices.Equal(got, want) {
				t.Fatalf("external sort of %d lines differs from sort.Strings", tc.lines)
			}
			if runs < tc.minRuns {
				t.Fatalf("cut %d runs, want at least %d: runs are not bounded", runs, tc.minRuns)
			}
		})
	}
}

func TestMergeSortedDropsRepeatsAndBlanks(t *testing.T) {
	var out bytes.Buffer
	err := mergeSorted(context.Background(), &out, []io.Reader{
		strings.NewReader("a 1\nb 2\n\nd 4"),
		strings.NewReader("a 1\nc 3\nd 4\n"),
		strings.NewReader(""),
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "a 1\nb 2\nc 3\nd 4\n"; out.String() != want {
		t.Fatalf("merged %q, want %q", out.String(), want)
	}
}

// TestIndexWriterMergesWithExistingIndex adds lines from several
// goroutines, merges them into an existing index twice and checks the
// result is the sorted union, written atomically, with nothing left over.
func TestIndexWriterMergesWithExistingIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	indexDir := filepath.Join(dir, "indexes")
	index := filepath.Join(indexDir, "index.cdxj")
	spill := filepath.Join(dir, "spill")
	if err := os.MkdirAll(spill, 0o755); err != nil {
		t.Fatal(err)
	}
	all := randomLines(3000, 7)
	existing := slices.Clone(all[:1000])
	sort.Strings(existing)
	if err := os.MkdirAll(indexDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(index, []byte(strings.Join(existing, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	w, err := NewIndexWriter(IndexWriterOptions{TempDir: spill, RunBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	addAll := func(lines []string) {
		t.Helper()
		var g errgroup.Group
		for i := range 4 {
			g.Go(func() error {
				for j := i; j < len(lines); j += 4 {
					if err := w.AddLine(lines[j]); err != nil {
						return err
					}
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	// Some lines repeat what the index holds: they must not be doubled.
	addAll(all[900:2000])
	rec := Written{Type: "response", TargetURI: "http://example.com/a", Date: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		File: "x.warc.gz", Offset: 10, Length: 20, PayloadDigest: "sha1:ABC", HTTPStatus: 200, MIME: "text/html"}
	if err := w.Add(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Add(Written{Type: "request", TargetURI: "http://example.com/a"}); err != nil {
		t.Fatal(err)
	}
	if err := w.MergeInto(ctx, index); err != nil {
		t.Fatal(err)
	}
	line, _ := CDXJLine(rec)
	checkIndex(t, index, append(slices.Clone(all[:2000]), line))

	addAll(all[2000:])
	if err := w.MergeInto(ctx, index); err != nil {
		t.Fatal(err)
	}
	checkIndex(t, index, append(slices.Clone(all), line))
	assertOnlyFiles(t, indexDir, "index.cdxj")

	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	assertOnlyFiles(t, spill)
}

func TestIndexWriterCreatesIndex(t *testing.T) {
	index := filepath.Join(t.TempDir(), "coll", "indexes", "index.cdxj")
	w, err := NewIndexWriter(IndexWriterOptions{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, l := range []string{"b 2", "a 1"} {
		if err := w.AddLine(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.AddLine("bad\nline"); err == nil {
		t.Fatal("AddLine accepted a line break")
	}
	if err := w.MergeInto(context.Background(), index); err != nil {
		t.Fatal(err)
	}
	checkIndex(t, index, []string{"a 1", "b 2"})
}

func checkIndex(t *testing.T, path string, lines []string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(lines)
	sort.Strings(want)
	if string(got) != strings.Join(want, "\n")+"\n" {
		t.Fatalf("%s is not the sorted union of %d lines (holds %d lines)", path, len(want), bytes.Count(got, []byte("\n")))
	}
}
