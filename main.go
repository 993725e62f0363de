// Command arkisto crawls web sites into WARC files that pywb replays.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"arkisto/config"
	"arkisto/crawler"
	"arkisto/crawler/metrics"
	"arkisto/crawler/schedule"
	"arkisto/crawler/testsite"
	"arkisto/warc"
)

// Exit statuses, chosen here and nowhere else.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2   // bad flag, config or seed
	exitInterrupted = 130 // stopped by SIGINT or SIGTERM
)

// usageError marks errors the user can fix by changing flags or config.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func main() {
	ctx, abort, stop := signalContext()
	root := newRootCommand(abort)
	err := root.ExecuteContext(ctx)
	stop()
	os.Exit(exitCode(err))
}

func exitCode(err error) int {
	var usage usageError
	var field *config.FieldError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, crawler.ErrInterrupted):
		fmt.Fprintln(os.Stderr, "arkisto: interrupted; every WARC file was closed")
		return exitInterrupted
	case errors.Is(err, errProblems):
		return exitFailure
	case errors.As(err, &usage), errors.As(err, &field):
		fmt.Fprintln(os.Stderr, "arkisto:", err)
		return exitUsage
	case errors.Is(err, syscall.ENOSPC):
		fmt.Fprintln(os.Stderr, "arkisto:", err)
		fmt.Fprintln(os.Stderr, "arkisto: the disk is full; every WARC file was closed. Free some space and run the same command again to resume.")
		return exitFailure
	default:
		fmt.Fprintln(os.Stderr, "arkisto:", err)
		return exitFailure
	}
}

// signalContext is cancelled by the first SIGINT or SIGTERM; the abort
// channel closes on the second, which cuts the grace period short.
func signalContext() (context.Context, <-chan struct{}, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	abort := make(chan struct{})
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		count := 0
		for {
			select {
			case s := <-sigs:
				count++
				if count == 1 {
					fmt.Fprintf(os.Stderr, "arkisto: %s: finishing in-flight fetches (send again to stop at once)\n", s)
					cancel(fmt.Errorf("received %s", s))
				} else if count == 2 {
					fmt.Fprintf(os.Stderr, "arkisto: %s: stopping now\n", s)
					close(abort)
				}
			case <-done:
				return
			}
		}
	}()
	return ctx, abort, func() { signal.Stop(sigs); close(done); cancel(nil) }
}

func newRootCommand(abort <-chan struct{}) *cobra.Command {
	root := &cobra.Command{
		Use:           "arkisto",
		Short:         "Archive web sites into WARC files that pywb can replay",
		Version:       config.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newCrawlCommand(abort), newServeCommand(abort), newValidateCommand(), newIndexCommand(), newTestsiteCommand())
	return root
}

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

A crawl that was interrupted or killed is resumed by running it again into the same folder
("arkisto crawl --output DIR" is enough: the seeds and settings are recorded in DIR/state);
settings given again must agree with the recorded ones. A finished crawl's folder takes a
new crawl, whose unchanged payloads are stored as revisits. --fresh starts over explicitly.

Exit status: 0 when the crawl ran to its end, 2 for a bad flag, config or seed, 130 after
an interrupt.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			run := cfg
			if configFile != "" {
				loaded, err := config.LoadFile(configFile)
				if err != nil {
					return usageError{err}
				}
				if err := config.ApplyChanged(cmd.Flags(), &loaded); err != nil {
					return usageError{err}
				}
				run = loaded
			}
			run.Seeds = append(run.Seeds, args...)
			run, err := resolveCrawl(cmd, run, len(args) > 0 || configFile != "", fresh)
			if err != nil {
				return err
			}
			return runCrawl(cmd.Context(), run, verbose, abort)
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "YAML config file (see config/example.yaml); flags override it")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "debug logging")
	cmd.Flags().BoolVar(&fresh, "fresh", false, "start a new crawl even if the output folder holds an unfinished one")
	config.BindFlags(cmd.Flags(), &cfg)
	return cmd
}

// resolveCrawl settles the config a crawl runs with: the one given, or, when
// the output folder holds an unfinished crawl, that crawl's recorded config
// (with the speed and logging settings given now). Settings that define the
// crawl and were given again must agree with the recorded ones.
func resolveCrawl(cmd *cobra.Command, given config.Config, gaveStart, fresh bool) (config.Config, error) {
	cmd.Flags().Visit(func(f *pflag.Flag) {
		switch f.Name {
		case "seeds-file", "sitemap", "feed", "scope", "include", "exclude", "max-depth", "since", "robots", "warc-prefix", "warc-version", "dedup":
			gaveStart = true
		}
	})
	output := given.Output
	if output == "" {
		probe := given
		if err := probe.Finish(); err != nil {
			return given, usageError{err}
		}
		output = probe.Output
	}
	recorded, err := crawler.PrepareState(output, fresh)
	if err != nil {
		return given, err
	}
	if recorded == nil {
		if err := given.Finish(); err != nil {
			return given, usageError{err}
		}
		return given, nil
	}
	if gaveStart {
		if err := given.Finish(); err != nil {
			return given, usageError{err}
		}
		if diffs := crawler.Differences(*recorded, given); len(diffs) > 0 {
			return given, usageError{fmt.Errorf("%s holds an unfinished crawl started with other settings (%s); give the same settings to resume it, or --fresh to start over",
				output, strings.Join(diffs, "; "))}
		}
		return given, nil
	}
	resumed := *recorded
	if err := config.ApplyChanged(cmd.Flags(), &resumed); err != nil {
		return given, usageError{err}
	}
	if err := resumed.Validate(); err != nil {
		return given, usageError{err}
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "arkisto: resuming the unfinished crawl in %s\n", output)
	return resumed, nil
}

func runCrawl(ctx context.Context, cfg config.Config, verbose bool, abort <-chan struct{}) error {
	logger := newLogger(verbose)
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg, cfg.Job, time.Now())
	if err != nil {
		return err
	}
	c, err := crawler.New(cfg, crawler.Options{Logger: logger, Progress: os.Stderr, Metrics: m})
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
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-abort:
			c.Abort()
		case <-finished:
		}
	}()
	logger.Info("crawl starting", "job", cfg.Job, "output", cfg.Output, "seeds", len(cfg.StartURLs()))
	if err := c.Run(ctx); err != nil {
		return err
	}
	logger.Info("crawl finished", "output", cfg.Output)
	return nil
}

func newLogger(verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// shutdown runs stop with a few seconds to spare, even when ctx was cancelled.
func shutdown(ctx context.Context, stop func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = stop(ctx)
}

// errProblems makes validate exit 1 once it has printed what it found.
var errProblems = errors.New("problems found")

func newValidateCommand() *cobra.Command {
	var opts warc.ValidateOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "validate [flags] FILE|DIR...",
		Short: "Check WARC files record by record; exit 0 only when every file is clean",
		Long: `Check every record of the given WARC files (directories are searched for *.warc and *.warc.gz,
a collection folder in its archive/; finding none, an empty file or a name that lies about compression is a problem):
version line, mandatory headers, Content-Length, record end, one record per gzip member,
truncated members, block and payload digests (payload de-chunked, as WARC 1.1 says),
WARC-Date form and revisit references. Nothing is loaded whole into memory.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sum, err := warc.ValidatePaths(cmd.Context(), args, opts)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(sum); err != nil {
					return err
				}
			} else if err := sum.WriteText(out); err != nil {
				return err
			}
			if !sum.OK() {
				return errProblems
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the full report as JSON")
	cmd.Flags().BoolVar(&opts.RawPayloadDigest, "raw-payload-digest", false, "check payload digests over the raw (still chunked) bytes, as warcio does")
	return cmd
}

func newIndexCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "index DIR",
		Short: "Rebuild DIR/indexes/index.cdxj from the WARC files in DIR/archive",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := filepath.Glob(filepath.Join(args[0], "archive", "*.warc.gz"))
			if err != nil {
				return err
			}
			if len(files) == 0 {
				return usageError{fmt.Errorf("no WARC files in %s", filepath.Join(args[0], "archive"))}
			}
			return warc.RebuildIndex(cmd.Context(), files, filepath.Join(args[0], "indexes", "index.cdxj"))
		},
	}
}

// newTestsiteCommand serves the synthetic news site used by the tests, for
// scripts (metrics and pywb checks) and demos. With --control-addr a script
// can change the site between two crawls (POST /change?path=P, POST
// /add-article). The control endpoint has its own listener, loopback only,
// so the site a crawler sees never exposes it.
func newTestsiteCommand() *cobra.Command {
	var addr, controlAddr string
	var opts testsite.Options
	cmd := &cobra.Command{
		Use:    "testsite",
		Short:  "Serve the synthetic test news site on a loopback address",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			site := testsite.New(opts)
			if controlAddr != "" {
				cln, err := net.Listen("tcp", controlAddr)
				if err != nil {
					return usageError{fmt.Errorf("listen on control address %s: %w", controlAddr, err)}
				}
				if a, ok := cln.Addr().(*net.TCPAddr); !ok || !a.IP.IsLoopback() {
					_ = cln.Close()
					return usageError{fmt.Errorf("control address %s is not loopback: anyone reaching it could change the site", controlAddr)}
				}
				answer := func(w http.ResponseWriter, v map[string]string) {
					w.Header().Set("Content-Type", "application/json")
					_ = json.NewEncoder(w).Encode(v)
				}
				mux := http.NewServeMux()
				mux.HandleFunc("POST /change", func(w http.ResponseWriter, r *http.Request) {
					path := r.URL.Query().Get("path")
					if err := site.ChangePage(path); err != nil {
						http.Error(w, err.Error(), http.StatusBadRequest)
						return
					}
					answer(w, map[string]string{"changed": path})
				})
				mux.HandleFunc("POST /add-article", func(w http.ResponseWriter, _ *http.Request) {
					answer(w, map[string]string{"path": site.AddArticle().Path})
				})
				ctrl := &http.Server{Handler: mux, ReadHeaderTimeout: time.Minute}
				defer ctrl.Close()
				go func() {
					if err := ctrl.Serve(cln); !errors.Is(err, http.ErrServerClosed) {
						fmt.Fprintf(cmd.ErrOrStderr(), "control endpoint stopped: %v\n", err)
					}
				}()
				fmt.Fprintf(cmd.ErrOrStderr(), "test site control on http://%s/\n", cln.Addr())
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return usageError{fmt.Errorf("listen on %s: %w", addr, err)}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "test site on http://%s/\n", ln.Addr())
			err = site.Serve(cmd.Context(), ln)
			if cmd.Context().Err() != nil {
				return nil
			}
			return err
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().StringVar(&controlAddr, "control-addr", "", "loopback address for POST /change?path=P and POST /add-article (empty: none)")
	cmd.Flags().IntVar(&opts.Articles, "articles", 0, "number of articles (0 = the site's default)")
	cmd.Flags().DurationVar(&opts.CrawlDelay, "crawl-delay", 0, "Crawl-delay announced in robots.txt")
	cmd.Flags().DurationVar(&opts.Latency, "latency", 0, "delay before each response")
	return cmd
}

func newServeCommand(abort <-chan struct{}) *cobra.Command {
	var configFile string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "serve --config FILE",
		Short: "Run scheduled, incremental crawls as a daemon with metrics and a JSON API",
		Long: `Run the jobs of a serve config (see config/example-serve.yaml) on their cron schedules.
Each run crawls into the job's collection: seeds every run, sitemap and feed entries newer than
the job's last success, revisits for payloads the collection holds. /metrics, /healthz and the
JSON API (/api/jobs...) share metrics_addr. SIGINT or SIGTERM stops scheduling and lets running
crawls stop gracefully; interrupted runs resume first at the next start. Exit status: 0 after
a shutdown, 2 for a bad config.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.LoadServeFile(configFile)
			if err != nil {
				return usageError{err}
			}
			if err := cfg.Finish(os.Getenv); err != nil {
				return usageError{err}
			}
			return schedule.Run(cmd.Context(), cfg, schedule.Options{
				Logger: newLogger(verbose), Registry: prometheus.NewRegistry(), Abort: abort,
			})
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "serve config file (required)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "debug logging")
	_ = cmd.MarkFlagRequired("config")
	return cmd
}
