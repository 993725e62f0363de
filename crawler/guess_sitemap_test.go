package crawler_test

import (
	"slices"
	"strings"
	"testing"

	"arkisto/crawler"
	"arkisto/crawler/testsite"
)

// --guess-sitemap asks each host for /sitemap.xml at its root.
func TestGuessSitemapRequestsTheHostRoot(t *testing.T) {
	t.Parallel()
	for _, guess := range []bool{true, false} {
		name := "guessing"
		if !guess {
			name = "not guessing"
		}
		t.Run(name, func(t *testing.T) {
			site := testsite.New(testsite.Options{Articles: 3})
			base := site.Start(t)
			cfg := testConfig(t, base+"/")
			cfg.RobotsSitemaps = false // robots.txt names /sitemap.xml too: only the guess may ask for it
			cfg.GuessSitemap = guess
			cfg.MaxDepth = 0
			if err := runCrawl(t, t.Context(), cfg, crawler.Options{}); err != nil {
				t.Fatalf("crawl: %v", err)
			}
			var paths []string
			for _, h := range site.Hits() {
				paths = append(paths, h.Path)
				if strings.HasPrefix(h.Path, testsite.PathRobots+"/") {
					t.Errorf("the server saw %s: a path under robots.txt", h.Path)
				}
			}
			if got := slices.Contains(paths, testsite.PathSitemapIndex); got != guess {
				t.Errorf("server saw %s: %v, want %v (requests %v)", testsite.PathSitemapIndex, got, guess, paths)
			}
			if !guess {
				return
			}
			lines := linesOf(readCrawlLog(t, cfg), base+testsite.PathSitemapIndex)
			if len(lines) != 1 || lines[0].status != "200" || lines[0].hops != "PM" {
				t.Errorf("crawl.log lines %v, want one 200 with hops PM (an entry of robots.txt)", lines)
			}
		})
	}
}
