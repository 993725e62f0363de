package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"arkisto/crawler"
	"arkisto/warc"
)

func newIndexCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "index DIR",
		Short: "Rebuild DIR/indexes/index.cdxj from the WARC files in DIR/archive",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			collection := crawler.Layout{Dir: args[0]}
			files, err := collection.WARCFiles()
			if err != nil {
				return err
			}
			if len(files) == 0 {
				return usageError{fmt.Errorf("no WARC files in %s", collection.Archive())}
			}
			return warc.RebuildIndex(cmd.Context(), files, collection.Index())
		},
	}
}
