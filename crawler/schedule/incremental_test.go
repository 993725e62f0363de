package schedule_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"arkisto/crawler/schedule"
	"arkisto/crawler/testsite"
)

// Two scheduled runs of a job against the test site, which gains an
// article and changes a page between them.
func TestScheduledRunsAreIncremental(t *testing.T) {
	// Few articles keep each run short; every kind of page is still there.
	site := testsite.New(testsite.Options{Articles: 6})
	base := site.Start(t)
	j := jobConfig(t, "news", base, "@yearly") // only ticks are due
	j.Sitemaps = []string{base + "/sitemap.xml", base + "/news-sitemap.xml"}
	j.Feeds = []string{base + "/feeds/rss.xml", base + "/feeds/atom.xml"}
	d := startDaemon(t, serveConfig(t, j))

	if err := d.tick(t, "news"); err != nil {
		t.Fatalf("first tick: %v", err)
	}
	first := d.next(t, "news", ended)
	if first.Outcome != schedule.OutcomeSuccess || first.Reason != "schedule" || !first.Since.IsZero() {
		t.Fatalf("first run = %+v, want a scheduled success with no since", first)
	}
	changed := site.Articles()[3].Path
	if err := site.ChangePage(changed); err != nil {
		t.Fatal(err)
	}
	added := site.AddArticle()
	// OnRun hears of the end once the job is free: the tick starts a run.
	if err := d.tick(t, "news"); err != nil {
		t.Fatalf("second tick: %v", err)
	}
	second := d.next(t, "news", ended)
	d.stop(t)
	if second.Outcome != schedule.OutcomeSuccess || !second.Since.Equal(first.Start) {
		t.Fatalf("second run = %+v, want a success since %v", second, first.Start)
	}

	one, two := readRun(t, j.Collection, first), readRun(t, j.Collection, second)
	firstDigests := map[string]string{} // target -> payload digest of its response
	held := map[string]bool{}           // payload digests the collection holds
	for _, r := range one {
		if r.typ == "response" || r.typ == "revisit" {
			firstDigests[r.target] = r.digest
			held[r.digest] = true
		}
	}
	t.Run("changed page and new article are fresh responses", func(t *testing.T) {
		for _, path := range []string{changed, added.Path} {
			i := slices.IndexFunc(two, func(r record) bool { return r.target == base+path && r.typ != "request" })
			if i < 0 {
				t.Fatalf("%s not captured by the second run", path)
			}
			if two[i].typ != "response" || held[two[i].digest] {
				t.Errorf("%s stored as %s (digest held before: %v), want a new response", path, two[i].typ, held[two[i].digest])
			}
		}
	})
	t.Run("unchanged payloads are revisits", func(t *testing.T) {
		revisits := 0
		for _, r := range two {
			switch {
			case r.typ == "revisit":
				revisits++
			case r.typ == "response" && held[r.digest] && r.status >= 200 && r.status < 300:
				t.Errorf("%s: payload held by the collection stored again as a response", r.target)
			}
		}
		if revisits < len(firstDigests)/2 {
			t.Errorf("%d revisits in the second run; the first captured %d URLs", revisits, len(firstDigests))
		}
	})
	t.Run("old sitemap and feed entries are not fetched again", func(t *testing.T) {
		hits := site.Hits()
		fetched := func(path string, from, to time.Time) bool {
			return slices.ContainsFunc(hits, func(h testsite.Hit) bool {
				return h.Path == path && !h.Start.Before(from) && !h.Start.After(to)
			})
		}
		for _, src := range []string{testsite.SourceSitemap, testsite.SourceSitemapGz, testsite.SourceNews, testsite.SourceRSS, testsite.SourceAtom} {
			for _, e := range site.OnlyVia(src) {
				if !fetched(e.Path, first.Start, first.End) {
					t.Errorf("%s (only via %s) not fetched by the first run", e.Path, src)
				}
				// Since keeps entries dated at or after the first run's start.
				want := !e.Published.Before(first.Start)
				if got := fetched(e.Path, second.Start, second.End); got != want {
					t.Errorf("%s (only via %s, published %s): fetched by the second run = %v, want %v", e.Path, src, e.Published.Format(time.DateOnly), got, want)
				}
			}
		}
		// Seeds are fetched every run.
		if !fetched("/", second.Start, second.End) {
			t.Error("the second run did not fetch the seed")
		}
	})
	t.Run("history", func(t *testing.T) {
		h := strings.Join([]string{first.ID, second.ID}, ",")
		if first.ID == second.ID || len(second.Counts.WARCFiles) == 0 || second.Counts.URLsSeen == 0 {
			t.Errorf("runs %s: counts %+v", h, second.Counts)
		}
	})
}
