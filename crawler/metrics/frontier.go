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

func (c *frontierCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, m := range c.metrics {
		ch <- m.desc
	}
}

// Collect takes one snapshot so the values of a scrape agree with each other.
func (c *frontierCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	for _, m := range c.metrics {
		metric, err := prometheus.NewConstMetric(m.desc, m.kind, float64(m.value(s)))
		if err != nil {
			metric = prometheus.NewInvalidMetric(m.desc, err)
		}
		ch <- metric
	}
}
