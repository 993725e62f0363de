package crawler

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"arkisto/crawler/capture"
	"arkisto/crawler/crawllog"
	"arkisto/crawler/discover"
	"arkisto/crawler/extract"
	"arkisto/crawler/frontier"
	"arkisto/crawler/robots"
	"arkisto/warc/wacz"
)

// extractFrom queues what a fetched document points to: the Location of a
// redirect, the entries of a sitemap or feed, the links and requisites of
// HTML, the url()s of CSS. It returns crawl.log annotations for documents
// that could not be read whole.
func (c *Crawler) extractFrom(ctx context.Context, it frontier.Item, f fetched) ([]string, error) {
	r := f.response
	if r == nil || !f.answered {
		return nil, nil
	}
	base := r.Request.URL
	var found []discovered
	var notes []string
	switch {
	case f.isRedirect():
		if loc := f.location(); loc != "" {
			u, err := base.Parse(loc)
			found = append(found, discovered{raw: loc, url: u, err: err, hop: 'R', doc: it.Doc})
		}
	case r.StatusCode >= 400:
		// Error pages are archived, but their links are not followed.
	case it.Doc == frontier.DocSitemap || it.Doc == frontier.DocFeed:
		found, notes = c.readManifest(it, r)
	case extract.IsHTML(r.Headers.Get("Content-Type")):
		page := extract.HTML(base, r.Body)
		if it.Priority == frontier.Page && c.pages != nil { // a dry run keeps no page list
			// A page a reader opens, not a frame of one: it goes into a WACZ package's page list.
			p := wacz.Page{URL: f.record.TargetURI, TS: f.record.Date, Title: page.Title}
			if err := c.pages.Add(p); err != nil {
				return nil, err
			}
		}
		nofollow := c.rules.obeysMeta() && (page.NoFollow || hasNoFollow(r.Headers))
		for _, l := range page.Links {
			if nofollow && l.Kind != extract.Embed {
				continue
			}
			found = append(found, fromLink(l))
		}
	case extract.IsCSS(r.Headers.Get("Content-Type")):
		for _, l := range extract.CSS(base, r.Body) {
			found = append(found, fromLink(l))
		}
	}
	for _, d := range found {
		if err := c.follow(ctx, it, d); err != nil {
			return notes, err
		}
	}
	return notes, nil
}

// parseLimit is how many body bytes of a response to it the crawler reads
// into memory: what the parser extractFrom (or the robots.txt reader) hands
// it to reads at most. Redirects, error pages and anything that is not a
// robots.txt, sitemap, feed, HTML or CSS are read by nobody: images, video,
// audio and other binaries stream into the record and never into memory.
func parseLimit(it frontier.Item, resp *http.Response) int64 {
	ct := resp.Header.Get("Content-Type")
	switch {
	case it.Priority == frontier.Prerequisite:
		return robots.MaxBytes
	case resp.StatusCode >= 300:
		return 0
	case it.Doc == frontier.DocSitemap || it.Doc == frontier.DocFeed:
		return discover.DefaultMaxBytes + 1 // one byte more, so a bigger one is seen to be too big
	case extract.IsHTML(ct) || extract.IsCSS(ct):
		return extract.DefaultMaxBytes
	}
	return 0
}

func fromLink(l extract.Link) discovered {
	d := discovered{raw: l.Raw, url: l.URL, err: l.Err, hop: l.Hop}
	if l.Kind == extract.Feed {
		d.doc = frontier.DocFeed
	}
	return d
}

// hasNoFollow reads X-Robots-Tag, the header form of <meta name=robots>.
func hasNoFollow(h *http.Header) bool {
	for _, v := range h.Values("X-Robots-Tag") {
		for _, d := range strings.Split(strings.ToLower(v), ",") {
			if _, after, ok := strings.Cut(d, ":"); ok {
				d = after // "googlebot: nofollow" names an agent; we honor it for all
			}
			if d = strings.TrimSpace(d); d == "nofollow" || d == "none" {
				return true
			}
		}
	}
	return false
}

// maxRobotsRedirects is how many redirects a robots.txt fetch follows (RFC 9309).
const maxRobotsRedirects = 5

// fetchRobots fetches a host's robots.txt, following redirects itself (every
// hop archived and logged), and records what the outcome means for the host:
// the parsed rules on success, allow-all on 4xx, disallow-all on 5xx or failure.
func (w *worker) fetchRobots(ctx context.Context, it frontier.Item, u *url.URL) error {
	hop := it
	for redirects := 0; ; redirects++ {
		f := w.fetch(hop, u)
		entry, err := w.c.record(ctx, &f, hop)
		f.close()
		if err != nil {
			return errors.Join(err, w.finish(ctx, it, entry, 0))
		}
		var next *url.URL
		if redirects < maxRobotsRedirects {
			next, err = w.nextRobotsHop(ctx, hop, u, f)
		}
		if err != nil {
			return errors.Join(err, w.finish(ctx, it, entry, 0))
		}
		if next == nil || next.Host == "" {
			entry.Hops, entry.Via = hop.Hops, hop.Via
			return w.robotsEnded(ctx, it, f, entry)
		}
		entry.Hops, entry.Via, entry.Worker = hop.Hops, hop.Via, w.id
		if err := w.c.crawlLog.Write(entry); err != nil {
			return err
		}
		hop.URL, hop.Via, hop.Hops = next.String(), hop.URL, hop.Hops+"R"
		u = next
	}
}

// nextRobotsHop is where a robots.txt fetch of u goes next: the Location
// of its redirect, nil to end there. A Location that does not parse ends
// it, logged -7 as a page's redirect would be; robots.txt is then
// unavailable, which allows all (RFC 9309 2.3.1.2).
func (w *worker) nextRobotsHop(ctx context.Context, hop frontier.Item, u *url.URL, f fetched) (*url.URL, error) {
	loc := f.location()
	if !f.isRedirect() || loc == "" {
		return nil, nil
	}
	next, err := u.Parse(loc)
	if err != nil {
		return nil, w.c.follow(ctx, hop, discovered{raw: loc, err: err, hop: 'R'})
	}
	return next, nil
}

// robotsEnded acts on the last hop of a robots.txt fetch. RFC 9309: while
// robots.txt answers 5xx or cannot be reached, the host is off limits, so
// it backs off and asks again before deciding. A name that does not exist
// or an address the dial guard refuses is asked no more.
func (w *worker) robotsEnded(ctx context.Context, it frontier.Item, f fetched, entry crawllog.Entry) error {
	fail := classify(f)
	final := fail.noSuchHost || capture.KindOf(f.err) == capture.KindBlocked
	if robotsUnavailable(f) && !final && it.Attempt < w.c.cfg.Retries {
		fail.transient = true // a 500 or 501 of robots.txt is worth another try too
		pause, notes, err := w.backOff(ctx, it, fail)
		entry.Annotations = append(entry.Annotations, notes...)
		if err != nil {
			return errors.Join(err, w.finish(ctx, it, entry, 0))
		}
		return w.finish(ctx, it, entry, max(pause, w.c.rules.gap(it.Host, entry.Duration)))
	}
	file := robotsFile(f)
	outcome, policy := robots.Outcome(file.Outcome), policyOf(file)
	if err := w.c.rules.set(ctx, it.Host, file, policy); err != nil {
		return errors.Join(err, w.finish(ctx, it, entry, 0))
	}
	w.c.metrics.ObserveRobots(outcome)
	if outcome == robots.OutcomeUnreachable {
		// Unreachable through every retry, or a name that does not exist:
		// the host is dead, not busy.
		reason := hostFailing
		if fail.noSuchHost {
			reason = hostUnknown
		}
		entry.Annotations = append(entry.Annotations, crawllog.NoteHostGivenUp)
		if err := w.giveUp(ctx, it.Host, reason); err != nil {
			return errors.Join(err, w.finish(ctx, it, entry, 0))
		}
	}
	if err := w.c.queueSitemaps(ctx, it, policy.Sitemaps()); err != nil {
		return err
	}
	return w.finish(ctx, it, entry, w.c.rules.gap(it.Host, entry.Duration))
}

// robotsFile reads a finished robots.txt fetch, and names its outcome:
// what every process of the crawl reads the host's policy from (policyOf).
func robotsFile(f fetched) frontier.RobotsFile {
	file := frontier.RobotsFile{Fetched: time.Now(), Status: http.StatusNotFound}
	switch r := f.response; {
	case capture.KindOf(f.err) == capture.KindBlocked:
		// A private address: every URL of the host meets the dial guard
		// itself and is logged blocked, so robots.txt has nothing to add.
		file.Outcome = string(robots.OutcomeBlocked)
	case r == nil || !f.answered:
		file.Outcome, file.Status = string(robots.OutcomeUnreachable), 0
	case r.StatusCode >= 300 && r.StatusCode < 400:
		// Redirected more than RFC 9309's five hops: treat as unavailable, allow.
		file.Outcome = string(robots.OutcomeAllowAll)
	case r.StatusCode < 300:
		file.Outcome, file.Status, file.Body = string(robots.OutcomeFetched), r.StatusCode, r.Body
	case r.StatusCode == 429 || r.StatusCode >= 500:
		file.Outcome, file.Status, file.Body = string(robots.OutcomeDisallowAll), r.StatusCode, r.Body
	default:
		file.Outcome, file.Status, file.Body = string(robots.OutcomeAllowAll), r.StatusCode, r.Body
	}
	return file
}
