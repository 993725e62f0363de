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
	name := func(n string) string { return prometheus.BuildFQName(namespace, "frontier", n) }
	return &frontierCollector{stats: stats, metrics: []frontierMetric{
		{prometheus.NewDesc(name("queued_urls"), "URLs waiting in the frontier.", nil, nil),
			prometheus.GaugeValue, func(s frontier.Stats) int { return s.Queued }},
		{prometheus.NewDesc(name("seen_urls_total"), "URLs ever accepted into the frontier.", nil, nil),
			prometheus.CounterValue, func(s frontier.Stats) int { return s.Seen }},
		{prometheus.NewDesc(name("hosts"), "Hosts known to the frontier.", nil, nil),
			prometheus.GaugeValue, func(s frontier.Stats) int { return s.Hosts }},
		{prometheus.NewDesc(name("hosts_ready"), "Hosts with URLs that may be fetched now.", nil, nil),
			prometheus.GaugeValue, func(s frontier.Stats) int { return s.HostsReady }},
		{prometheus.NewDesc(name("hosts_waiting"), "Hosts with URLs held back by politeness or back-off.", nil, nil),
			prometheus.GaugeValue, func(s frontier.Stats) int { return s.HostsWaiting }},
		{prometheus.NewDesc(name("fetches_in_flight"), "URLs handed out for fetching and not yet done.", nil, nil),
			prometheus.GaugeValue, func(s frontier.Stats) int { return s.InFlight }},
	}}
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
