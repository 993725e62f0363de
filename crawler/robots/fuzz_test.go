package robots

import (
	"net/url"
	"testing"
)

// FuzzFromResponse checks that no status, body, URL or user agent panics or
// hangs, and that the answers keep their invariants.
func FuzzFromResponse(f *testing.F) {
	f.Add(200, []byte("User-agent: *\nDisallow: /*.pdf$\nAllow: /pub*\nCrawl-delay: 1.5\nSitemap: https://example.com/s.xml\n"), "/pub/a.pdf?x=1", ua)
	f.Add(200, []byte("User-agent: arkisto\r\nDisallow: /\r\n"), "/robots.txt", "arkisto")
	f.Add(404, []byte("<html>"), "/", "")
	f.Add(503, []byte(nil), "/x", ua)
	f.Fuzz(func(t *testing.T, status int, body []byte, path, agent string) {
		p := FromResponse(status, body)
		u, err := url.Parse("https://example.com/" + path)
		if err != nil {
			return
		}
		allowed := p.Allowed(agent, u)
		if allowed != p.Allowed(agent, u) {
			t.Fatal("Allowed is not deterministic")
		}
		if d := p.CrawlDelay(agent); d < 0 {
			t.Fatalf("negative crawl delay %v", d)
		}
		for _, s := range p.Sitemaps() {
			if s == "" {
				t.Fatal("empty sitemap")
			}
		}
		switch {
		case status >= 400 && status < 500 && status != 429:
			if !allowed {
				t.Fatalf("status %d disallowed %s", status, u)
			}
		case status >= 500 && status < 600:
			if allowed {
				t.Fatalf("status %d allowed %s", status, u)
			}
		case status >= 200 && status < 300:
			if !p.Allowed(agent, mustURL(t, "https://example.com/robots.txt")) {
				t.Fatal("/robots.txt disallowed")
			}
		}
	})
}
