package testsite

import (
	"bytes"
	"strconv"
	"testing"
)

// TestLargeSite builds the benchmark-sized site and checks its shape: every
// article has a place in a listing two hops from the front page, and the
// documents that list everything stay whole.
func TestLargeSite(t *testing.T) {
	const n = 5000
	s := New(Options{Articles: n})
	base := "http://testsite.example"
	pages := pageCount(len(s.bySection[0])) // world holds 1667 of the 5000
	onlyVia := 5 * 4
	assets := len(s.assets)
	fixed := 4 + 16 + 4 + 2 // robots, front, embed, archive; the specials; sitemaps; feeds
	sectionPages := 0
	for i := range s.sections {
		sectionPages += pageCount(len(s.bySection[i]))
	}
	want := fixed + assets + sectionPages + len(s.byMonth) + 4*(n+onlyVia) + len(s.CalendarURLs(base, DefaultMaxDepth))
	if got := len(s.ExpectedURLs(base, CrawlSettings{})); got != want {
		t.Errorf("ExpectedURLs lists %d URLs, want %d", got, want)
	}
	tests := []struct {
		name, target string
		status       int
		contains     string
	}{
		{"last page of a section", sectionPagePath("world", pages), 200, `href="/world/"`},
		{"past the last page", sectionPagePath("world", pages+1), 404, ""},
		{"first page links the last", "/world/", 200, `href="` + sectionPagePath("world", pages) + `"`},
		{"newest article", s.Articles()[n-1].Path, 200, esc(s.Articles()[n-1].Title)},
		{"oldest article", s.Articles()[0].Path, 200, esc(s.Articles()[0].Title)},
		{"plain sitemap", PathSitemapPlain, 200, s.Articles()[n-1].Path},
		{"image", imagePath(strconv.Itoa(n), 640), 200, "IHDR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := serveDirect(s, tt.target, "")
			if r.Code != tt.status || !bytes.Contains(r.Body.Bytes(), []byte(tt.contains)) {
				t.Errorf("got %d (%d bytes), want %d containing %q", r.Code, r.Body.Len(), tt.status, tt.contains)
			}
		})
	}
	t.Run("gzip sitemap lists the older half", func(t *testing.T) {
		r := serveDirect(s, PathSitemapGz, "")
		if got := bytes.Count(gunzip(t, r.Body.Bytes()), []byte("<loc>")); got != n/2+4 {
			t.Errorf("%d entries, want %d", got, n/2+4)
		}
	})
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		New(Options{Articles: 5000})
	}
}

// BenchmarkServe measures the pages a crawl fetches most, on the
// 5,000-article site: none should grow with the article count beyond the
// pager and the sitemaps.
func BenchmarkServe(b *testing.B) {
	s := New(Options{Articles: 5000})
	for _, target := range []string{"/", "/world/", "/world/page/200/", s.Articles()[2500].Path, imagePath("2500", 640), PathSitemapGz} {
		b.Run(target, func(b *testing.B) {
			for b.Loop() {
				serveDirect(s, target, "")
			}
		})
	}
	b.Run("ExpectedURLs", func(b *testing.B) {
		for b.Loop() {
			s.ExpectedURLs("http://testsite.example", CrawlSettings{})
		}
	})
}
