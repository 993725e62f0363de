package warc

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Two processes of one crawl writing into one folder: their files carry
// their names, and a repair run meanwhile (a third process starting there)
// leaves the files they are writing alone.
func TestSharedFolderWriters(t *testing.T) {
	s := newCaptureServer(t)
	page := s.capture(t, s.request("GET", "/page", ""))
	dir := t.TempDir()
	writers := map[string]*Writer{}
	for _, name := range []string{"crawl-01-a1b2c3", "crawl-01-d4e5f6"} {
		writers[name] = newTestWriter(t, Options{Dir: dir, Process: name})
		if _, _, err := writers[name].WriteExchange(Exchange{TargetURI: "http://example.test/" + name,
			Request: s.request("GET", "/", ""), Response: bytes.NewReader(page)}); err != nil {
			t.Fatal(err)
		}
	}
	open, _ := filepath.Glob(filepath.Join(dir, "*"+openWARCSuffix))
	if len(open) != 2 {
		t.Fatalf("open files %q, want one per writer", open)
	}
	reps, err := RepairDir(context.Background(), dir)
	if err != nil || len(reps) != 0 {
		t.Fatalf("RepairDir beside live writers = %+v, %v; want nothing touched", reps, err)
	}
	if _, err := Repair(context.Background(), open[0]); err == nil || !strings.Contains(err.Error(), ErrInUse.Error()) {
		t.Fatalf("Repair of a file being written = %v, want ErrInUse", err)
	}
	for name, w := range writers {
		if _, _, err := w.WriteExchange(Exchange{TargetURI: "http://example.test/" + name + "/2",
			Request: s.request("GET", "/", ""), Response: bytes.NewReader(page)}); err != nil {
			t.Fatalf("%s writing after the repair: %v", name, err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	files := warcFiles(t, dir)
	for _, f := range files {
		if !strings.HasSuffix(f, "-crawl-01-a1b2c3.warc.gz") && !strings.HasSuffix(f, "-crawl-01-d4e5f6.warc.gz") {
			t.Errorf("%s does not end with its writer's name", f)
		}
		if recs := readMembersByHand(t, f); len(recs) != 5 {
			t.Errorf("%s holds %d records, want a warcinfo and two exchanges", f, len(recs))
		}
	}
}

// Processes merging their lines into one index at the same moment each
// find the other's lines there: the index holds them all.
func TestConcurrentMergesKeepEveryLine(t *testing.T) {
	index := filepath.Join(t.TempDir(), "indexes", "index.cdxj")
	all := randomLines(4000, 11)
	var wg sync.WaitGroup
	for part := range 4 {
		wg.Go(func() {
			w, err := NewIndexWriter(IndexWriterOptions{TempDir: t.TempDir(), RunBytes: 4096})
			if err != nil {
				t.Error(err)
				return
			}
			defer w.Close()
			for _, l := range all[part*1000 : (part+1)*1000] {
				if err := w.AddLine(l); err != nil {
					t.Error(err)
					return
				}
			}
			if err := w.MergeInto(context.Background(), index); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	checkIndex(t, index, all)
	assertOnlyFiles(t, filepath.Dir(index), "index.cdxj")
}

// The indexes of collections whose WARC files were copied together merge
// into the index RebuildIndex makes from all the files. An index naming a
// WARC file the collection lacks, or out of order, is refused.
func TestMergeIndexes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var sources []string
	for i, f := range goldenWARCs {
		p := filepath.Join(dir, fmt.Sprintf("process-%d", i), "index.cdxj")
		if err := RebuildIndex(ctx, []string{f}, p); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, p)
	}
	names := []string{filepath.Base(goldenWARCs[0]), filepath.Base(goldenWARCs[1])}
	has := func(name string) bool { return slices.Contains(names, name) }
	merged := filepath.Join(dir, "all", "indexes", "index.cdxj")
	// A source given twice, and the target's own lines, are no repeats.
	if err := MergeIndexes(ctx, merged, sources[:1], has); err != nil {
		t.Fatal(err)
	}
	if err := MergeIndexes(ctx, merged, sources, has); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(goldenIndex)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(merged); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("merged index differs from the one of all files (%v):\n%s", err, got)
	}
	assertOnlyFiles(t, filepath.Dir(merged), "index.cdxj")

	lacking := func(name string) bool { return name == names[0] }
	err = MergeIndexes(ctx, filepath.Join(dir, "lacking", "index.cdxj"), sources, lacking)
	if err == nil || !strings.Contains(err.Error(), names[1]) {
		t.Errorf("merge naming a missing WARC file = %v; want it refused, naming %s", err, names[1])
	}
	data, _ := os.ReadFile(sources[0])
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	slices.Reverse(lines)
	unsorted := filepath.Join(dir, "unsorted.cdxj")
	if err := os.WriteFile(unsorted, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := MergeIndexes(ctx, filepath.Join(dir, "out", "index.cdxj"), []string{unsorted}, has); err == nil || !strings.Contains(err.Error(), "out of order") {
		t.Errorf("merge of an unsorted index = %v; want it refused", err)
	}
}
