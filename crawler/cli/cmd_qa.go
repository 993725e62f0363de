package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"arkisto/crawler"
	"arkisto/crawler/qa"
)

func newQACommand() *cobra.Command {
	var opts qa.Options
	var replay string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "qa DIR --replay http://localhost:8080/COLL/",
		Short: "Open the collection's pages in headless Chromium as pywb replays them, and report what is missing",
		Long: `Open each sampled page of the collection in DIR in headless Chromium (the Debian package
chromium, found on PATH) as pywb replays it from --replay, and with --live as the site serves it
now. For each page it records the requests the archive could not answer, each with why the crawl
did not capture it, from DIR/logs/crawl.log: never discovered, robots (robots.txt disallowed it),
out of scope (scope, --exclude or a trap rule refused it) or fetch error (no answer, or an HTTP
error); requests that escaped the archive to the live web; console errors; a screenshot; and
with --live a pixel difference (0 = the same) and a text similarity (1 = the same words).

It writes DIR/qa/: ID.json and ID-replay.png (ID-live.png) per page, and summary.json with every
page, worst first. The pages come from the crawl's page list, DIR/logs/pages.jsonl, or --pages.

Exit status: 0 when every page checked is complete, 1 when some page is incomplete or failed
(or the check could not run), 2 for a bad flag.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if replay == "" {
				return usageError{errors.New("--replay is required: pywb's URL of the collection, such as http://localhost:8080/COLL/")}
			}
			r, err := qa.ParseReplay(replay)
			if err != nil {
				return usageError{err}
			}
			opts.Replay, opts.Collection = r, crawler.Layout{Dir: args[0]}
			opts.Logger = newLogger(cmd.ErrOrStderr(), verbose)
			s, err := qa.Run(cmd.Context(), opts)
			if errors.Is(err, qa.ErrNoChromium) {
				return usageError{err}
			}
			if err != nil {
				return err
			}
			s.WriteText(cmd.OutOrStdout(), 20)
			fmt.Fprintf(cmd.OutOrStdout(), "reports in %s\n", opts.Collection.QA())
			if s.Counts[qa.OutcomeComplete] < s.Checked {
				return errProblems
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&replay, "replay", "", "pywb's URL of the collection, such as http://localhost:8080/COLL/ (required)")
	f.BoolVar(&opts.Live, "live", false, "load each page live too, and compare screenshots and text")
	f.IntVar(&opts.Sample, "sample", 20, "pages to check (0 = all); the same pages on every run")
	f.StringVar(&opts.Pages, "pages", "", "page list to sample, JSON Lines with url and ts (default: DIR/logs/pages.jsonl; a WACZ's pages/pages.jsonl works too)")
	f.StringVar(&opts.Chromium, "chromium", "", "Chromium to run (default: chromium on PATH)")
	f.DurationVar(&opts.Timeout, "page-timeout", time.Minute, "limit for loading one page")
	f.DurationVar(&opts.Settle, "settle", time.Second, "a page counts as loaded once its network was quiet this long after its load event")
	f.BoolVarP(&verbose, "verbose", "v", false, "debug logging")
	return cmd
}
