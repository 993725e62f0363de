package crawler_test

import (
	"path/filepath"
	"slices"
	"testing"

	"arkisto/crawler"
	"arkisto/crawler/testsite"
)

// Two crawls of the test site into one collection: the second stores every
// unchanged payload as a revisit of the first crawl's capture, and the page
// that changed in between as a full response.
func TestSecondCrawlWritesRevisits(t *testing.T) {
	t.Parallel()
	site := testsite.New(testsite.Options{})
	base := site.Start(t)
	cfg := testConfig(t, base+"/")
	cfg.Delay = 0
	archive := filepath.Join(cfg.Output, "archive")

	if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
		t.Fatal(err)
	}
	firstFiles, _ := filepath.Glob(filepath.Join(archive, "*.warc.gz"))
	first := responsesByURL(readWARCs(t, archive))

	changed := site.Articles()[3].Path
	if err := site.ChangePage(changed); err != nil {
		t.Fatal(err)
	}
	if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
		t.Fatal(err)
	}
	second := map[string]record{}
	for _, r := range readWARCs(t, archive) {
		if !slices.Contains(firstFiles, filepath.Join(archive, r.file)) && (r.typ() == "response" || r.typ() == "revisit") {
			second[r.target()] = r
		}
	}
	if len(second) != len(first) {
		t.Errorf("second crawl captured %d URLs, the first %d", len(second), len(first))
	}
	revisits := 0
	for u, r := range second {
		old, ok := first[u]
		if !ok {
			t.Errorf("%s captured only by the second crawl", u)
			continue
		}
		status := httpStatus(r.block)
		payload, _ := httpPayload(old.block)
		// A first capture that was itself a revisit had a payload big enough.
		eligible := status >= 200 && status < 300 && (old.typ() == "revisit" || int64(len(payload)) >= cfg.DedupMinSize)
		switch {
		case u == base+changed:
			if r.typ() != "response" {
				t.Errorf("changed page %s stored as %s, want a fresh response", u, r.typ())
			}
		case eligible && r.typ() != "revisit":
			t.Errorf("unchanged %s (status %d, %d bytes) stored as %s, want a revisit", u, status, len(payload), r.typ())
		case !eligible && r.typ() != "response":
			t.Errorf("%s (status %d, %d bytes) stored as %s, want a full response", u, status, len(payload), r.typ())
		case r.typ() == "revisit":
			revisits++
			if r.header.Get("WARC-Payload-Digest") != old.header.Get("WARC-Payload-Digest") && old.typ() == "response" {
				t.Errorf("revisit of %s has another payload digest than the first capture", u)
			}
		}
	}
	if revisits < len(second)/2 {
		t.Errorf("only %d of %d captures were revisits", revisits, len(second))
	}
}
