package crawler

import (
	"bytes"
	"context"
	"net/url"
	"strings"

	"github.com/gocolly/colly/v2"

	"arkisto/crawler/discover"
	"arkisto/crawler/frontier"
)

// queueSitemaps queues the sitemaps a host's robots.txt names (and its
// /sitemap.xml when asked), as entries of the robots.txt fetch. A listed
// URL may be relative: it is resolved against robots.txt's.
func (c *Crawler) queueSitemaps(ctx context.Context, robotsItem frontier.Item, listed []string) error {
	var urls []string
	if c.cfg.RobotsSitemaps {
		urls = append(urls, listed...)
	}
	if c.cfg.GuessSitemap {
		// Resolved against robots.txt's URL below: the host's root, not a
		// path under robots.txt.
		urls = append(urls, "/sitemap.xml")
	}
	base, err := url.Parse(robotsItem.URL)
	if err != nil {
		return nil
	}
	for _, raw := range urls {
		u, err := base.Parse(raw)
		d := discovered{raw: raw, url: u, err: err, hop: 'M', doc: frontier.DocSitemap}
		if err := c.follow(ctx, robotsItem, d); err != nil {
			return err
		}
	}
	return nil
}

// readManifest turns a fetched sitemap or feed into the URLs it lists,
// newer than --since, and notes for crawl.log when it could not be read
// whole (malformed, too large, not a sitemap at all).
func (c *Crawler) readManifest(it frontier.Item, r *colly.Response) ([]discovered, []string) {
	var entries []discovered
	var notes []string
	var list []discover.Entry
	var err error
	if it.Doc == frontier.DocFeed {
		list, err = discover.Feed(r.Body, discover.Limits{})
	} else {
		list, err = discover.Sitemap(bytes.NewReader(r.Body), r.Headers.Get("Content-Type"), r.Headers.Get("Content-Encoding"), discover.Limits{})
	}
	if err != nil {
		notes = append(notes, "manifest-error:"+noteWord(err.Error()))
		c.log.Info("read sitemap or feed", "url", it.URL, "err", err)
	}
	if !c.since.IsZero() {
		list = discover.Since(list, c.since)
	}
	depth := strings.Count(it.Hops, "M")
	hop := byte('M') // Heritrix's "manifest" letter for sitemap entries
	if it.Doc == frontier.DocFeed {
		hop = 'F' // ours: an entry of an RSS or Atom feed
	}
	base := r.Request.URL
	for _, e := range list {
		doc := frontier.DocPage
		if e.IsSitemap {
			if _, err := discover.ChildDepth(depth); err != nil {
				notes = append(notes, "sitemap-index-too-deep")
				continue
			}
			doc = frontier.DocSitemap
		}
		u, err := base.Parse(e.URL)
		entries = append(entries, discovered{raw: e.URL, url: u, err: err, hop: hop, doc: doc})
		for _, img := range e.Images {
			iu, err := base.Parse(img)
			entries = append(entries, discovered{raw: img, url: iu, err: err, hop: 'E'})
		}
	}
	return entries, notes
}

// noteWord squeezes an error message into one crawl.log annotation token.
func noteWord(s string) string {
	if i := strings.Index(s, ":"); i > 0 {
		s = s[:i]
	}
	return strings.ReplaceAll(strings.TrimSpace(s), " ", "-")
}
