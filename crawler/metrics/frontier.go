package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"arkisto/crawler/frontier"
)

// frontierCollector reads the frontier's sizes when Prometheus scrapes,
// so the crawler never has to remember to update them and they are never
// staler than the scrape.
type frontierCollector struct {
	stats   func() frontier.Stats
	metrics []frontierMetric
}

type frontierMetric struct {
	desc  *prometheus.Desc
	kind  prometheus.ValueType
	value func(frontier.Stats) int
}

// FrontierCollector exports the frontier's sizes, read from stats at each
// scrape. Register it on the registry given to New:
//
//	reg.MustRegister(metrics.FrontierCollector(fr.Stats))
//
// URLs seen only ever grows, so it is a counter
// (arkisto_frontier_seen_urls_total); the rest are gauges.
func FrontierCollector(stats func() frontier.Stats) prometheus.Collector {
	return &frontierCollector{stats: stats, metrics: frontierMetrics(nil)}
}

// frontierMetrics lists the frontier's metrics with the given label names:
// none for one crawl, crawl_job under arkisto serve.
func frontierMetrics(labels []string) []frontierMetric {
	metric := func(n, help string, kind prometheus.ValueType, value func(frontier.Stats) int) frontierMetric {
		desc := prometheus.NewDesc(prometheus.BuildFQName(namespace, "frontier", n), help, labels, nil)
		return frontierMetric{desc: desc, kind: kind, value: value}
	}
	return []frontierMetric{
		metric("queued_urls", "URLs waiting in the frontier.",
			prometheus.GaugeValue, func(s frontier.Stats) int { return s.Queued }),
		metric("seen_urls_total", "URLs ever accepted into the frontier.",
			prometheus.CounterValue, func(s frontier.Stats) int { return s.Seen }),
		metric("hosts", "Hosts known to the frontier.",
			prometheus.GaugeValue, func(s frontier.Stats) int { return s.Hosts }),
		metric("hosts_ready", "Hosts with URLs that may be fetched now.",
			prometheus.GaugeValue, func(s frontier.Stats) int { return s.HostsReady }),
		metric("hosts_waiting", "Hosts with URLs held back by politeness or back-off.",
			prometheus.GaugeValue, func(s frontier.Stats) int { return s.HostsWaiting }),
		metric("fetches_in_flight", "URLs handed out for fetching and not yet done.",
			prometheus.GaugeValue, func(s frontier.Stats) int { return s.InFlight }),
	}
}

// SharedFrontierCollector exports the sizes of a frontier shared by the
// processes of crawl job (a Redis frontier), read from stats at each
// scrape: the metrics of FrontierCollector, which every process of the
// crawl reports alike, labelled crawl_job so that a dashboard takes one
// value per crawl rather than adding up the processes; the processes at
// work (arkisto_frontier_processes); and the round trips to Redis this
// process made (arkisto_frontier_redis_round_trips_total, its own).
func SharedFrontierCollector(job string, stats func() frontier.Stats, roundTrips func() int64) prometheus.Collector {
	labels := []string{"crawl_job"}
	ms := append(frontierMetrics(labels), frontierMetric{
		desc: prometheus.NewDesc(prometheus.BuildFQName(namespace, "frontier", "processes"),
			"Processes working on the shared crawl: those whose heartbeat in Redis is current.", labels, nil),
		kind:  prometheus.GaugeValue,
		value: func(s frontier.Stats) int { return s.Processes },
	})
	return &sharedFrontierCollector{
		frontier: frontierCollector{stats: stats, metrics: ms},
		job:      job,
		trips:    prometheus.NewDesc(prometheus.BuildFQName(namespace, "frontier", "redis_round_trips_total"), "Round trips this process made to the Redis of the shared frontier.", nil, nil),
		count:    roundTrips,
	}
}

type sharedFrontierCollector struct {
	frontier frontierCollector
	job      string
	trips    *prometheus.Desc
	count    func() int64
}

func (c *sharedFrontierCollector) Describe(ch chan<- *prometheus.Desc) {
	c.frontier.Describe(ch)
	ch <- c.trips
}

func (c *sharedFrontierCollector) Collect(ch chan<- prometheus.Metric) {
	c.frontier.collect(ch, c.job)
	ch <- prometheus.MustNewConstMetric(c.trips, prometheus.CounterValue, float64(c.count()))
}

func (c *frontierCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range c.metrics {
		ch <- m.desc
	}
}

// Collect takes one snapshot so the values of a scrape agree with each other.
func (c *frontierCollector) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }

// collect sends the metrics of one snapshot, with the label values given.
func (c *frontierCollector) collect(ch chan<- prometheus.Metric, labels ...string) {
	s := c.stats()
	for _, m := range c.metrics {
		metric, err := prometheus.NewConstMetric(m.desc, m.kind, float64(m.value(s)), labels...)
		if err != nil {
			metric = prometheus.NewInvalidMetric(m.desc, err)
		}
		ch <- metric
	}
}
