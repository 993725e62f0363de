package discover

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fuzzLimits are small so that the fuzzer reaches the limits quickly.
func fuzzLimits() Limits {
	return Limits{MaxEntries: 20, MaxBytes: 1 << 20}
}

// checkParse holds for every parser output: no more entries than the limit,
// every entry has a URL, and every error is one of the package's sentinels.
func checkParse(t *testing.T, entries []Entry, err error, known ...error) {
	t.Helper()
	if limit := fuzzLimits().MaxEntries; len(entries) > limit {
		t.Fatalf("%d entries, limit %d", len(entries), limit)
	}
	for _, e := range entries {
		if e.URL == "" {
			t.Fatalf("entry without url: %+v", e)
		}
	}
	if err == nil {
		return
	}
	for _, k := range known {
		if errors.Is(err, k) {
			return
		}
	}
	t.Fatalf("error outside the documented ones: %v", err)
}

// The seed corpus is committed in testdata/fuzz/FuzzSitemap.
func FuzzSitemap(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		entries, err := Sitemap(bytes.NewReader(body), "application/xml", "", fuzzLimits())
		checkParse(t, entries, err, ErrNotSitemap, ErrMalformed, ErrTooLarge, ErrTooManyEntries)
		if errors.Is(err, ErrNotSitemap) && len(entries) > 0 {
			t.Fatalf("entries from a body that is not a sitemap: %+v", entries)
		}
	})
}

// The seed corpus is committed in testdata/fuzz/FuzzFeed.
func FuzzFeed(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		entries, err := Feed(body, fuzzLimits())
		checkParse(t, entries, err, ErrNotFeed, ErrMalformed, ErrTooLarge, ErrTooManyEntries)
	})
}

var updateSeeds = flag.Bool("update", false, "rewrite testdata/fuzz from the test documents")

// TestFuzzSeedCorpus keeps the committed seed corpus in step with the test
// documents it is made of; -update rewrites it.
func TestFuzzSeedCorpus(t *testing.T) {
	seeds := map[string][]byte{
		"FuzzSitemap/news-xml-gz":     gzipBytes(t, readTestdata(t, "sitemaps/news.xml")),
		"FuzzSitemap/index-xml-gz-gz": gzipBytes(t, gzipBytes(t, readTestdata(t, "sitemaps/index.xml"))),
		"FuzzSitemap/rss20-xml":       readTestdata(t, "feeds/rss20.xml"),
		"FuzzSitemap/atom10-xml-gz":   gzipBytes(t, readTestdata(t, "feeds/atom10.xml")),
		// Inflates past fuzzLimits' MaxBytes.
		"FuzzSitemap/small-bomb-gz": gzipBytes(t, append(
			[]byte(`<?xml version="1.0"?><urlset><url><loc>https://news.example.com/first</loc></url>`),
			bytes.Repeat([]byte(" "), 2<<20)...)),
		"FuzzFeed/rss20-xml-gz": gzipBytes(t, readTestdata(t, "feeds/rss20.xml")),
		"FuzzFeed/json-feed":    []byte(`{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "url": "https://news.example.com/world/quake", "date_published": "2026-01-10T04:00:00Z"}]}`),
		"FuzzFeed/page-html":    readTestdata(t, "sitemaps/page.html"),
	}
	for target, dir := range map[string]string{"FuzzSitemap": "sitemaps", "FuzzFeed": "feeds"} {
		docs, err := os.ReadDir(filepath.Join("testdata", dir))
		if err != nil {
			t.Fatalf("list test documents: %v", err)
		}
		for _, d := range docs {
			seeds[target+"/"+strings.ReplaceAll(d.Name(), ".", "-")] = readTestdata(t, dir+"/"+d.Name())
		}
	}
	for name, data := range seeds {
		path := filepath.Join("testdata", "fuzz", filepath.FromSlash(name))
		want := "go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n"
		if *updateSeeds {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatalf("make seed folder: %v", err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatalf("write seed: %v", err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("read seed (run with -update to write it): %v", err)
			continue
		}
		// Compressed seeds are only required to exist: compress/flate may
		// encode the same input differently in another Go release.
		if string(got) != want && !strings.HasSuffix(name, "-gz") {
			t.Errorf("seed %s is stale: run go test -run TestFuzzSeedCorpus -update", name)
		}
	}
}
