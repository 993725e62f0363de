// Command arkisto crawls web sites into WARC files that pywb replays.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"arkisto/config"
	"arkisto/crawler"
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
	case errors.As(err, &usage), errors.As(err, &field):
		fmt.Fprintln(os.Stderr, "arkisto:", err)
		return exitUsage
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
	root.AddCommand(newCrawlCommand(abort))
	return root
}

func newCrawlCommand(abort <-chan struct{}) *cobra.Command {
	cfg := config.Default()
	var configFile string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "crawl [flags] [URL...]",
		Short: "Crawl from seed URLs into a pywb collection folder",
		Long: `Crawl politely from the seed URLs (arguments, --seeds-file or the config's seeds)
into a collection folder holding archive/ (WARC files), indexes/, logs/crawl.log and state/.
Flags override the config file. Exit status: 0 when the crawl ran to its end, 2 for a bad
flag, config or seed, 130 after an interrupt.`,
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
			if err := run.Finish(); err != nil {
				return usageError{err}
			}
			return runCrawl(cmd.Context(), run, verbose, abort)
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "YAML config file (see config/example.yaml); flags override it")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "debug logging")
	config.BindFlags(cmd.Flags(), &cfg)
	return cmd
}

func runCrawl(ctx context.Context, cfg config.Config, verbose bool, abort <-chan struct{}) error {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	c, err := crawler.New(cfg, crawler.Options{Logger: logger, Progress: os.Stderr})
	if err != nil {
		return usageError{err}
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
	logger.Info("crawl starting", "job", cfg.Job, "output", cfg.Output, "seeds", len(cfg.Seeds))
	if err := c.Run(ctx); err != nil {
		return err
	}
	logger.Info("crawl finished", "output", cfg.Output)
	return nil
}
