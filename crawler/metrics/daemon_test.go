package metrics

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"arkisto/crawler/frontier"
)

// The daemon's registry passes promtool's lint, and each run's crawl
// metrics land on the job's own series of the shared collectors.
func TestDaemonMetrics(t *testing.T) {
	reg, err := daemonRegistry()
	if err != nil {
		t.Fatal(err)
	}
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	want := `
# HELP arkisto_fetches_total Fetches attempted, whatever their outcome, by how the URL was discovered.
# TYPE arkisto_fetches_total counter
arkisto_fetches_total{crawl_job="news",source="seed"} 1
# HELP arkisto_frontier_fetches_in_flight URLs handed out for fetching and not yet done.
# TYPE arkisto_frontier_fetches_in_flight gauge
arkisto_frontier_fetches_in_flight{crawl_job="news"} 1
# HELP arkisto_job_interval_seconds Time between the job's next two scheduled runs.
# TYPE arkisto_job_interval_seconds gauge
arkisto_job_interval_seconds{crawl_job="news"} 3600
# HELP arkisto_job_last_success_timestamp_seconds Start of the job's last successful run, in seconds since the Unix epoch; 0 before its first.
# TYPE arkisto_job_last_success_timestamp_seconds gauge
arkisto_job_last_success_timestamp_seconds{crawl_job="news"} ` + fmt.Sprint(float64(testStart.Unix())) + `
# HELP arkisto_job_running 1 while a run of the job is going on, else 0.
# TYPE arkisto_job_running gauge
arkisto_job_running{crawl_job="news"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "arkisto_job_interval_seconds", "arkisto_job_last_success_timestamp_seconds",
		"arkisto_job_running", "arkisto_frontier_fetches_in_flight"); err != nil {
		t.Error(err)
	}
	if got := testutil.ToFloat64(newTestDaemon(t).ForJob("x").downloaded); got != 0 {
		t.Errorf("fresh job downloaded = %v", got)
	}
}

// A second job, and the same job asked for again, share the collectors:
// nothing is registered per run.
func TestDaemonForJobSharesCollectors(t *testing.T) {
	d := newTestDaemon(t)
	a1, a2, b := d.ForJob("a"), d.ForJob("a"), d.ForJob("b")
	if a1 != a2 {
		t.Error("ForJob returned two Metrics for one job")
	}
	a1.ObserveFetch(Fetch{Status: 200, WireBytes: 10, Source: "link"})
	b.ObserveFetch(Fetch{Status: 404, WireBytes: 5, Source: "link"})
	if got := testutil.ToFloat64(d.crawl.downloaded.WithLabelValues("a")); got != 10 {
		t.Errorf("downloaded{crawl_job=a} = %v, want 10", got)
	}
	d.RunStarted("b", testStart, func() frontier.Stats { return frontier.Stats{} })
	d.RunEnded("b", "timed-out", testStart, testStart.Add(90*time.Second))
	if got := testutil.ToFloat64(d.runs.WithLabelValues("b", "timed-out")); got != 1 {
		t.Errorf("runs{b,timed-out} = %v, want 1", got)
	}
	if got := testutil.ToFloat64(d.lastSuccess.WithLabelValues("b")); got != 0 {
		t.Errorf("a timed-out run set the last success to %v", got)
	}
	if n := testutil.CollectAndCount(d.frontiers); n != 0 {
		t.Errorf("%d frontier series with no run going on, want 0", n)
	}
}

func newTestDaemon(t *testing.T) *Daemon {
	t.Helper()
	d, err := NewDaemon(prometheus.NewPedanticRegistry(), testOutcomes)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
