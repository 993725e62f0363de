package testsite

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// deliberate lists the URLs whose status is not 200 on purpose.
var deliberate = map[string]int{PathRedirect: 301, PathRedirectHop: 302, PathNotFound: 404, PathServerError: 500, PathBaseHref: 404}

func TestExpectedURLsMatchACrawl(t *testing.T) {
	s := New(Options{})
	base := s.Start(t)
	tests := []struct {
		name     string
		settings CrawlSettings
		calendar int // calendar pages fetched
	}{
		{"defaults", CrawlSettings{}, 2*(DefaultMaxDepth-1) + 1},
		{"no sitemaps", CrawlSettings{NoSitemaps: true}, 39},
		{"no feeds", CrawlSettings{NoFeeds: true}, 39},
		{"neither, depth 5", CrawlSettings{NoSitemaps: true, NoFeeds: true, MaxDepth: 5}, 9},
		{"depth 1", CrawlSettings{MaxDepth: 1}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := crawlSite(t, base, tt.settings)
			got := slices.Sorted(maps.Keys(res.status))
			want := s.ExpectedURLs(base, tt.settings)
			for _, u := range want {
				if _, ok := res.status[u]; !ok {
					t.Errorf("expected but not reached: %s", u)
				}
			}
			for _, u := range got {
				if !slices.Contains(want, u) {
					t.Errorf("reached but not expected: %s", u)
				}
			}
			for u, status := range res.status {
				if want, ok := deliberate[strings.TrimPrefix(u, base)]; ok && status != want || !ok && status != 200 {
					t.Errorf("%s answered %d", u, status)
				}
			}
			calendar := slices.DeleteFunc(slices.Clone(got), func(u string) bool { return !strings.HasPrefix(u, base+PathCalendar) })
			if len(calendar) != tt.calendar || !slices.Equal(calendar, sortedCopy(s.CalendarURLs(base, cmpOr(tt.settings.MaxDepth, DefaultMaxDepth)))) {
				t.Errorf("fetched %d calendar pages, want %d", len(calendar), tt.calendar)
			}
			refused := map[string]string{
				"mailto:newsroom@herald.invalid": "scheme",
				"javascript:window.print()":      "scheme",
				"data:text/plain,arkisto":        "scheme",
				dataSpacer:                       "scheme",
				MalformedHref:                    "malformed",
				OutOfScopeURL:                    "out of scope",
				base + PathDisallowed:            "disallowed",
			}
			for ref, why := range refused {
				if res.refused[ref] != why {
					t.Errorf("%s: refused as %q, want %q", ref, res.refused[ref], why)
				}
			}
			if n := len(res.refused); n != len(refused)+2 { // + the two months one step too far
				t.Errorf("%d references refused, want %d: %v", n, len(refused)+2, res.refused)
			}
		})
	}
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

func sortedCopy(xs []string) []string { return slices.Sorted(slices.Values(xs)) }

// TestOnlyVia checks that each source alone leads to its articles, and
// that they straddle DateCut.
func TestOnlyVia(t *testing.T) {
	s := New(Options{})
	base := s.Start(t)
	res := crawlSite(t, base, CrawlSettings{})
	docs := map[string]string{
		SourceSitemap: PathSitemapPlain, SourceSitemapGz: PathSitemapGz, SourceNews: PathNewsSitemap,
		SourceRSS: PathRSS, SourceAtom: PathAtom,
	}
	cut, _ := time.Parse(time.DateOnly, DateCut)
	seen := map[string]bool{}
	for _, src := range sources {
		t.Run(src, func(t *testing.T) {
			entries := s.OnlyVia(src)
			before := 0
			for _, e := range entries {
				if refs := res.referrers[base+e.Path]; !slices.Equal(refs, []string{base + docs[src]}) {
					t.Errorf("%s is referred to by %v, want only %s", e.Path, refs, docs[src])
				}
				if e.Published.Before(cut) {
					before++
				}
				if seen[e.Path] || e.Title == "" || e.Section == "" {
					t.Errorf("entry %+v is repeated or incomplete", e)
				}
				seen[e.Path] = true
			}
			if len(entries) != 4 || before != 2 {
				t.Errorf("%d entries, %d before %s; want 4 and 2", len(entries), before, DateCut)
			}
		})
	}
	if got := s.OnlyVia("gopher"); len(got) != 0 {
		t.Errorf("unknown source lists %d entries", len(got))
	}
}

func TestCalendarURLs(t *testing.T) {
	s := New(Options{})
	tests := []struct {
		depth int
		want  []string
	}{
		{0, nil},
		{1, []string{"/calendar?month=2026-01"}},
		{3, []string{"/calendar?month=2025-11", "/calendar?month=2025-12", "/calendar?month=2026-01", "/calendar?month=2026-02", "/calendar?month=2026-03"}},
	}
	for _, tt := range tests {
		if got := s.CalendarURLs("", tt.depth); !slices.Equal(got, tt.want) {
			t.Errorf("CalendarURLs(depth %d) = %v, want %v", tt.depth, got, tt.want)
		}
	}
}
