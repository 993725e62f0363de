package metrics

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"arkisto/crawler/frontier"
)

func TestFrontierCollectorReadsStatsAtScrapeTime(t *testing.T) {
	var calls atomic.Int64
	stats := frontier.Stats{Queued: 120, Seen: 300, Hosts: 4, HostsReady: 1, HostsWaiting: 3, InFlight: 2}
	c := FrontierCollector(func() frontier.Stats { calls.Add(1); return stats })
	want := func(queued, seen string) string {
		return `
# HELP arkisto_frontier_fetches_in_flight URLs handed out for fetching and not yet done.
# TYPE arkisto_frontier_fetches_in_flight gauge
arkisto_frontier_fetches_in_flight 2
# HELP arkisto_frontier_hosts Hosts known to the frontier.
# TYPE arkisto_frontier_hosts gauge
arkisto_frontier_hosts 4
# HELP arkisto_frontier_hosts_ready Hosts with URLs that may be fetched now.
# TYPE arkisto_frontier_hosts_ready gauge
arkisto_frontier_hosts_ready 1
# HELP arkisto_frontier_hosts_waiting Hosts with URLs held back by politeness or back-off.
# TYPE arkisto_frontier_hosts_waiting gauge
arkisto_frontier_hosts_waiting 3
# HELP arkisto_frontier_queued_urls URLs waiting in the frontier.
# TYPE arkisto_frontier_queued_urls gauge
arkisto_frontier_queued_urls ` + queued + `
# HELP arkisto_frontier_seen_urls_total URLs ever accepted into the frontier.
# TYPE arkisto_frontier_seen_urls_total counter
arkisto_frontier_seen_urls_total ` + seen + `
`
	}
	if err := testutil.CollectAndCompare(c, strings.NewReader(want("120", "300"))); err != nil {
		t.Fatal(err)
	}
	stats.Queued, stats.Seen = 7, 310
	if err := testutil.CollectAndCompare(c, strings.NewReader(want("7", "310"))); err != nil {
		t.Fatal(err)
	}
	// One snapshot per scrape keeps the values of one scrape consistent.
	if got := calls.Load(); got != 2 {
		t.Errorf("stats called %d times for 2 scrapes, want 2", got)
	}
}

// The collector works against the real in-memory frontier, not just a stub.
func TestFrontierCollectorOnMemoryFrontier(t *testing.T) {
	fr := frontier.NewMemory(frontier.Options{HostConcurrency: 1})
	defer fr.Close()
	ctx := t.Context()
	for _, u := range []string{"http://a.test/", "http://a.test/x", "http://b.test/"} {
		host := u[:strings.Index(u[7:], "/")+7]
		if _, err := fr.Push(ctx, frontier.Item{URL: u, Host: host, Priority: frontier.Page}); err != nil {
			t.Fatal(err)
		}
	}
	c := FrontierCollector(fr.Stats)
	for name, want := range map[string]float64{
		"arkisto_frontier_queued_urls":     3,
		"arkisto_frontier_seen_urls_total": 3,
		"arkisto_frontier_hosts":           2,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := gatherValue(c, name)
			if err != nil || got != want {
				t.Errorf("%s = %v, %v; want %v", name, got, err, want)
			}
		})
	}
}

// A shared frontier's sizes carry the crawl job, beside the processes at
// work and this process's round trips to Redis.
func TestSharedFrontierCollector(t *testing.T) {
	stats := frontier.Stats{Queued: 50, Seen: 90, Hosts: 3, HostsReady: 2, HostsWaiting: 1, InFlight: 6, Processes: 3}
	c := SharedFrontierCollector("news", func() frontier.Stats { return stats }, func() int64 { return 4321 })
	want := `
# HELP arkisto_frontier_processes Processes working on the shared crawl: those whose heartbeat in Redis is current.
# TYPE arkisto_frontier_processes gauge
arkisto_frontier_processes{crawl_job="news"} 3
# HELP arkisto_frontier_queued_urls URLs waiting in the frontier.
# TYPE arkisto_frontier_queued_urls gauge
arkisto_frontier_queued_urls{crawl_job="news"} 50
# HELP arkisto_frontier_fetches_in_flight URLs handed out for fetching and not yet done.
# TYPE arkisto_frontier_fetches_in_flight gauge
arkisto_frontier_fetches_in_flight{crawl_job="news"} 6
# HELP arkisto_frontier_redis_round_trips_total Round trips this process made to the Redis of the shared frontier.
# TYPE arkisto_frontier_redis_round_trips_total counter
arkisto_frontier_redis_round_trips_total 4321
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "arkisto_frontier_processes",
		"arkisto_frontier_queued_urls", "arkisto_frontier_fetches_in_flight", "arkisto_frontier_redis_round_trips_total"); err != nil {
		t.Fatal(err)
	}
	if n := testutil.CollectAndCount(c); n != 8 {
		t.Errorf("%d series, want the 6 sizes, the processes and the round trips", n)
	}
}
