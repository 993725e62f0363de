package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"arkisto/config"
	"arkisto/crawler"
	"arkisto/warc/wacz"
)

func newWACZCommand() *cobra.Command {
	var out, title string
	cmd := &cobra.Command{
		Use:   "wacz DIR",
		Short: "Package the collection in DIR as a WACZ file",
		Long: `Package the collection in DIR as a WACZ 1.1.1 file (Web Archive Collection Zipped), which
ReplayWeb.page opens with no server and pywb adds with "wb-manager add --unpack-wacz COLL FILE":
its finished WARC files (stored as they are), a CDXJ index made from them, the list of pages the
crawl captured with their titles (DIR/logs/pages.jsonl), and datapackage.json with the size and
sha256 of every file. WARC files still open (a running crawl, or a crash not yet resumed) are
left out. The package streams: it holds no file in memory, whatever the collection's size.

Exit status: 0 when the package was written, 1 when it could not be, 2 for a bad flag or a
folder without WARC files.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			collection := crawler.Layout{Dir: args[0]}
			if out == "" {
				out = collection.WACZ()
			}
			if title == "" {
				title = filepath.Base(filepath.Clean(collection.Dir))
			}
			open, err := collection.OpenWARCFiles()
			if err != nil {
				return err
			}
			if len(open) > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "arkisto: %d WARC files are still open (a crawl is running, or crashed and was not resumed) and are left out\n", len(open))
			}
			res, err := crawler.PackageWACZ(cmd.Context(), collection, out, title)
			if errors.Is(err, crawler.ErrNoWARCFiles) {
				return usageError{err}
			}
			if err != nil {
				return err
			}
			printWACZ(cmd.OutOrStdout(), cmd.ErrOrStderr(), res)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the WACZ file to write (default: DIR.wacz, beside the folder)")
	cmd.Flags().StringVar(&title, "title", "", "the collection's title in datapackage.json (default: the folder's name)")
	return cmd
}

// printWACZ says what a package holds, and what was left out of it.
func printWACZ(stdout, stderr io.Writer, res wacz.Result) {
	fmt.Fprintf(stdout, "wrote %s: %d bytes, %d WARC files, %d index lines, %d pages\n",
		res.Path, res.Bytes, res.WARCFiles, res.IndexLines, res.Pages)
	if res.SkippedPages > 0 {
		fmt.Fprintf(stderr, "arkisto: %d lines of the page list did not read whole and were left out\n", res.SkippedPages)
	}
	if res.Skipped != nil {
		fmt.Fprintf(stderr, "arkisto: the index leaves out damaged records: %v\n", res.Skipped)
	}
}

// packageCrawl is `crawl --wacz`: the collection of a crawl that ran to its
// end, packaged beside its folder.
func packageCrawl(ctx context.Context, cmd *cobra.Command, cfg config.Config) error {
	res, err := crawler.PackageWACZ(ctx, crawler.Layout{Dir: cfg.Output}, crawler.Layout{Dir: cfg.Output}.WACZ(), cfg.Job)
	if err != nil {
		return fmt.Errorf("the crawl ended, but packaging it failed: %w", err)
	}
	printWACZ(cmd.OutOrStdout(), cmd.ErrOrStderr(), res)
	return nil
}

// usageArgs makes a wrong number of arguments exit as a usage error.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
