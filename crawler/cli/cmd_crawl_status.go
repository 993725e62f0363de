package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"arkisto/config"
	"arkisto/crawler"
	"arkisto/crawler/frontier"
)

// crawlStatus is what arkisto crawl status prints: the shared crawl's
// sizes, read from Redis, and its processes at work.
type crawlStatus struct {
	CrawlID      string             `json:"crawl_id"`
	Frontier     string             `json:"frontier"` // the Redis URL, password redacted
	State        crawler.CrawlState `json:"state"`
	Queued       int                `json:"queued"`
	Seen         int                `json:"seen"`
	InFlight     int                `json:"in_flight"`
	Hosts        int                `json:"hosts"`
	HostsReady   int                `json:"hosts_ready"`
	HostsWaiting int                `json:"hosts_waiting"`
	Processes    []statusProcess    `json:"processes"`
}

type statusProcess struct {
	ID       string    `json:"id"`
	Hostname string    `json:"hostname"`
	PID      int       `json:"pid"`
	Output   string    `json:"output"`
	Started  time.Time `json:"started"`
	InFlight int       `json:"in_flight"`
	Taken    int       `json:"taken"`
	Expires  time.Time `json:"heartbeat_expires"`
}

func newCrawlStatusCommand() *cobra.Command {
	var frontierURL, crawlID string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status --frontier URL --crawl-id ID",
		Short: "Show a shared crawl's frontier and the processes working on it",
		Long: `Show what the Redis frontier of a shared crawl holds (URLs queued and seen, items in
flight, hosts) and the processes working on it, with their machine, pid, collection folder,
items in flight and taken at their last heartbeat. --json prints the same as one JSON object.
The password of the Redis URL is never printed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := config.Config{Frontier: frontierURL, CrawlID: crawlID}
			if err := cfg.CheckShared(); err != nil {
				return usageError{err}
			}
			frontier.RouteRedisLog(newLogger(cmd.ErrOrStderr(), false), frontierURL)
			st, err := readCrawlStatus(cmd, cfg)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			return printCrawlStatus(cmd.OutOrStdout(), st)
		},
	}
	cmd.Flags().StringVar(&frontierURL, "frontier", "", "the shared frontier: redis://[:password@]host:port/db (rediss:// for TLS)")
	cmd.Flags().StringVar(&crawlID, "crawl-id", "", "the crawl's name in the shared frontier")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

func readCrawlStatus(cmd *cobra.Command, cfg config.Config) (crawlStatus, error) {
	ctx := cmd.Context()
	f, err := frontier.OpenRedis(ctx, cfg.Frontier, cfg.CrawlID, frontier.RedisOptions{})
	if err != nil {
		return crawlStatus{}, err
	}
	defer f.Close()
	st := crawlStatus{CrawlID: cfg.CrawlID, Frontier: frontier.RedactURL(cfg.Frontier), State: crawler.CrawlNone, Processes: []statusProcess{}}
	state, err := crawler.RecordedState(f)
	if err != nil {
		return st, err
	}
	st.State = state
	s, err := f.ReadStats(ctx)
	if err != nil {
		return st, err
	}
	st.Queued, st.Seen, st.InFlight = s.Queued, s.Seen, s.InFlight
	st.Hosts, st.HostsReady, st.HostsWaiting = s.Hosts, s.HostsReady, s.HostsWaiting
	procs, err := f.Processes(ctx)
	if err != nil {
		return st, err
	}
	for _, p := range procs {
		st.Processes = append(st.Processes, statusProcess{ID: p.ID, Hostname: p.Hostname, PID: p.PID, Output: p.Output,
			Started: p.Started, InFlight: p.InFlight, Taken: p.Taken, Expires: p.Expires})
	}
	return st, nil
}

func printCrawlStatus(w io.Writer, st crawlStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "crawl\t%s (%s)\n", st.CrawlID, st.State)
	fmt.Fprintf(tw, "frontier\t%s\n", st.Frontier)
	fmt.Fprintf(tw, "queued\t%d\n", st.Queued)
	fmt.Fprintf(tw, "seen\t%d\n", st.Seen)
	fmt.Fprintf(tw, "in flight\t%d\n", st.InFlight)
	fmt.Fprintf(tw, "hosts\t%d (%d ready, %d waiting)\n", st.Hosts, st.HostsReady, st.HostsWaiting)
	fmt.Fprintf(tw, "processes\t%d\n", len(st.Processes))
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(st.Processes) == 0 {
		return nil
	}
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nPROCESS\tHOST\tPID\tIN FLIGHT\tTAKEN\tSTARTED\tOUTPUT")
	for _, p := range st.Processes {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", p.ID, p.Hostname, p.PID, p.InFlight, p.Taken,
			p.Started.Local().Format(time.DateTime), p.Output)
	}
	return tw.Flush()
}
