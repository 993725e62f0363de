package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/spf13/cobra"

	"arkisto/crawler"
	"arkisto/warc"
)

func newIndexCommand() *cobra.Command {
	var merge bool
	cmd := &cobra.Command{
		Use:   "index DIR | index --merge DIR COLLECTION...",
		Short: "Rebuild DIR/indexes/index.cdxj from the WARC files in DIR/archive, or merge collections' indexes into it",
		Long: `Rebuild DIR/indexes/index.cdxj from every WARC file in DIR/archive, whichever process wrote it.
WARC files a crashed crawl left open (.open) are repaired first, unless a live crawl writes them.

With --merge, merge the indexes of the COLLECTION folders into DIR's instead, reading no WARC
file: the processes of a shared crawl each write their own collection; once their WARC files
are copied into DIR/archive (their names never collide), this gives DIR the index a rebuild
from all of them would. Every WARC file the indexes name must be in DIR/archive.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if merge {
				return cobra.MinimumNArgs(2)(cmd, args)
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			collection := crawler.Layout{Dir: args[0]}
			// Files a dead process left open are finished first, as a
			// crawl starting here would; a live process's stay as they are.
			repaired, err := warc.RepairDir(cmd.Context(), collection.Archive())
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			for _, r := range repaired {
				fmt.Fprintf(cmd.ErrOrStderr(), "arkisto: repaired %s, left open by a crash: %d records kept, %d bytes dropped\n", r.Path, r.Records, r.DroppedBytes)
			}
			files, err := collection.WARCFiles()
			if err != nil {
				return err
			}
			if len(files) == 0 {
				return usageError{fmt.Errorf("no WARC files in %s", collection.Archive())}
			}
			if !merge {
				return warc.RebuildIndex(cmd.Context(), files, collection.Index())
			}
			held := make(map[string]bool, len(files))
			for _, f := range files {
				held[filepath.Base(f)] = true
			}
			var sources []string
			for _, dir := range args[1:] {
				sources = append(sources, crawler.Layout{Dir: dir}.Index())
			}
			return warc.MergeIndexes(cmd.Context(), collection.Index(), sources, func(name string) bool { return held[name] })
		},
	}
	cmd.Flags().BoolVar(&merge, "merge", false, "merge the indexes of the COLLECTION folders into DIR's")
	return cmd
}
