package cli

import (
	"archive/zip"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arkisto/crawler/testsite"
)

// crawl --wacz packages the collection beside its folder: every WARC file,
// and every page the crawl opened (not its frames or requisites) with the
// title the page had.
func TestCrawlWACZ(t *testing.T) {
	site := testsite.New(testsite.Options{Articles: 4})
	base := site.Start(t)
	out := filepath.Join(t.TempDir(), "news")
	code, stdout, stderr := run(t, crawlArgs(out, base+"/", "--delay", "0", "--warc-max-size", "50000", "--wacz")...)
	if code != ExitOK {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote "+out+".wacz") {
		t.Errorf("stdout does not name the package:\n%s", stdout)
	}
	entries := waczEntries(t, out+".wacz")
	warcs, _ := filepath.Glob(filepath.Join(out, "archive", "*.warc.gz"))
	if len(warcs) < 2 {
		t.Fatalf("want several WARC files, got %d", len(warcs))
	}
	for _, w := range warcs {
		if _, ok := entries["archive/"+filepath.Base(w)]; !ok {
			t.Errorf("%s is not in the package", filepath.Base(w))
		}
	}

	titles := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(entries["pages/pages.jsonl"]), "\n")[1:] {
		var p struct{ ID, URL, TS, Title string }
		if err := json.Unmarshal([]byte(line), &p); err != nil || p.ID == "" || p.TS == "" {
			t.Fatalf("page line %q (%v)", line, err)
		}
		titles[p.URL] = p.Title
	}
	if titles[base+"/"] != "Front page | The Arkisto Herald" {
		t.Errorf("front page title %q", titles[base+"/"])
	}
	for _, a := range site.Articles() {
		if got := titles[base+a.Path]; !strings.HasPrefix(got, a.Title) {
			t.Errorf("%s: title %q, want %q", a.Path, got, a.Title)
		}
	}
	// The pages are the HTML documents fetched through links, seeds,
	// sitemaps and feeds with 200: those a reader opens.
	var want []string
	for _, l := range fetchLines(t, out) {
		f := strings.Fields(l)
		hops, status, mime := f[4], f[1], f[6]
		if status == "200" && strings.HasPrefix(mime, "text/html") && !strings.ContainsAny(hops[len(hops)-1:], "EP") {
			want = append(want, f[3])
		}
	}
	var got []string
	for u := range titles {
		got = append(got, u)
	}
	slices.Sort(want)
	slices.Sort(got)
	if len(got) == 0 || !slices.Equal(got, want) {
		t.Errorf("pages\n%v\nwant\n%v", got, want)
	}
}

func TestWACZCommand(t *testing.T) {
	base := testsite.New(testsite.Options{Articles: 2}).Start(t)
	out := t.TempDir()
	if code, _, stderr := run(t, crawlArgs(out, base+"/", "--delay", "0")...); code != ExitOK {
		t.Fatalf("crawl: exit status %d; stderr:\n%s", code, stderr)
	}
	pkg := filepath.Join(t.TempDir(), "mine.wacz")
	code, stdout, stderr := run(t, "wacz", out, "-o", pkg, "--title", "My news")
	if code != ExitOK || !strings.Contains(stdout, "wrote "+pkg) {
		t.Fatalf("exit status %d; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if dp := waczEntries(t, pkg)["datapackage.json"]; !strings.Contains(dp, `"title": "My news"`) {
		t.Errorf("datapackage.json:\n%s", dp)
	}

	empty := t.TempDir()
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no WARC files", []string{"wacz", empty}, ExitUsage, "no WARC files"},
		{"no folder", []string{"wacz"}, ExitUsage, "arg"},
		{"unwritable output", []string{"wacz", out, "-o", filepath.Join(empty, "no", "such", "x.wacz")}, ExitFailure, "x.wacz"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit status %d, want %d naming %q; stderr:\n%s", code, tt.code, tt.want, stderr)
			}
		})
	}
}

// waczEntries reads a package's entries: the archive/ ones are only
// listed (empty), the others read.
func waczEntries(t *testing.T, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	entries := map[string]string{}
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "archive/") {
			entries[f.Name] = ""
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		entries[f.Name] = string(b)
	}
	return entries
}
