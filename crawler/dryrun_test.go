package crawler_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arkisto/crawler"
	"arkisto/crawler/testsite"
)

// A dry run fetches and follows what an archiving crawl would, logs every
// fetch, and leaves nothing in the archive: no WARC file, no index line, no
// deduplication entry.
func TestDryRunFetchesTheCrawlAndArchivesNothing(t *testing.T) {
	t.Parallel()
	site := testsite.New(testsite.Options{Articles: 6})
	base := site.Start(t)
	cfg := testConfig(t, base+"/")
	cfg.DryRun = true
	if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
		t.Fatalf("dry run: %v", err)
	}

	var fetched []string
	for _, l := range readCrawlLog(t, cfg) {
		if strings.HasPrefix(l.status, "-") {
			continue
		}
		fetched = append(fetched, l.url)
		if l.digest != "-" {
			t.Errorf("dry-run line for %s has digest %q, want -", l.url, l.digest)
		}
		if l.mime == "-" && l.status == "200" {
			t.Errorf("dry-run line for %s has no MIME type: %s", l.url, l.raw)
		}
	}
	slices.Sort(fetched)
	if want := site.ExpectedURLs(base, testsite.CrawlSettings{}); !slices.Equal(fetched, want) {
		t.Errorf("dry run fetched %d URLs:\n%s\nwant the %d an archiving crawl captures:\n%s",
			len(fetched), strings.Join(fetched, "\n"), len(want), strings.Join(want, "\n"))
	}
	if hits := site.Hits(); len(hits) != len(fetched) {
		t.Errorf("the server saw %d requests, crawl.log logs %d fetches", len(hits), len(fetched))
	}

	files, err := os.ReadDir(filepath.Join(cfg.Output, "archive"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if len(files) > 0 {
		t.Errorf("a dry run left %d files in archive/, the first %s", len(files), files[0].Name())
	}
	if index, err := os.ReadFile(filepath.Join(cfg.Output, "indexes", "index.cdxj")); len(index) > 0 {
		t.Errorf("a dry run wrote %d bytes of index (err %v)", len(index), err)
	}
	if _, err := os.Stat(filepath.Join(cfg.Output, "state", "dedup.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a dry run opened the deduplication index (stat: %v)", err)
	}
}
