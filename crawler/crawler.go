package crawler

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"arkisto/config"
	"arkisto/crawler/capture"
	"arkisto/crawler/discover"
	"arkisto/crawler/frontier"
	"arkisto/crawler/metrics"
	"arkisto/crawler/scope"
	"arkisto/warc"
	"arkisto/warc/wacz"
)

// ErrInterrupted is returned by Run when the crawl was stopped by its context
// before reaching its end.
var ErrInterrupted = errors.New("crawl interrupted")

// Options are the crawler's dependencies. Zero values mean defaults.
type Options struct {
	Logger *slog.Logger
	// Frontier is where the crawl's URLs wait; whoever opens it closes it.
	// nil: the collection's own bbolt frontier, state/frontier.db, which
	// Run opens (clearing a finished crawl's) and closes.
	Frontier      frontier.Frontier
	Progress      io.Writer     // status lines; nil: none
	ProgressEvery time.Duration // default 5s
	TLSConfig     *tls.Config   // nil: accept any certificate, as archives do
	DialContext   func(ctx context.Context, network, addr string) (net.Conn, error)
	Resolver      capture.Resolver // nil: the system resolver
	Metrics       *metrics.Metrics // nil: no metrics
	RobotsTTL     time.Duration    // how long a robots.txt is trusted; default 24h
	// Abort, once closed, cuts the grace period short (a second SIGINT):
	// in-flight fetches stop at once, and what they received so far is
	// still written, as truncated records. nil: never.
	Abort <-chan struct{}
	// LeaseTTL is how long an item a process of a shared crawl took stays
	// its own without a renewal: how soon the items of a process that died
	// go back to their queues. 0: the frontier's default (60 s).
	LeaseTTL time.Duration
}

// Crawler runs one crawl job. Create it with New and call Run once.
type Crawler struct {
	cfg      config.Config
	opts     Options
	log      *slog.Logger
	layout   Layout
	frontier frontier.Frontier // set by Run
	stats    liveStats
	scope    *scope.Scope
	rules    *hostRules
	writer   *warc.Writer
	index    *warc.IndexWriter
	dedup    warc.Dedup // nil when --dedup off
	crawlLog *crawlLog
	followed followedSet    // URLs the frontier has seen, recently followed
	pages    *wacz.PageList // the HTML pages captured, for a WACZ package
	metrics  *metrics.Metrics
	counters counters
	tally    *tally     // this run's crawl.log lines, for the summary
	seeds    *seedHosts // whether the hosts the crawl starts from answered
	summary  Summary    // set when Run returns
	// limitReached is set once --max-pages stopped the crawl.
	limitReached atomic.Bool
	since        time.Time // sitemap and feed entries older than this are skipped
	// dialGuard refuses private addresses except on the seeds' own hosts;
	// nil with --allow-private-networks.
	dialGuard func(host string, ip netip.Addr) error
	// On a shared frontier (shared.go): the frontier, and this process's
	// name in the crawl. nil and "" otherwise.
	shared  *frontier.Redis
	process string
	trips   atomic.Pointer[frontier.Redis] // shared, for FrontierRoundTrips from any goroutine
}

// counters are the totals behind the progress line.
type counters struct {
	fetched atomic.Int64
	failed  atomic.Int64
	bytes   atomic.Int64
}

// Counts are a crawl run's totals so far: fetches that got an HTTP
// response, fetches that got none (DNS, refused, timeout...), and the
// response bytes received.
type Counts struct {
	Fetched int64
	Failed  int64
	Bytes   int64
}

// Counts reports this run's totals; safe to call from any goroutine, while
// Run goes on and after.
func (c *Crawler) Counts() Counts {
	return Counts{Fetched: c.counters.fetched.Load(), Failed: c.counters.failed.Load(), Bytes: c.counters.bytes.Load()}
}

// Summary is how the last Run went; zero before Run returns.
func (c *Crawler) Summary() Summary { return c.summary }

// New prepares a crawl of cfg, which must have passed config.Finish, into
// the collection folder cfg.Output (see Prepare for resuming one). It
// opens nothing: Run does.
func New(cfg config.Config, opts Options) (*Crawler, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.RobotsTTL <= 0 {
		opts.RobotsTTL = 24 * time.Hour
	}
	if opts.ProgressEvery <= 0 {
		opts.ProgressEvery = 5 * time.Second
	}
	seeds, err := canonicalSeeds(cfg.StartURLs())
	if err != nil {
		return nil, err
	}
	var since time.Time
	if cfg.Since != "" {
		if since, err = discover.ParseSince(cfg.Since, time.Now()); err != nil {
			return nil, &config.FieldError{Field: "since", Reason: err.Error()}
		}
	}
	rules := scope.Rules{
		Mode:         cfg.Scope,
		MaxURLLength: cfg.MaxURLLength, MaxPathDepth: cfg.MaxPathDepth, MaxQueryParams: cfg.MaxQueryParams,
	}
	if rules.Include, err = compileAll("include", cfg.Include); err != nil {
		return nil, err
	}
	if rules.Exclude, err = compileAll("exclude", cfg.Exclude); err != nil {
		return nil, err
	}
	sc, err := scope.New(seeds, rules)
	if err != nil {
		return nil, fmt.Errorf("build scope: %w", err)
	}
	var guard func(string, netip.Addr) error
	if !cfg.AllowPrivateNetworks {
		hosts := make([]string, 0, len(seeds))
		for _, u := range seeds {
			hosts = append(hosts, u.Hostname())
		}
		guard = scope.PrivateGuard(hosts)
	}
	seedKeys := make([]string, 0, len(seeds))
	for _, u := range seeds {
		seedKeys = append(seedKeys, scope.HostKey(u))
	}
	return &Crawler{
		dialGuard: guard,
		cfg:       cfg,
		opts:      opts,
		log:       opts.Logger,
		layout:    Layout{Dir: cfg.Output},
		scope:     sc,
		rules:     newHostRules(cfg, opts.RobotsTTL),
		since:     since,
		metrics:   opts.Metrics,
		tally:     newTally(),
		seeds:     newSeedHosts(seedKeys),
	}, nil
}

// Run crawls until the frontier is exhausted, --max-pages is reached or ctx
// is cancelled. On cancellation in-flight fetches get the grace period to
// finish (Options.Abort cuts it short); every WARC file is closed before
// Run returns.
func (c *Crawler) Run(ctx context.Context) (err error) {
	start := time.Now()
	closeFrontier, err := c.useFrontier(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, closeFrontier()) }()
	c.stats.set(c.frontier)
	defer c.stats.set(nil)
	taken, err := newTakenCount(c.frontier, c.cfg.MaxPages)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, taken.save()) }()
	if err := c.open(ctx); err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, c.close(context.WithoutCancel(ctx)))
		err = errors.Join(err, c.endSummary(start, err))
	}()

	fetchCtx, stopFetching := c.fetchContext(ctx)
	defer stopFetching()
	if err := c.pushSeeds(fetchCtx); err != nil {
		if ctx.Err() != nil { // a shared frontier's pushes end with the context
			return fmt.Errorf("%w: %w", ErrInterrupted, context.Cause(ctx))
		}
		return err
	}
	takeCtx, stopTaking := context.WithCancel(ctx)
	defer stopTaking()
	progressDone := c.startProgress(fetchCtx)
	defer progressDone()

	g, gctx := errgroup.WithContext(takeCtx)
	for i := range c.cfg.Workers {
		if gctx.Err() != nil {
			// Stopped while workers start (a signal, --max-pages reached,
			// a worker's error): start no more.
			break
		}
		w, err := c.newWorker(fetchCtx, i+1)
		if err != nil {
			return err
		}
		g.Go(func() error {
			defer w.close()
			for {
				it, err := c.frontier.Next(gctx)
				if errors.Is(err, frontier.ErrExhausted) || gctx.Err() != nil {
					return nil
				}
				if err != nil {
					return err
				}
				allowed, err := taken.take(gctx)
				if err != nil {
					// The item stays in flight: closing the frontier
					// hands it back.
					if gctx.Err() != nil {
						return nil
					}
					return err
				}
				if !allowed {
					c.limitReached.Store(true)
					stopTaking()
					// The limit is reached: this item stays unfetched.
					return c.frontier.Done(fetchCtx, it, time.Now())
				}
				if err := w.process(fetchCtx, it); err != nil {
					return err
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%w: %w", ErrInterrupted, context.Cause(ctx))
	}
	if meta, ok := c.frontier.(metaStore); ok {
		if err := meta.SetMeta(metaFinished, []byte("true")); err != nil {
			return err
		}
	}
	if c.counters.fetched.Load() > 0 {
		return nil // some host answered: the seeds' hosts were not all that was left
	}
	return c.seeds.unreachable()
}

// fetchContext returns the context fetches run under: it outlives ctx by
// the grace period, or until Options.Abort closes. stop ends it.
func (c *Crawler) fetchContext(ctx context.Context) (fetchCtx context.Context, stop func()) {
	fetchCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() {
		defer cancel()
		select {
		case <-ctx.Done():
		case <-c.opts.Abort:
			return
		case <-fetchCtx.Done():
			return
		}
		grace := time.NewTimer(c.cfg.GracePeriod)
		defer grace.Stop()
		select {
		case <-grace.C:
		case <-c.opts.Abort:
		case <-fetchCtx.Done():
		}
	})
	return fetchCtx, func() { cancel(); wg.Wait() }
}

// FrontierStats reports the frontier's sizes, for metrics: zero before
// Run opens it, its last sizes once Run has closed it.
func (c *Crawler) FrontierStats() frontier.Stats { return c.stats.get() }

// liveStats lets FrontierStats be called from any goroutine (a metrics
// scrape) while Run opens and closes the frontier.
type liveStats struct {
	mu   sync.Mutex
	from frontier.Frontier // nil outside Run
	last frontier.Stats
}

// set starts reading f, or with nil stops, keeping the last sizes.
func (s *liveStats) set(f frontier.Frontier) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f == nil && s.from != nil {
		s.last = s.from.Stats()
	}
	s.from = f
}

func (s *liveStats) get() frontier.Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.from != nil {
		return s.from.Stats()
	}
	return s.last
}

// startProgress prints a status line every ProgressEvery until stop; the
// end-of-crawl summary says how it ended.
func (c *Crawler) startProgress(ctx context.Context) (stop func()) {
	if c.opts.Progress == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		start := time.Now()
		t := time.NewTicker(c.opts.ProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				c.printProgress(start)
			}
		}
	})
	return func() { cancel(); wg.Wait() }
}

func (c *Crawler) printProgress(start time.Time) {
	s := c.frontier.Stats()
	fetched := c.counters.fetched.Load()
	rate := float64(fetched) / max(time.Since(start).Seconds(), 0.001)
	fmt.Fprintf(c.opts.Progress, "arkisto: %d fetched, %d queued, %d in flight, %d failed without a response (DNS, connect, timeout, reset), %.1f pages/s, %.1f MB\n",
		fetched, s.Queued, s.InFlight, c.counters.failed.Load(), rate, float64(c.counters.bytes.Load())/1e6)
}

func compileAll(field string, exprs []string) ([]*regexp.Regexp, error) {
	out := make([]*regexp.Regexp, 0, len(exprs))
	for i, e := range exprs {
		re, err := regexp.Compile(e)
		if err != nil {
			return nil, fmt.Errorf("config field %s[%d]: %w", field, i, err)
		}
		out = append(out, re)
	}
	return out, nil
}
