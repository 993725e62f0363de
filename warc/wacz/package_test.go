package wacz

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"arkisto/warc"
)

// readEntries reads every entry of the package at path, by name, in order.
func readEntries(t *testing.T, path string) ([]*zip.File, map[string][]byte) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { zr.Close() })
	data := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc) // the zip reader checks each CRC-32 at the end
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		data[f.Name] = b
	}
	return zr.File, data
}

func TestWriteMakesAWACZ(t *testing.T) {
	dir := t.TempDir()
	// 3,000 captures in several files: three index blocks, so index.idx.
	warcs := writeWARCs(t, filepath.Join(dir, "archive"), 3000, 200_000)
	if len(warcs) < 2 {
		t.Fatalf("want several WARC files, got %d", len(warcs))
	}
	pages := writeText(t, filepath.Join(dir, "pages.jsonl"),
		`{"url":"http://site.example/page-0","ts":"2026-03-01T12:00:00Z","title":"Page 0"}`+"\n"+
			`{"url":"http://site.example/page-10","ts":"2026-03-01T12:00:10Z","title":"Tom & <Jerry>"}`+"\n"+
			`{"url":"http://site.example/page-20","ts":"2026-03-01T12:00:2`) // cut by a crash
	created := time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC)
	out := filepath.Join(dir, "coll.wacz")
	res, err := Write(t.Context(), out, Options{
		WARCFiles: warcs, Pages: pages, Title: "coll", Software: "arkisto test", Created: created,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.WARCFiles != len(warcs) || res.IndexLines != 3000 || res.IndexBlocks != 3 || res.Pages != 2 || res.SkippedPages != 1 || res.Skipped != nil {
		t.Errorf("result %+v", res)
	}
	files, data := readEntries(t, out)

	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	var want []string
	for _, w := range warcs {
		want = append(want, "archive/"+filepath.Base(w))
	}
	want = append(want, "indexes/index.cdx.gz", "indexes/index.idx", "pages/pages.jsonl", "datapackage.json", "datapackage-digest.json")
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("entries\n%v\nwant\n%v", names, want)
	}

	t.Run("WARC files stored as they are", func(t *testing.T) {
		for i, w := range warcs {
			f := files[i]
			if f.Method != zip.Store {
				t.Errorf("%s: method %d, want Store", f.Name, f.Method)
			}
			orig, err := os.ReadFile(w)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data[f.Name], orig) {
				t.Errorf("%s differs from %s", f.Name, w)
			}
		}
	})

	t.Run("index is the WARC files' CDXJ in gzip members", func(t *testing.T) {
		var cdxj bytes.Buffer
		if err := warc.IndexFiles(t.Context(), warcs, &cdxj); err != nil {
			t.Fatal(err)
		}
		if f := files[len(warcs)]; f.Method != zip.Store {
			t.Errorf("index.cdx.gz: method %d, want Store", f.Method)
		}
		zr, err := gzip.NewReader(bytes.NewReader(data["indexes/index.cdx.gz"])) // reads every member
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, cdxj.Bytes()) {
			t.Errorf("index.cdx.gz holds %d bytes of CDXJ, want the %d warc.IndexFiles writes", len(got), cdxj.Len())
		}
		checkIdx(t, data["indexes/index.idx"], data["indexes/index.cdx.gz"], 3)
	})

	t.Run("pages", func(t *testing.T) {
		lines := strings.Split(strings.TrimSuffix(string(data["pages/pages.jsonl"]), "\n"), "\n")
		if len(lines) != 3 || lines[0] != `{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}` {
			t.Fatalf("pages.jsonl:\n%s", data["pages/pages.jsonl"])
		}
		p0 := Page{URL: "http://site.example/page-0", TS: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
		want := `{"id":"` + PageID(p0) + `","url":"http://site.example/page-0","ts":"2026-03-01T12:00:00Z","title":"Page 0"}`
		if lines[1] != want {
			t.Errorf("page line\n%s\nwant\n%s", lines[1], want)
		}
		if !strings.Contains(lines[2], `"title":"Tom & <Jerry>"`) {
			t.Errorf("title not kept as written: %s", lines[2])
		}
	})

	t.Run("datapackage lists every file with its size and sha256", func(t *testing.T) {
		var pkg struct {
			Profile     string `json:"profile"`
			WACZVersion string `json:"wacz_version"`
			Title       string `json:"title"`
			Created     string `json:"created"`
			Software    string `json:"software"`
			Resources   []struct {
				Name, Path, Hash string
				Bytes            int64
			} `json:"resources"`
		}
		if err := json.Unmarshal(data["datapackage.json"], &pkg); err != nil {
			t.Fatal(err)
		}
		if pkg.Profile != "data-package" || pkg.WACZVersion != "1.1.1" || pkg.Title != "coll" ||
			pkg.Created != "2026-03-02T08:30:00Z" || pkg.Software != "arkisto test" {
			t.Errorf("datapackage.json fields: %+v", pkg)
		}
		if len(pkg.Resources) != len(want)-2 {
			t.Fatalf("%d resources, want %d", len(pkg.Resources), len(want)-2)
		}
		name := regexp.MustCompile(`^[-a-z0-9._/]+$`) // Frictionless's resource name pattern
		for i, r := range pkg.Resources {
			sum := sha256.Sum256(data[r.Path])
			if r.Path != want[i] || r.Hash != "sha256:"+hex.EncodeToString(sum[:]) || r.Bytes != int64(len(data[r.Path])) {
				t.Errorf("resource %+v: want path %s, %d bytes, sha256 %x", r, want[i], len(data[r.Path]), sum)
			}
			if !name.MatchString(r.Name) || r.Name != strings.ToLower(filepath.Base(r.Path)) {
				t.Errorf("resource name %q", r.Name)
			}
		}
		var dig struct{ Path, Hash string }
		if err := json.Unmarshal(data["datapackage-digest.json"], &dig); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data["datapackage.json"])
		if dig.Path != "datapackage.json" || dig.Hash != "sha256:"+hex.EncodeToString(sum[:]) {
			t.Errorf("datapackage-digest.json %+v, want sha256 %x", dig, sum)
		}
	})
}

// checkIdx checks index.idx against index.cdx.gz: a header naming it, then
// one line per gzip member, whose offset, length and sha256 are the
// member's and whose key is its first line's.
func checkIdx(t *testing.T, idx, cdx []byte, blocks int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(idx), "\n"), "\n")
	if len(lines) != blocks+1 || lines[0] != `!meta 0 {"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"}` {
		t.Fatalf("index.idx:\n%s", idx)
	}
	var end int64
	for i, l := range lines[1:] {
		key, js, ok := strings.Cut(l, " {")
		var at struct {
			Offset, Length int64
			Digest         string
		}
		if !ok || json.Unmarshal([]byte("{"+js), &at) != nil {
			t.Fatalf("index.idx line %q", l)
		}
		if at.Offset != end {
			t.Errorf("block %d at %d, want %d", i, at.Offset, end)
		}
		end = at.Offset + at.Length
		member := cdx[at.Offset:end]
		sum := sha256.Sum256(member)
		if at.Digest != "sha256:"+hex.EncodeToString(sum[:]) {
			t.Errorf("block %d digest %s, want %x", i, at.Digest, sum)
		}
		zr, err := gzip.NewReader(bytes.NewReader(member))
		if err != nil {
			t.Fatal(err)
		}
		zr.Multistream(false)
		first, err := bufio.NewReader(zr).ReadString('\n')
		if err != nil || !strings.HasPrefix(first, key+" {") {
			t.Errorf("block %d starts %q, index.idx says %q (%v)", i, first, key, err)
		}
		if n := len(strings.Fields(key)); n != 2 {
			t.Errorf("block %d key %q: want SURT and timestamp", i, key)
		}
		if _, err := strconv.Atoi(strings.Fields(key)[1][:8]); err != nil {
			t.Errorf("block %d key %q: no timestamp", i, key)
		}
	}
	if end != int64(len(cdx)) {
		t.Errorf("blocks end at %d of %d bytes", end, len(cdx))
	}
}

// A small index is one gzip member, and still has its index.idx:
// ReplayWeb.page finds the index through it.
func TestWriteSmallIndex(t *testing.T) {
	dir := t.TempDir()
	warcs := writeWARCs(t, dir, 20, 0)
	out := filepath.Join(dir, "small.wacz")
	// No page list at all: the package still has pages.jsonl, a header alone.
	res, err := Write(t.Context(), out, Options{WARCFiles: warcs, Pages: filepath.Join(dir, "absent.jsonl")})
	if err != nil {
		t.Fatal(err)
	}
	if res.IndexBlocks != 1 || res.IndexLines != 20 || res.Pages != 0 {
		t.Errorf("result %+v", res)
	}
	_, data := readEntries(t, out)
	checkIdx(t, data["indexes/index.idx"], data["indexes/index.cdx.gz"], 1)
	if string(data["pages/pages.jsonl"]) != pagesHeader {
		t.Errorf("pages.jsonl %q, want the header alone", data["pages/pages.jsonl"])
	}
}

func TestWriteRefuses(t *testing.T) {
	dir := t.TempDir()
	warcs := writeWARCs(t, filepath.Join(dir, "a"), 5, 0)
	copyTo := filepath.Join(dir, "b", filepath.Base(warcs[0]))
	if err := os.MkdirAll(filepath.Dir(copyTo), 0o755); err != nil {
		t.Fatal(err)
	}
	writeText(t, copyTo, "same name")
	out := filepath.Join(dir, "out.wacz")
	writeText(t, out, "an older package")
	for _, tt := range []struct {
		name  string
		files []string
		want  string
	}{
		{"no files", nil, "no WARC files"},
		{"two files of one name", []string{warcs[0], copyTo}, "same name"},
		{"a missing file", []string{warcs[0], filepath.Join(dir, "gone.warc.gz")}, "gone.warc.gz"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Write(t.Context(), out, Options{WARCFiles: tt.files})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one naming %q", err, tt.want)
			}
			if b, _ := os.ReadFile(out); string(b) != "an older package" {
				t.Error("a failed package replaced the one before")
			}
			if tmp, _ := filepath.Glob(filepath.Join(dir, ".out.wacz.*")); len(tmp) > 0 {
				t.Errorf("temporary files left: %v", tmp)
			}
		})
	}
}

func TestWriteStopsWhenCancelled(t *testing.T) {
	dir := t.TempDir()
	warcs := writeWARCs(t, dir, 5, 0)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Write(ctx, filepath.Join(dir, "x.wacz"), Options{WARCFiles: warcs})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}
