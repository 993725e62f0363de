package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"arkisto/config"
	"arkisto/crawler/crawllog"
	"arkisto/crawler/extract"
	"arkisto/crawler/frontier"
	"arkisto/crawler/scope"
)

// maxTransclusionHops is how many embed or redirect hops may follow the last
// link hop, whatever the scope or depth, so pages replay complete (Heritrix's
// TransclusionDecideRule uses the same default).
const maxTransclusionHops = 2

func canonicalSeeds(seeds []string) ([]*url.URL, error) {
	out := make([]*url.URL, 0, len(seeds))
	for i, s := range seeds {
		u, err := scope.Canonicalize(s, nil)
		if err != nil {
			return nil, fmt.Errorf("config field seeds[%d]: %w", i, err)
		}
		out = append(out, u)
	}
	return out, nil
}

func (c *Crawler) pushSeeds(ctx context.Context) error {
	for _, start := range []struct {
		urls []string
		doc  frontier.Doc
	}{{c.cfg.Seeds, frontier.DocPage}, {c.cfg.Sitemaps, frontier.DocSitemap}, {c.cfg.Feeds, frontier.DocFeed}} {
		urls, err := canonicalSeeds(start.urls)
		if err != nil {
			return err
		}
		for _, u := range urls {
			it := frontier.Item{Priority: frontier.Page, Doc: start.doc}
			if c.scope.Excluded(u) {
				err = c.refuse(ctx, u.String(), it, crawllog.StatusOutOfScope, crawllog.NoteExcluded)
			} else {
				err = c.push(ctx, u, it)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// discovered is a URL found while processing parent, with its hop letter.
type discovered struct {
	raw string
	url *url.URL // nil when the URL could not be parsed
	err error
	hop byte // 'L' link, 'E' embed, 'R' redirect or refresh, 'M' sitemap entry, 'F' feed entry
	doc frontier.Doc
}

// follow decides whether a discovered URL enters the frontier, and logs the
// ones refused for a reason worth recording.
func (c *Crawler) follow(ctx context.Context, parent frontier.Item, d discovered) error {
	hops := parent.Hops + string(d.hop)
	it := frontier.Item{Hops: hops, Via: parent.URL, Depth: parent.Depth, Priority: frontier.Embed, Doc: d.doc}
	switch d.hop {
	case 'L':
		it.Depth++
		it.Priority = frontier.Page
	case 'M', 'F':
		// Sitemaps and feeds list articles however deep the site's own links
		// hide them: their entries do not count as link hops.
		it.Priority = frontier.Page
	}
	if d.hop == 'R' && parent.Priority != frontier.Prerequisite {
		it.Priority = parent.Priority // a redirected page stays a page, an embed an embed
	}
	if d.err != nil || d.url == nil {
		return c.refuse(ctx, d.raw, it, crawllog.StatusUnsupported, refusalNote(d.err))
	}
	resolved := d.url.String()
	if c.followed.has(resolved) {
		return nil // the frontier has seen it: following it again changes nothing
	}
	u, err := scope.Canonicalize(resolved, nil)
	if err != nil {
		return c.refuse(ctx, d.raw, it, crawllog.StatusUnsupported, refusalNote(err))
	}
	if c.scope.Excluded(u) {
		// Whatever found it: a requisite on another host too, and then its
		// host's robots.txt is not asked for either.
		return c.remember(resolved, c.refuse(ctx, u.String(), it, crawllog.StatusOutOfScope, crawllog.NoteExcluded))
	}
	transcluded := trailingTransclusions(hops)
	inScope := c.scope.InScope(u)
	switch {
	case transcluded > 0 && transcluded <= maxTransclusionHops && (inScope || c.cfg.Embeds == config.EmbedsAny):
		// Page requisites may pass max-depth, and with --embeds any come
		// from any host.
	case !inScope:
		return c.remember(resolved, c.refuse(ctx, u.String(), it, crawllog.StatusOutOfScope, crawllog.NoteOutOfScope))
	case it.Depth > c.cfg.MaxDepth:
		return nil // beyond max-depth: not an error, just the edge of the crawl
	}
	if d.hop == 'R' && redirectChain(hops) > c.cfg.MaxRedirects {
		return c.remember(resolved, c.refuse(ctx, u.String(), it, crawllog.StatusOutOfScope, crawllog.NoteTooManyRedirects))
	}
	if reason, trap := c.scope.Trap(u); trap {
		return c.remember(resolved, c.refuse(ctx, u.String(), it, crawllog.StatusOutOfScope, crawllog.NoteTrapPrefix+reason))
	}
	return c.remember(resolved, c.push(ctx, u, it))
}

// remember notes, once err says the frontier has seen the canonical form
// of resolved (pushed or marked refused), that following resolved again
// may stop at once (see followedSet).
func (c *Crawler) remember(resolved string, err error) error {
	if err == nil {
		c.followed.add(resolved)
	}
	return err
}

// push queues u, preceded by its host's robots.txt if that is not known yet.
func (c *Crawler) push(ctx context.Context, u *url.URL, it frontier.Item) error {
	it.URL = scope.Key(u)
	it.Host = scope.HostKey(u)
	reason, dead, err := c.rules.givenUp(ctx, it.Host)
	if err != nil {
		return err
	}
	if dead {
		return c.refuse(ctx, it.URL, it, reason.status(), reason.note())
	}
	ask, err := c.needsRobots(ctx, it.Host)
	if err != nil {
		return err
	}
	if ask {
		prereq := robotsItem(it)
		added, err := c.frontier.Push(ctx, prereq)
		if err == nil && !added {
			// Fetched by the crawl before a restart: this process must read it again.
			err = c.frontier.Retry(ctx, prereq)
		}
		if err != nil {
			return fmt.Errorf("queue %s: %w", prereq.URL, err)
		}
	} else if ok, err := c.rules.allowed(ctx, it, u); err != nil {
		return err
	} else if !ok {
		return c.refuse(ctx, it.URL, it, crawllog.StatusRobots, crawllog.NoteRobotsDenied)
	}
	if _, err := c.frontier.Push(ctx, it); err != nil {
		return fmt.Errorf("queue %s: %w", it.URL, err)
	}
	return nil
}

// needsRobots reports, once per host and crawl, that host's robots.txt
// is not known and must be queued.
func (c *Crawler) needsRobots(ctx context.Context, host string) (bool, error) {
	known, err := c.rules.known(ctx, host)
	if err != nil || known {
		return false, err
	}
	return c.rules.requestRobots(ctx, host)
}

// robotsItem is the robots.txt prerequisite of it's host, found through it.
func robotsItem(it frontier.Item) frontier.Item {
	robotsURL := it.Host + "/robots.txt" // the host key spells out default ports
	if u, err := scope.Canonicalize(robotsURL, nil); err == nil {
		robotsURL = scope.Key(u)
	}
	return frontier.Item{
		URL: robotsURL, Host: it.Host, Priority: frontier.Prerequisite,
		Depth: it.Depth, Hops: it.Hops + "P", Via: it.URL,
	}
}

// refuse records a URL that will not be fetched in crawl.log, once.
func (c *Crawler) refuse(ctx context.Context, raw string, it frontier.Item, status int, note string) error {
	if raw == "" {
		return nil
	}
	added, err := c.frontier.Mark(ctx, raw)
	if err != nil || !added {
		return err
	}
	c.metrics.Refused(note)
	return c.crawlLog.Write(crawllog.Entry{Status: status, URL: raw, Hops: it.Hops, Via: it.Via, Annotations: []string{note}})
}

// refusalNote names why a URL could not be queued at all; the crawl.log
// status for both is Heritrix's -7 (unsupported or illegal URI).
func refusalNote(err error) string {
	if errors.Is(err, scope.ErrUnsupportedScheme) || errors.Is(err, extract.ErrUnsupportedScheme) {
		return crawllog.NoteUnsupported
	}
	return crawllog.NoteMalformedURL
}

// redirectChain is the length of the redirect chain that ends hops.
func redirectChain(hops string) int {
	return len(hops) - len(strings.TrimRight(hops, "R"))
}

// trailingTransclusions counts the embed, redirect and speculative hops
// after the last link, sitemap or feed hop.
func trailingTransclusions(hops string) int {
	n := 0
	for i := len(hops) - 1; i >= 0 && !strings.ContainsRune("LMF", rune(hops[i])); i-- {
		if hops[i] != 'P' {
			n++
		}
	}
	return n
}
