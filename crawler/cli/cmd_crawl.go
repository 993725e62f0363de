package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"arkisto/config"
	"arkisto/crawler"
	"arkisto/crawler/metrics"
)

func newCrawlCommand(abort <-chan struct{}) *cobra.Command {
	cfg := config.Default()
	var configFile string
	var verbose, fresh bool
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

A crawl that was interrupted or killed is resumed by running it again into the same folder
("arkisto crawl --output DIR" is enough: the seeds and settings are recorded in DIR/state);
settings given again must agree with the recorded ones. A finished crawl's folder takes a
new crawl, whose unchanged payloads are stored as revisits. --fresh starts over explicitly.

Exit status: 0 when the crawl ran to its end, 2 for a bad flag, config or seed, 130 after
an interrupt.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			plan, err := planCrawl(cmd, cfg, configFile, args, fresh)
			if err != nil {
				return err
			}
			switch {
			case plan.Resumes && plan.Config.Frontier != "":
				fmt.Fprintf(cmd.ErrOrStderr(), "arkisto: joining crawl %s, writing into %s\n", plan.Config.CrawlID, plan.Config.Output)
			case plan.Resumes:
				fmt.Fprintf(cmd.ErrOrStderr(), "arkisto: resuming the unfinished crawl in %s\n", plan.Config.Output)
			}
			return runCrawl(cmd, plan.Config, verbose, abort)
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "YAML config file (see config/example.yaml); flags override it")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "debug logging")
	cmd.Flags().BoolVar(&fresh, "fresh", false, "start a new crawl even if the output folder holds an unfinished one")
	config.BindFlags(cmd.Flags(), &cfg)
	return cmd
}

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
	if errors.As(err, &mismatch) {
		return plan, usageError{fmt.Errorf("%w; give the same settings to resume it, or --fresh to start over", err)}
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
	c, err := crawler.New(cfg, crawler.Options{Logger: logger, Progress: cmd.ErrOrStderr(), Metrics: m, Abort: abort})
	if err != nil {
		return usageError{err}
	}
	if err := reg.Register(metrics.FrontierCollector(c.FrontierStats)); err != nil {
		return err
	}
	if cfg.MetricsAddr != "" {
		stop, err := metrics.Serve(ctx, cfg.MetricsAddr, reg)
		if err != nil {
			return usageError{err}
		}
		defer shutdown(ctx, stop)
		logger.Info("serving metrics", "url", "http://"+cfg.MetricsAddr+"/metrics")
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
	logger.Info("crawl finished", "output", cfg.Output)
	return nil
}
