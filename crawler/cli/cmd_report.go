package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"arkisto/crawler"
	"arkisto/crawler/qa"
	"arkisto/crawler/report"
)

func newReportCommand() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "report [--out FILE] DIR",
		Short: "Write a self-contained HTML report of the collection DIR",
		Long: `Write one HTML file about the collection DIR, from its logs/crawl.log, indexes/index.cdxj
and WARC files: totals, status codes, MIME types, hosts, the URLs that failed and why, the pages
whose requisites are missing from the collection (and why: robots, scope, error, never fetched),
a plot of fetches over time, and what arkisto qa found (DIR/qa/summary.json) when it ran. It loads nothing from anywhere (inline CSS and SVG, no script).
Default file: DIR/logs/report.html. Exit status: 0, 2 when DIR holds no crawl.log.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			collection := crawler.Layout{Dir: args[0]}
			if _, err := os.Stat(collection.CrawlLog()); errors.Is(err, fs.ErrNotExist) {
				return usageError{fmt.Errorf("%s is no collection folder: it has no %s", args[0], collection.CrawlLog())}
			}
			files, err := collection.WARCFiles()
			if err != nil {
				return err
			}
			r, err := report.Build(cmd.Context(), collection.Dir, collection.CrawlLog(), collection.Index(), files)
			if err != nil {
				return err
			}
			// What arkisto qa found, when it ran.
			switch r.QA, err = qa.ReadSummary(collection.QA()); {
			case errors.Is(err, fs.ErrNotExist):
			case err != nil:
				return err
			}
			if out == "" {
				out = collection.Report()
			}
			f, err := os.Create(out)
			if err != nil {
				return fmt.Errorf("write report: %w", err)
			}
			if err := errors.Join(r.WriteHTML(f), f.Close()); err != nil {
				return fmt.Errorf("write report %s: %w", out, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the HTML file to write (default: DIR/logs/report.html)")
	return cmd
}
