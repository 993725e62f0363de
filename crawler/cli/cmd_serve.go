package cli

import (
	"errors"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"arkisto/config"
	"arkisto/crawler/schedule"
)

func newServeCommand(abort <-chan struct{}) *cobra.Command {
	var configFile string
	var verbose, public bool
	cmd := &cobra.Command{
		Use:   "serve --config FILE",
		Short: "Run scheduled, incremental crawls as a daemon with metrics and a JSON API",
		Long: `Run the jobs of a serve config (see config/example-serve.yaml) on their cron schedules.
Each run crawls into the job's collection: seeds every run, sitemap and feed entries newer than
the job's last success, revisits for payloads the collection holds. /metrics, /healthz and the
JSON API (/api/jobs...) share metrics_addr. SIGINT or SIGTERM stops scheduling and lets running
crawls stop gracefully; interrupted runs resume first at the next start. A line on stderr
says when each run starts and ends (job, outcome, counts). Exit status: 0 after a shutdown,
2 for a bad or missing config.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configFile == "" {
				return usageError{errors.New("serve needs --config FILE (see config/example-serve.yaml)")}
			}
			cfg, err := config.LoadServeFile(configFile)
			if err != nil {
				return usageError{err}
			}
			if public {
				cfg.MetricsPublic = true
			}
			if err := cfg.Finish(os.Getenv); err != nil {
				return usageError{err}
			}
			return schedule.Run(cmd.Context(), cfg, schedule.Options{
				Logger: newLogger(cmd.ErrOrStderr(), verbose), Registry: prometheus.NewRegistry(), Abort: abort,
			})
		},
	}
	cmd.Flags().StringVar(&configFile, "config", "", "serve config file (required)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "debug logging")
	cmd.Flags().BoolVar(&public, "metrics-public", false, "allow a metrics_addr other machines can reach without api_token (they read /metrics; /api then answers this machine only)")
	return cmd
}
