package qa

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"arkisto/crawler"
	"arkisto/warc/wacz"
)

// Options say what to check and how.
type Options struct {
	Collection crawler.Layout
	Replay     Replay
	// Live loads each page from the live web too, and compares.
	Live bool
	// Sample is how many pages to check, 0 for all. The sample is the
	// same on every run over the same page list.
	Sample int
	// Pages is a page list (the crawl's logs/pages.jsonl, a WACZ's
	// pages/pages.jsonl); "" means the collection's.
	Pages string
	// Chromium is the browser to run; "" looks for it on PATH.
	Chromium string
	// Timeout bounds one page load (default 60s); Settle is how long the
	// network must stay quiet for a page to count as loaded (default 1s).
	Timeout time.Duration
	Settle  time.Duration
	Logger  *slog.Logger
}

// replayFrame is the id of the iframe pywb's framed replay shows the
// archived page in, under its banner.
const replayFrame = "replay_iframe"

// Run checks the sampled pages and writes the collection's qa/ folder: a
// report (ID.json) and screenshots (ID-replay.png, ID-live.png) per page,
// and summary.json, worst pages first.
func Run(ctx context.Context, opts Options) (Summary, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = time.Minute
	}
	if opts.Settle <= 0 {
		opts.Settle = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Pages == "" {
		opts.Pages = opts.Collection.Pages()
	}
	chromium, err := FindChromium(opts.Chromium)
	if err != nil {
		return Summary{}, err
	}
	pages, err := samplePages(opts.Pages, opts.Sample)
	if err != nil {
		return Summary{}, err
	}
	dir := opts.Collection.QA()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("make qa folder: %w", err)
	}
	b, err := OpenBrowser(ctx, chromium)
	if err != nil {
		return Summary{}, err
	}
	defer b.Close()

	reports := make([]PageReport, 0, len(pages))
	for i, p := range pages {
		opts.Logger.Info("checking", "page", i+1, "of", len(pages), "url", p.URL)
		r, err := checkPage(ctx, b, dir, p, opts)
		if err != nil {
			return Summary{}, err
		}
		reports = append(reports, r)
	}
	if err := explain(opts.Collection.CrawlLog(), reports); err != nil {
		return Summary{}, err
	}
	for _, r := range reports {
		if err := writeJSON(dir, r.ID+".json", r); err != nil {
			return Summary{}, err
		}
	}
	s := summarize(opts.Replay.prefix, opts.Live, reports)
	return s, writeJSON(dir, "summary.json", s)
}

// samplePages reads the page list and picks n pages (all when n is 0) in
// the order of their ids, which spreads the sample over the crawl and
// keeps it the same from run to run.
func samplePages(path string, n int) ([]wacz.Page, error) {
	var pages []wacz.Page
	seen := map[string]bool{}
	_, err := wacz.ReadPages(path, func(p wacz.Page) error {
		if p.ID == "" {
			p.ID = wacz.PageID(p)
		}
		if !seen[p.ID] {
			seen[p.ID] = true
			pages = append(pages, p)
		}
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no page list at %s: crawl with this arkisto, or name one with --pages", path)
	}
	if err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("no pages in %s", path)
	}
	slices.SortFunc(pages, func(a, b wacz.Page) int { return cmp.Compare(a.ID, b.ID) })
	if n > 0 && n < len(pages) {
		pages = pages[:n]
	}
	return pages, nil
}

// checkPage loads one page replayed (and live), writes its screenshots and
// returns its report, reasons not yet filled in. A page that cannot be
// loaded is a failed page, not an error: only ctx ends the check.
func checkPage(ctx context.Context, b *Browser, dir string, p wacz.Page, opts Options) (PageReport, error) {
	r := PageReport{ID: p.ID, URL: p.URL, TS: p.TS, Title: p.Title, Outcome: OutcomeComplete, Missing: []Missing{}, ByWhy: map[Reason]int{}}
	r.Replay.URL = opts.Replay.PageURL(p.URL, p.TS)
	replay, err := b.Load(ctx, r.Replay.URL, LoadOptions{Timeout: opts.Timeout, Settle: opts.Settle, Frame: replayFrame})
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	if err != nil {
		r.Replay.Error, r.Outcome = err.Error(), OutcomeFailed
		return r, nil
	}
	if err := keepView(&r.Replay, replay, dir, r.ID+"-replay.png"); err != nil {
		return r, err
	}
	missing, escaped := unanswered(opts.Replay, replay.Requests)
	r.Missing, r.Escaped = append(r.Missing, missing...), escaped
	for _, m := range r.Missing {
		if m.Type == "Document" && logKey(m.URL) == logKey(p.URL) {
			r.Outcome = OutcomeFailed // the page itself is not in the archive
		}
	}
	if !opts.Live {
		return r, nil
	}
	r.Live = &View{URL: p.URL}
	live, err := b.Load(ctx, p.URL, LoadOptions{Timeout: opts.Timeout, Settle: opts.Settle, Width: replay.Width, Height: replay.Height})
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	if err != nil {
		r.Live.Error = err.Error()
		return r, nil
	}
	if err := keepView(r.Live, live, dir, r.ID+"-live.png"); err != nil {
		return r, err
	}
	pixel, err := PixelDifference(replay.Screenshot, live.Screenshot)
	if err != nil {
		return r, err
	}
	text := TextSimilarity(replay.Text, live.Text)
	r.Pixel, r.Text = &pixel, &text
	return r, nil
}

// keepView notes a load in its view and writes its screenshot.
func keepView(v *View, l Load, dir, shot string) error {
	v.Requests, v.Console, v.TextChars = len(l.Requests), l.Console, len([]rune(l.Text))
	if err := os.WriteFile(filepath.Join(dir, shot), l.Screenshot, 0o644); err != nil {
		return fmt.Errorf("write screenshot: %w", err)
	}
	v.Screenshot = shot
	return nil
}

// unanswered picks the requests for archived URLs that pywb answered
// without a capture (an error without Memento-Datetime) or that failed,
// each URL once; and the requests that left the archive for the web.
func unanswered(replay Replay, requests []Request) (missing []Missing, escaped []string) {
	seen := map[string]bool{}
	for _, req := range requests {
		if replay.escaped(req.URL) {
			if !seen[req.URL] {
				seen[req.URL] = true
				escaped = append(escaped, req.URL)
			}
			continue
		}
		original, ok := replay.Original(req.URL)
		if !ok || req.Memento || (req.Status < 400 && req.Failed == "") || seen[original] {
			continue
		}
		seen[original] = true
		missing = append(missing, Missing{URL: original, ReplayURL: req.URL, Type: req.Type, Status: req.Status, Failed: req.Failed})
	}
	return missing, escaped
}

// explain gives every missing request its reason, from one pass over the
// crawl log.
func explain(crawlLog string, reports []PageReport) error {
	wanted := map[string]bool{}
	for _, r := range reports {
		for _, m := range r.Missing {
			wanted[logKey(m.URL)] = true
		}
	}
	found, err := lookUp(crawlLog, wanted)
	if err != nil {
		return err
	}
	for i := range reports {
		r := &reports[i]
		for j := range r.Missing {
			m := &r.Missing[j]
			m.Reason = ReasonNeverDiscovered
			if line, ok := found[logKey(m.URL)]; ok {
				m.CrawlLog, m.Reason = line, line.reason()
			}
			r.ByWhy[m.Reason]++
		}
		if len(r.Missing) > 0 && r.Outcome == OutcomeComplete {
			r.Outcome = OutcomeIncomplete
		}
	}
	return nil
}
