package cli

import (
	"context"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"arkisto/config"
)

// Main runs the arkisto command line with args and returns the exit
// status. The first SIGINT or SIGTERM cancels the command's context, the
// second cuts a crawl's grace period short.
func Main(ctx context.Context, args []string) int {
	ctx, abort, stop := signalContext(ctx, os.Stderr)
	defer stop()
	root := newRootCommand(abort)
	root.SetArgs(args)
	return ExitCode(root.ExecuteContext(ctx), os.Stderr)
}

// newRootCommand builds the command tree; abort closes on a second signal.
func newRootCommand(abort <-chan struct{}) *cobra.Command {
	root := &cobra.Command{
		Use:           "arkisto",
		Short:         "Archive web sites into WARC files that pywb can replay",
		Version:       config.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newCrawlCommand(abort), newServeCommand(abort), newValidateCommand(), newIndexCommand(), newReportCommand(), newWACZCommand(), newQACommand())
	return root
}

func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// shutdown runs stop with a few seconds to spare, even when ctx was cancelled.
func shutdown(ctx context.Context, stop func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = stop(ctx)
}
