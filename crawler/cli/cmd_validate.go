package cli

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"arkisto/warc"
)

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
