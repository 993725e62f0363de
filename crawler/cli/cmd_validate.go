package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"arkisto/warc"
)

func newValidateCommand() *cobra.Command {
	var opts warc.ValidateOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "validate [flags] FILE|DIR...",
		Short: "Check WARC files record by record; exit 0 only when every file is clean",
		Long: `Check every record of the given WARC files (directories are searched for *.warc and *.warc.gz):
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
			} else {
				for _, f := range sum.Reports {
					for _, r := range f.Bad {
						for _, p := range r.Problems {
							fmt.Fprintf(out, "%s@%d %s %s: %s: %s\n", f.Path, r.Offset, r.Type, r.TargetURI, p.Code, p.Message)
						}
					}
				}
				fmt.Fprintf(out, "%d files, %d records, %d problems\n", sum.Files, sum.Records, sum.Problems)
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
