package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"arkisto/config"
	"arkisto/crawler"
	"arkisto/crawler/frontier"
	"arkisto/crawler/metrics"
)

func newCrawlCommand(abort <-chan struct{}) *cobra.Command {
	cfg := config.Default()
	var configFile string
	var verbose, fresh bool
	var prof profiles
	cmd := &cobra.Command{
		Use:   "crawl [flags] [URL...]",
		Short: "Crawl from seed URLs into a pywb collection folder",
		Long: `Crawl politely from the seed URLs (arguments, --seeds-file or the config's seeds)
into a collection folder holding archive/ (WARC files), indexes/, logs/crawl.log and state/.
Flags override the config file.

With --frontier redis://HOST:PORT/DB and --crawl-id ID, several processes, on one machine
or many, crawl as one polite crawler over a frontier shared in Redis, each writing its own
collection folder (--output). The first records the seeds and settings; the others join
with just --frontier, --crawl-id and --output, and are refused if their settings differ.
Each names its WARC files after its machine and a suffix of its own; "arkisto crawl status"
shows the crawl and its processes, "arkisto index --merge" merges their collections' indexes.

A crawl that was interrupted or killed is resumed by running it again into the same folder
("arkisto crawl --output DIR" is enough: the seeds and settings are recorded in DIR/state);
settings given again must agree with the recorded ones. A finished crawl's folder takes a
new crawl, whose unchanged payloads are stored as revisits. --fresh starts over explicitly.

The crawl ends with a summary on stderr, also kept in DIR/logs/summary.json.

Exit status: 0 when the crawl ran to its end, 2 for a bad flag, config or seed (or a
--metrics-addr you gave that is busy), 3 when no seed could be fetched at all (the reason of
each seed host is printed), 130 after an interrupt, 1 for anything else (a full disk...).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			plan, err := planCrawl(cmd, cfg, configFile, args, fresh)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "arkisto: %s\n", beginning(plan))
			stop, err := prof.start()
			if err != nil {
				return err
			}
			return errors.Join(runCrawl(cmd, plan.Config, verbose, abort), stop())
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "YAML config file (see config/example.yaml); flags override it")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "debug logging")
	cmd.Flags().BoolVar(&fresh, "fresh", false, "start a new crawl even if the output folder holds an unfinished one")
	// How soon a dead process's items of a shared crawl come back: tests
	// kill processes and need not wait the default minute.
	cmd.Flags().Duration(leaseTTLFlag, 0, "shared crawl: how long an item taken stays leased without renewal (default 1m)")
	_ = cmd.Flags().MarkHidden(leaseTTLFlag)
	config.BindFlags(cmd.Flags(), &cfg)
	prof.bind(cmd.Flags())
	cmd.AddCommand(newCrawlStatusCommand())
	return cmd
}

const leaseTTLFlag = "lease-ttl"

// planCrawl settles the config a crawl runs with. Seeds (arguments, a seeds
// file, sitemaps, feeds) or a config file state a crawl: flags over the
// file over the defaults. An output folder alone points at the unfinished
// crawl there, resumed with its recorded config and the flags given now.
// crawler.Prepare decides between them.
func planCrawl(cmd *cobra.Command, given config.Config, configFile string, args []string, fresh bool) (crawler.Plan, error) {
	if configFile != "" {
		loaded, err := config.LoadFile(configFile)
		if err != nil {
			return crawler.Plan{}, usageError{err}
		}
		if err := config.ApplyChanged(cmd.Flags(), &loaded); err != nil {
			return crawler.Plan{}, usageError{err}
		}
		given = loaded
	}
	given.Seeds = append(given.Seeds, args...)
	stated := configFile != "" || len(given.StartURLs()) > 0 || given.SeedsFile != ""
	// A process joining a shared crawl takes the seeds and folder it
	// recorded; otherwise, without seeds and folder, this names what is missing.
	if stated || (given.Output == "" && given.Frontier == "") {
		if err := given.Finish(); err != nil {
			return crawler.Plan{}, usageError{err}
		}
	}
	if fi, err := os.Stat(given.Output); err == nil && !fi.IsDir() {
		return crawler.Plan{}, usageError{fmt.Errorf("--output %s is a file, not a collection folder", given.Output)}
	}
	prepare := crawler.Prepare
	if given.Frontier != "" {
		if err := given.CheckShared(); err != nil {
			return crawler.Plan{}, usageError{err}
		}
		prepare = func(s crawler.Start) (crawler.Plan, error) { return crawler.PrepareShared(cmd.Context(), s) }
	}
	plan, err := prepare(crawler.Start{
		Given:  given,
		Stated: stated,
		Override: func(c *config.Config) error {
			if err := config.ApplyChanged(cmd.Flags(), c); err != nil {
				return usageError{err}
			}
			return nil
		},
		Fresh: fresh,
	})
	var mismatch *crawler.MismatchError
	switch {
	case errors.As(err, &mismatch):
		return plan, usageError{fmt.Errorf("%w; give the same settings to resume it, or --fresh to start over", err)}
	case errors.Is(err, crawler.ErrCrawlBusy):
		return plan, usageError{err}
	}
	return plan, err
}

func runCrawl(cmd *cobra.Command, cfg config.Config, verbose bool, abort <-chan struct{}) error {
	ctx := cmd.Context()
	logger := newLogger(cmd.ErrOrStderr(), verbose)
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg, cfg.Job, time.Now())
	if err != nil {
		return err
	}
	leaseTTL, _ := cmd.Flags().GetDuration(leaseTTLFlag)
	c, err := crawler.New(cfg, crawler.Options{Logger: logger, Progress: cmd.ErrOrStderr(), Metrics: m, Abort: abort, LeaseTTL: leaseTTL})
	if err != nil {
		return usageError{err}
	}
	sizes := metrics.FrontierCollector(c.FrontierStats)
	if cfg.Frontier != "" {
		frontier.RouteRedisLog(logger, cfg.Frontier)
		sizes = metrics.SharedFrontierCollector(cfg.Job, c.FrontierStats, c.FrontierRoundTrips)
	}
	if err := reg.Register(sizes); err != nil {
		return err
	}
	if cfg.MetricsAddr != "" {
		stop, err := serveMetrics(cmd, cfg, reg, logger)
		if err != nil {
			return err
		}
		defer shutdown(ctx, stop)
	}
	if cfg.Pushgateway != "" {
		p := metrics.NewPusher(cfg.Pushgateway, cfg.Job, reg)
		pushCtx, stopPushing := context.WithCancel(context.WithoutCancel(ctx))
		go p.PushEvery(pushCtx, 15*time.Second, func(err error) { logger.Warn("push metrics", "err", err) })
		defer func() {
			stopPushing()
			// The final values matter most to a cron job: push them even after an interrupt.
			shutdown(ctx, func(ctx context.Context) error {
				if err := p.Push(ctx); err != nil {
					logger.Warn("final push of metrics", "err", err)
				}
				return nil
			})
		}()
	}
	logger.Info("crawl starting", "job", cfg.Job, "output", cfg.Output, "seeds", len(cfg.StartURLs()))
	if err := c.Run(ctx); err != nil {
		return err
	}
	if cfg.WACZ {
		return packageCrawl(ctx, cmd, cfg)
	}
	return nil
}

// beginning says which collection a crawl uses and how it begins there.
func beginning(p crawler.Plan) string {
	where := fmt.Sprintf("%s (job %s)", p.Config.Output, p.Config.Job)
	switch p.Begins {
	case crawler.BeginResumed:
		if p.Config.Frontier != "" {
			return "joining crawl " + p.Config.CrawlID + " of the shared frontier, writing into " + where
		}
		return "resuming the unfinished crawl in " + where
	case crawler.BeginContinued:
		return "continuing the collection " + where + ": a new crawl beside the WARC files it holds; payloads it already has become revisits"
	}
	return "new collection " + where
}

// spareMetricsPorts is how many ports after the default metrics port a
// crawl tries when that one is busy.
const spareMetricsPorts = 8

// serveMetrics serves /metrics on cfg.MetricsAddr. The default address
// being busy (another crawl runs on this machine) is no reason to stop:
// the next free port is taken, or with none, the crawl goes on without
// metrics. An address the user gave must be free.
func serveMetrics(cmd *cobra.Command, cfg config.Config, reg *prometheus.Registry, logger *slog.Logger) (func(context.Context) error, error) {
	chosen := cmd.Flags().Changed("metrics-addr") || cfg.MetricsAddr != config.DefaultMetricsAddr
	spare := spareMetricsPorts
	if chosen {
		spare = 0
	}
	ln, err := metrics.Listen(cmd.Context(), cfg.MetricsAddr, spare)
	switch {
	case err != nil && chosen:
		return nil, usageError{err}
	case err != nil:
		logger.Warn("crawling without metrics: the default metrics port and the ones after it are busy; set --metrics-addr", "err", err)
		return func(context.Context) error { return nil }, nil
	}
	url := "http://" + ln.Addr().String() + "/metrics"
	if got := ln.Addr().String(); got != cfg.MetricsAddr {
		logger.Warn("the default metrics port is busy (another crawl?): serving metrics on the next free port", "busy", cfg.MetricsAddr, "url", url)
	}
	listener := cfg.Listener()
	logger.Info("serving metrics", "url", url, "exposure", listener.Exposure(false))
	return metrics.ServeOn(ln, reg), nil
}
