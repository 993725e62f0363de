package testsite

import (
	"maps"
	"slices"
)

// DefaultMaxDepth is arkisto's default --max-depth.
const DefaultMaxDepth = 20

// CrawlSettings describe the crawl ExpectedURLs predicts. The zero value is
// arkisto's default crawl: depth 20, sitemaps and feeds followed.
type CrawlSettings struct {
	// MaxDepth is the deepest link hop fetched, the front page being hop 0;
	// 0 means DefaultMaxDepth. ExpectedURLs applies it to the calendar
	// trap only, which is exact for MaxDepth >= 4: every other URL is at
	// most 4 hops (requisites counted) from the front page, or from
	// robots.txt through the sitemaps.
	MaxDepth   int
	NoSitemaps bool // the crawl ignores robots.txt's Sitemap lines
	NoFeeds    bool // the crawl ignores the front page's RSS/Atom links
}

// ExpectedURLs lists, sorted, every URL a correct crawl seeded with base+"/"
// captures: pages, requisites (all srcset candidates, CSS url() and
// @import targets, the preloaded font), robots.txt, each redirect hop, the
// deliberate 404 and 500, the targets of the meta refresh and of the
// <base href> link, the calendar months within reach (see CalendarURLs),
// and with sitemaps and feeds their documents and the articles only they
// list. It leaves out the disallowed /private/ page, the out-of-scope host
// and the links no crawler can fetch (mailto:, javascript:, data:, the
// malformed href). base is "http://HOST:PORT" without a trailing slash.
func (s *Site) ExpectedURLs(base string, c CrawlSettings) []string {
	depth := c.MaxDepth
	if depth == 0 {
		depth = DefaultMaxDepth
	}
	paths := []string{PathRobots, "/", PathEmbed, "/archive/",
		PathChunked, PathGzip, PathLatin1, PathBadUTF8, PathRefresh, PathRefreshTarget,
		PathBase, PathBaseTarget, PathBaseHref, PathRedirect, PathRedirectHop, PathRedirectTarget,
		PathNotFound, PathServerError, PathDuplicate, PathDuplicateCopy}
	paths = slices.AppendSeq(paths, maps.Keys(s.assets))

	s.mu.RLock()
	for i, sec := range s.sections {
		for n := 1; n <= pageCount(len(s.bySection[i])); n++ {
			paths = append(paths, sectionPagePath(sec.name, n))
		}
	}
	for _, m := range s.monthsWithArticles() {
		paths = append(paths, archivePath(m))
	}
	paths = appendArticles(paths, s.linked)
	s.mu.RUnlock()

	if !c.NoSitemaps {
		paths = append(paths, PathSitemapIndex, PathSitemapPlain, PathSitemapGz, PathNewsSitemap)
		for _, src := range []string{SourceSitemap, SourceSitemapGz, SourceNews} {
			paths = appendArticles(paths, s.only[src])
		}
	}
	if !c.NoFeeds {
		paths = append(paths, PathRSS, PathAtom)
		paths = appendArticles(paths, s.only[SourceRSS])
		paths = appendArticles(paths, s.only[SourceAtom])
	}

	urls := s.CalendarURLs(base, depth)
	for _, p := range paths {
		urls = append(urls, base+p)
	}
	slices.Sort(urls)
	return slices.Compact(urls)
}

// appendArticles adds each article and its lead image in every width.
func appendArticles(paths []string, as []*article) []string {
	for _, a := range as {
		paths = append(paths, a.Path)
		for _, w := range imageWidths {
			paths = append(paths, imagePath(a.key, w))
		}
	}
	return paths
}
