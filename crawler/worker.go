package crawler

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gocolly/colly/v2"

	"arkisto/crawler/capture"
	"arkisto/crawler/crawllog"
	"arkisto/crawler/frontier"
	"arkisto/crawler/metrics"
	"arkisto/warc"
)

// worker fetches one item at a time with its own collector and recording
// transport, so the exchange recorded is always the one just requested.
type worker struct {
	c         *Crawler
	id        int
	collector *colly.Collector
	transport *capture.Transport

	// Set while one request runs: the item by fetch, the rest by the
	// callbacks of collector and transport.
	item        frontier.Item
	exchange    *capture.Exchange
	response    *colly.Response
	badLocation string // a Location net/http could not parse (see locationKeeper)
}

// fetched is what one fetch produced.
type fetched struct {
	exchange    *capture.Exchange // nil when no request went out
	response    *colly.Response   // nil when no HTTP response was parsed
	badLocation string            // a redirect's Location that does not parse, taken out of response
	record      warc.Written      // the response record, if one was written (or, in a dry run, would have been)
	answered    bool              // a response arrived and f.record describes it
	err         error
}

func (c *Crawler) newWorker(fetchCtx context.Context, id int) (*worker, error) {
	w := &worker{c: c, id: id}
	w.transport = capture.New(capture.Options{
		MaxBodySize: c.cfg.MaxBodySize,
		// colly reads into memory what the parsers read, no more: the
		// rest of a body streams into the record only.
		ReadLimit:   func(resp *http.Response) int64 { return parseLimit(w.item, resp) },
		Timeout:     c.cfg.Timeout,
		KeepAlive:   c.cfg.KeepAlive,
		TLSConfig:   c.opts.TLSConfig,
		DialContext: c.opts.DialContext,
		Resolver:    c.opts.Resolver,
		AllowDial:   c.dialGuard,
		OnExchange:  func(ex *capture.Exchange) { w.exchange = ex },
	})
	w.collector = colly.NewCollector(
		colly.UserAgent(c.cfg.UserAgent),
		colly.AllowURLRevisit(), // the frontier's seen set decides, not colly's unbounded map
		colly.IgnoreRobotsTxt(), // robots.txt is ours: colly's caches forever and ignores Crawl-delay
		colly.ParseHTTPErrorResponse(),
		colly.MaxBodySize(0), // the transport cuts: the record at max_body_size, what colly reads at parseLimit
		colly.StdlibContext(fetchCtx),
	)
	w.collector.WithTransport(locationKeeper{next: w.transport, w: w})
	// The transport enforces the real limit; this only keeps colly's 10s default out of the way.
	w.collector.SetRequestTimeout(c.cfg.Timeout + 5*time.Second)
	// Every redirect hop is its own exchange and goes back through the frontier.
	w.collector.SetRedirectHandler(func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse })
	w.collector.OnResponse(func(r *colly.Response) { w.response = r })
	w.collector.OnError(func(r *colly.Response, _ error) {
		if r != nil && r.StatusCode > 0 {
			w.response = r
		}
	})
	return w, nil
}

func (w *worker) close() { w.transport.Close() }

// process fetches one item, records it and queues what it links to.
func (w *worker) process(ctx context.Context, it frontier.Item) error {
	u, err := url.Parse(it.URL)
	if err != nil {
		return w.finish(ctx, it, crawllog.Entry{Status: crawllog.StatusUnsupported, URL: it.URL, Annotations: []string{crawllog.NoteMalformedURL}}, 0)
	}
	if it.Priority != frontier.Prerequisite {
		ready, err := w.robotsReady(ctx, it)
		if err != nil || !ready {
			return err
		}
	}
	if ok, err := w.c.rules.allowed(ctx, it, u); err != nil {
		return errors.Join(err, w.c.frontier.Done(ctx, it, time.Now()))
	} else if !ok {
		w.c.metrics.Refused(crawllog.NoteRobotsDenied)
		return w.finish(ctx, it, crawllog.Entry{Status: crawllog.StatusRobots, URL: it.URL, Annotations: []string{crawllog.NoteRobotsDenied}}, 0)
	}
	if it.Priority == frontier.Prerequisite {
		if current, err := w.c.rules.current(ctx, it.Host); err != nil || current {
			// A second copy, queued again after a restart: already read.
			return errors.Join(err, w.c.frontier.Done(ctx, it, time.Now()))
		}
		return w.fetchRobots(ctx, it, u)
	}
	if ok, err := w.c.rules.spend(ctx, it.Host); err != nil {
		return errors.Join(err, w.c.frontier.Done(ctx, it, time.Now()))
	} else if !ok {
		w.c.metrics.Refused(metrics.ReasonHostBudget)
		return w.finish(ctx, it, crawllog.Entry{Status: crawllog.StatusOutOfScope, URL: it.URL, Annotations: []string{crawllog.NoteHostBudget}}, 0)
	}
	f := w.fetch(it, u)
	defer f.close()
	entry, err := w.c.record(ctx, &f, it)
	if err != nil {
		// A WARC that cannot be written (disk full) ends an archival crawl:
		// log why, keep the URL queued for the resumed crawl, and stop.
		return errors.Join(err, w.c.frontier.Retry(ctx, it), w.finish(ctx, it, entry, 0))
	}
	notes, err := w.c.extractFrom(ctx, it, f)
	entry.Annotations = append(entry.Annotations, notes...)
	if err != nil {
		return errors.Join(err, w.finish(ctx, it, entry, 0))
	}
	pause, notes, err := w.backOff(ctx, it, classify(f))
	entry.Annotations = append(entry.Annotations, notes...)
	if err != nil {
		return errors.Join(err, w.finish(ctx, it, entry, 0))
	}
	return w.finish(ctx, it, entry, max(pause, w.c.rules.gap(it.Host, entry.Duration)))
}

// robotsReady reports whether it may be fetched as far as its host's
// robots.txt goes. If robots.txt is not known (a resumed crawl knows
// none), it puts it back behind it and reports false. If it is stale, it
// queues it again and reports true: the old rules hold meanwhile.
func (w *worker) robotsReady(ctx context.Context, it frontier.Item) (bool, error) {
	known, err := w.c.rules.known(ctx, it.Host)
	if err != nil {
		return false, errors.Join(err, w.c.frontier.Done(ctx, it, time.Now()))
	}
	if !known {
		return false, w.deferUntilRobots(ctx, it)
	}
	stale, err := w.c.rules.stale(ctx, it.Host)
	if err == nil && stale {
		err = w.c.frontier.Retry(ctx, robotsItem(it))
	}
	if err != nil {
		return false, errors.Join(err, w.c.frontier.Done(ctx, it, time.Now()))
	}
	return true, nil
}

// deferUntilRobots puts it back behind its host's robots.txt, which the
// crawl has not read yet (a resumed crawl knows no robots.txt).
func (w *worker) deferUntilRobots(ctx context.Context, it frontier.Item) error {
	asked, err := w.c.rules.requestRobots(ctx, it.Host)
	if err != nil {
		return errors.Join(err, w.c.frontier.Done(ctx, it, time.Now()))
	}
	if asked {
		if err := w.c.frontier.Retry(ctx, robotsItem(it)); err != nil {
			return err
		}
	}
	if err := w.c.frontier.Retry(ctx, it); err != nil {
		return err
	}
	return w.c.frontier.Done(ctx, it, time.Now())
}

// finish logs the fetch and frees its host for the next request after gap.
func (w *worker) finish(ctx context.Context, it frontier.Item, e crawllog.Entry, gap time.Duration) error {
	if e.Hops == "" && e.Via == "" {
		e.Hops, e.Via = it.Hops, it.Via
	}
	e.Worker = w.id
	if err := w.c.crawlLog.Write(e); err != nil {
		return err
	}
	if gap > 0 {
		w.c.metrics.PolitenessWait(gap)
	}
	return w.c.frontier.Done(ctx, it, time.Now().Add(gap))
}

// fetch runs one GET of it, at u, through colly and returns what was
// exchanged.
func (w *worker) fetch(it frontier.Item, u *url.URL) fetched {
	w.item, w.exchange, w.response, w.badLocation = it, nil, nil, ""
	hdr := http.Header{}
	hdr.Set("User-Agent", w.c.cfg.UserAgent)
	hdr.Set("Accept-Encoding", "gzip") // colly decodes gzip only; br or zstd would reach the parser encoded
	err := w.collector.Request(http.MethodGet, u.String(), nil, nil, hdr)
	f := fetched{exchange: w.exchange, response: w.response, badLocation: w.badLocation, err: err}
	if f.exchange != nil && f.exchange.Err != nil && f.err == nil {
		f.err = f.exchange.Err
	}
	return f
}

func (f *fetched) close() {
	if f.exchange != nil {
		f.exchange.Close()
	}
}

// record writes the exchange to WARC and returns its crawl.log entry.
func (c *Crawler) record(ctx context.Context, f *fetched, it frontier.Item) (crawllog.Entry, error) {
	e := crawllog.Entry{URL: it.URL}
	ex := f.exchange
	if ex != nil {
		e.Start, e.Duration = ex.Start, ex.Duration
		if ex.CertError != nil {
			// Fetched all the same, as archives do, and said.
			e.Annotations = append(e.Annotations, crawllog.NoteTLSUnverified)
			c.log.Debug("certificate would not verify", "url", it.URL, "err", ex.CertError)
		}
	}
	// Nothing usable arrived: no headers, or a failure before they ended.
	// Bytes cut after complete headers are archived with WARC-Truncated.
	if ex == nil || ex.Response.Size() == 0 || (ex.Err != nil && ex.Truncated == "") {
		c.counters.failed.Add(1)
		c.seeds.note(it.Host, cmp.Or(f.err, errNoResponse))
		kind := capture.KindOf(f.err)
		e.Status = errorStatus(kind)
		e.Annotations = append(e.Annotations, string(kind))
		c.log.Debug("fetch failed", "url", it.URL, "kind", kind, "err", f.err)
		if kind == capture.KindBlocked {
			c.metrics.Refused(string(capture.KindBlocked))
		}
		c.metrics.ObserveFetch(metrics.Fetch{ErrorKind: kind, Duration: e.Duration, Source: source(it)})
		return e, nil
	}
	if c.cfg.DryRun {
		f.record = dryRunRecord(f, it)
	} else if err := c.store(ctx, f, it); err != nil {
		e.Status = crawllog.StatusOther
		e.Annotations = append(e.Annotations, "warc-write-failed")
		c.counters.failed.Add(1)
		return e, err
	}
	f.answered = true
	written := f.record
	var kind capture.ErrorKind
	if ex.Err != nil {
		kind = capture.KindOf(ex.Err)
	}
	c.metrics.ObserveFetch(metrics.Fetch{Status: written.HTTPStatus, ErrorKind: kind, WireBytes: ex.Response.Size(), Duration: ex.Duration, Source: source(it)})
	c.counters.fetched.Add(1)
	c.counters.bytes.Add(ex.Response.Size())
	c.seeds.note(it.Host, nil)
	e.Status, e.Size, e.MIME, e.Digest = written.HTTPStatus, ex.Response.Size(), written.MIME, written.PayloadDigest
	if e.Status == 0 {
		e.Status = crawllog.StatusOther
		e.Annotations = append(e.Annotations, "unparsable-response")
	}
	if ex.Truncated != "" {
		e.Annotations = append(e.Annotations, "truncated:"+ex.Truncated)
	}
	if ex.ReadCut {
		e.Annotations = append(e.Annotations, "read-cut") // the parsers saw only the first part
	}
	if written.Type == "revisit" {
		e.Annotations = append(e.Annotations, crawllog.NoteRevisit)
	}
	return e, nil
}

// errNoResponse stands for a fetch that failed without an error saying why.
var errNoResponse = errors.New("no response")

// store writes the exchange of f to WARC and indexes its response record,
// which it puts in f.record.
func (c *Crawler) store(ctx context.Context, f *fetched, it frontier.Item) error {
	// A frontier that commits in the background first commits the calls
	// made before it handed out it (the previous fetch's Done among them):
	// a crash then repeats at most one finished fetch per worker.
	if s, ok := c.frontier.(frontier.Settler); ok {
		if err := s.Settle(ctx, it); err != nil {
			return err
		}
	}
	written, request, err := c.archive(ctx, f.exchange)
	if err != nil {
		return fmt.Errorf("write warc for %s: %w", it.URL, err)
	}
	f.record = written
	c.metrics.ObserveRecord(written)
	c.metrics.ObserveRecord(request)
	c.metrics.SetWARCFileSize(c.writer.CurrentSize())
	if err := c.index.Add(written); err != nil {
		return fmt.Errorf("index %s: %w", it.URL, err)
	}
	c.tally.addWARC(written.Length + request.Length)
	return nil
}

// dryRunRecord is what a dry run knows of the response record it does not
// write: status and media type as the HTTP client parsed them, no digest.
func dryRunRecord(f *fetched, it frontier.Item) warc.Written {
	w := warc.Written{Type: "response", TargetURI: it.URL}
	if r := f.response; r != nil {
		w.HTTPStatus, w.MIME = r.StatusCode, warc.MediaType(r.Headers.Get("Content-Type"))
	}
	return w
}

// source names how an item was found, for the fetch metric's label.
func source(it frontier.Item) metrics.Source {
	if it.Hops == "" {
		return metrics.SourceSeed
	}
	switch it.Hops[len(it.Hops)-1] {
	case 'L':
		return metrics.SourceLink
	case 'E', 'X':
		return metrics.SourceEmbed
	case 'R':
		return metrics.SourceRedirect
	case 'P':
		return metrics.SourceRobots
	case 'M':
		return metrics.SourceSitemap
	case 'F':
		return metrics.SourceFeed
	}
	return metrics.SourceOther
}

// errorStatus is the Heritrix crawl.log code of a fetch that failed
// before any response.
func errorStatus(kind capture.ErrorKind) int {
	switch kind {
	case capture.KindDNS, capture.KindNoSuchHost:
		return crawllog.StatusDNS
	case capture.KindConnect, capture.KindTLS:
		return crawllog.StatusConnect
	case capture.KindReset:
		return crawllog.StatusReset
	case capture.KindTimeout:
		return crawllog.StatusTimeout
	case capture.KindBlocked:
		return crawllog.StatusBlocked
	}
	return crawllog.StatusOther
}
