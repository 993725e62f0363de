package warc

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeTree writes files (path -> bytes, a trailing "/" makes an empty
// folder) under a new temporary folder and returns it.
func writeTree(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestValidateNeverPassesOnNothing checks that validate looks into a
// collection's archive folder, and that finding no WARC file, an empty file
// or a name that lies about compression is a problem, never a pass.
func TestValidateNeverPassesOnNothing(t *testing.T) {
	gzFile := bytes.Join(members(warcinfo(), okResponse()), nil)
	plainFile := bytes.Join(plainRecords(warcinfo(), okResponse()), nil)
	type fileFault struct {
		file string // base name, or the searched folder relative to the tree
		code ProblemCode
	}
	for _, tc := range []struct {
		name    string
		tree    map[string][]byte
		arg     string // relative to the tree; "" is the tree itself
		files   int
		records int
		faults  []fileFault
	}{
		{name: "collection folder", arg: "",
			tree: map[string][]byte{"archive/a.warc.gz": gzFile, "archive/b.warc.gz.open": gzFile[:30],
				"indexes/index.cdxj": []byte("x\n"), "logs/crawl.log": nil},
			files: 1, records: 2},
		{name: "collection folder with an empty archive", arg: "",
			tree:   map[string][]byte{"archive/": nil, "indexes/index.cdxj": nil},
			faults: []fileFault{{"archive", ProblemNoWARCFile}}},
		{name: "folder without warc files", arg: "",
			tree:   map[string][]byte{"notes.txt": []byte("hello"), "x.warc.gz.open": gzFile},
			faults: []fileFault{{"", ProblemNoWARCFile}}},
		{name: "empty file", arg: "",
			tree:  map[string][]byte{"a.warc.gz": nil, "b.warc.gz": gzFile},
			files: 2, records: 2, faults: []fileFault{{"a.warc.gz", ProblemEmptyFile}}},
		{name: "plain file named .warc.gz", arg: "a.warc.gz",
			tree:  map[string][]byte{"a.warc.gz": plainFile},
			files: 1, records: 2, faults: []fileFault{{"a.warc.gz", ProblemCompression}}},
		{name: "gzip file named .warc", arg: "a.warc",
			tree:  map[string][]byte{"a.warc": gzFile},
			files: 1, records: 2, faults: []fileFault{{"a.warc", ProblemCompression}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, tc.tree)
			sum, err := ValidatePaths(context.Background(), []string{filepath.Join(dir, tc.arg)}, ValidateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []fileFault
			for _, rep := range sum.Reports {
				rel, _ := filepath.Rel(dir, rep.Path)
				if rel == "." {
					rel = ""
				}
				for _, p := range rep.FileProblems {
					got = append(got, fileFault{rel, p.Code})
				}
				if len(rep.Bad) != 0 {
					t.Errorf("%s: record problems %+v", rep.Path, rep.Bad)
				}
			}
			if !slices.Equal(got, tc.faults) || sum.Files != tc.files || sum.Records != tc.records ||
				sum.Problems != len(tc.faults) || sum.OK() != (len(tc.faults) == 0) {
				t.Fatalf("summary %+v, file faults %v; want %d files, %d records, faults %v", sum, got, tc.files, tc.records, tc.faults)
			}
			var text bytes.Buffer
			if err := sum.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			for _, f := range tc.faults {
				if !strings.Contains(text.String(), ": "+string(f.code)+": ") {
					t.Errorf("text report %q does not name %s", text.String(), f.code)
				}
			}
		})
	}
}

// TestSummaryWriteText checks the text report line by line.
func TestSummaryWriteText(t *testing.T) {
	sum := Summary{Files: 2, Records: 3, Problems: 2, Reports: []FileReport{
		{Path: "a.warc.gz", Records: 3, Problems: 1, Bad: []RecordReport{{Offset: 120, Type: "response", TargetURI: "http://example.com/",
			Problems: []Problem{{Code: ProblemDate, Message: "WARC-Date \"x\" is not a UTC time"}}}}},
		{Path: "b.warc.gz", Problems: 1, FileProblems: []Problem{{Code: ProblemEmptyFile, Message: "the file is empty"}}},
	}}
	var b bytes.Buffer
	if err := sum.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := "a.warc.gz@120 response http://example.com/: date: WARC-Date \"x\" is not a UTC time\n" +
		"b.warc.gz: empty-file: the file is empty\n" +
		"2 files, 3 records, 2 problems\n"
	if b.String() != want {
		t.Fatalf("WriteText wrote\n%s\nwant\n%s", b.String(), want)
	}
}
