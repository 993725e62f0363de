package metrics

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"arkisto/crawler/frontier"
)

// runDurationBuckets span a front page refreshed in seconds to a full
// site crawl of many hours.
var runDurationBuckets = []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400}

// Daemon holds the collectors of arkisto serve, registered once for the
// daemon's whole life: the crawl metrics of every run, labelled by
// crawl_job (not job, which Prometheus sets on every scraped target), and
// per-job run metrics. Runs never register collectors of their own, so a
// job run a thousand times costs no more than one run.
type Daemon struct {
	crawl       *crawlVecs
	lastSuccess *prometheus.GaugeVec
	interval    *prometheus.GaugeVec
	running     *prometheus.GaugeVec
	runs        *prometheus.CounterVec
	runDuration *prometheus.HistogramVec
	frontiers   *jobFrontiers
	outcomes    []string // the values of the outcome label

	mu   sync.Mutex
	jobs map[string]*Metrics
}

// NewDaemon creates the daemon's collectors and registers them on reg.
// outcomes are the values of the run metrics' outcome label: the ways a
// run can end, which the scheduler owns.
func NewDaemon(reg prometheus.Registerer, outcomes []string) (*Daemon, error) {
	d := &Daemon{
		outcomes: outcomes,
		crawl:    newCrawlVecs([]string{"crawl_job"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "job", Name: "last_success_timestamp_seconds",
			Help: "Start of the job's last successful run, in seconds since the Unix epoch; 0 before its first.",
		}, []string{"crawl_job"}),
		interval: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "job", Name: "interval_seconds",
			Help: "Time between the job's next two scheduled runs.",
		}, []string{"crawl_job"}),
		running: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "job", Name: "running",
			Help: "1 while a run of the job is going on, else 0.",
		}, []string{"crawl_job"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "job", Name: "runs_total",
			Help: "Runs ended, by outcome: " + strings.Join(outcomes, ", ") + ".",
		}, []string{"crawl_job", "outcome"}),
		runDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "job", Name: "run_duration_seconds",
			Help:    "Wall time of each run, by outcome.",
			Buckets: runDurationBuckets,
		}, []string{"crawl_job", "outcome"}),
		frontiers: newJobFrontiers(),
		jobs:      map[string]*Metrics{},
	}
	if err := d.crawl.register(reg); err != nil {
		return nil, err
	}
	for _, c := range []prometheus.Collector{d.lastSuccess, d.interval, d.running, d.runs, d.runDuration, d.frontiers} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register daemon metrics: %w", err)
		}
	}
	return d, nil
}

// AddJob creates the job's series at zero, so alerts and rate() see them
// from the first scrape, and records its schedule's interval.
func (d *Daemon) AddJob(job string, interval time.Duration) {
	d.ForJob(job)
	d.lastSuccess.WithLabelValues(job)
	d.interval.WithLabelValues(job).Set(interval.Seconds())
	d.running.WithLabelValues(job)
	for _, o := range d.outcomes {
		d.runs.WithLabelValues(job, o)
		d.runDuration.WithLabelValues(job, o)
	}
}

// ForJob returns the crawl metrics of job's runs: the daemon's collectors
// curried by crawl_job. Every run of a job shares them.
func (d *Daemon) ForJob(job string) *Metrics {
	d.mu.Lock()
	defer d.mu.Unlock()
	m, ok := d.jobs[job]
	if !ok {
		m = d.crawl.bind(prometheus.Labels{"crawl_job": job})
		d.jobs[job] = m
	}
	return m
}

// RunStarted notes a run of job starting at start, whose frontier sizes
// stats reports until RunEnded.
func (d *Daemon) RunStarted(job string, start time.Time, stats func() frontier.Stats) {
	d.crawl.startTime.WithLabelValues(job).Set(unixSeconds(start))
	d.running.WithLabelValues(job).Set(1)
	d.frontiers.set(job, stats)
}

// RunEnded counts a run of job that started at start and ended at end
// with outcome, one of those given to NewDaemon.
func (d *Daemon) RunEnded(job, outcome string, start, end time.Time) {
	outcome = bounded(d.outcomes, outcome)
	d.frontiers.set(job, nil)
	d.running.WithLabelValues(job).Set(0)
	d.runs.WithLabelValues(job, outcome).Inc()
	d.runDuration.WithLabelValues(job, outcome).Observe(end.Sub(start).Seconds())
}

// SetLastSuccess sets the start of job's last successful run: when one
// ends, and when it is read back from the run history at startup.
func (d *Daemon) SetLastSuccess(job string, start time.Time) {
	d.lastSuccess.WithLabelValues(job).Set(unixSeconds(start))
}

// jobFrontiers exports the frontier sizes of the runs going on, with a
// crawl_job label; a job with no run has no frontier series.
type jobFrontiers struct {
	metrics []frontierMetric

	mu    sync.Mutex
	stats map[string]func() frontier.Stats
}

func newJobFrontiers() *jobFrontiers {
	return &jobFrontiers{metrics: frontierMetrics([]string{"crawl_job"}), stats: map[string]func() frontier.Stats{}}
}

func (f *jobFrontiers) set(job string, stats func() frontier.Stats) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if stats == nil {
		delete(f.stats, job)
		return
	}
	f.stats[job] = stats
}

func (f *jobFrontiers) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range f.metrics {
		ch <- m.desc
	}
}

func (f *jobFrontiers) Collect(ch chan<- prometheus.Metric) {
	f.mu.Lock()
	snapshot := make(map[string]frontier.Stats, len(f.stats))
	for job, stats := range f.stats {
		snapshot[job] = stats()
	}
	f.mu.Unlock()
	for job, s := range snapshot {
		for _, m := range f.metrics {
			metric, err := prometheus.NewConstMetric(m.desc, m.kind, float64(m.value(s)), job)
			if err != nil {
				metric = prometheus.NewInvalidMetric(m.desc, err)
			}
			ch <- metric
		}
	}
}
