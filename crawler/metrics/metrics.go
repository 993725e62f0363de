package metrics

import (
	"fmt"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"arkisto/config"
)

const namespace = "arkisto"

// Buckets suited to web pages: most fetches take tens to hundreds of
// milliseconds and most bodies are kilobytes, but a slow host may take up
// to the 60 s default timeout and a video up to the 100 MiB body limit.
var (
	durationBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}
	sizeBuckets     = append(prometheus.ExponentialBuckets(1<<10, 4, 9), 100<<20) // 1 KiB .. 64 MiB, 100 MiB
	// Politeness gaps run from the configured delay (1 s by default) up to
	// long Crawl-delay and back-off values.
	waitBuckets = []float64{.1, .25, .5, 1, 2, 5, 10, 30, 60, 120, 300, 600}
)

// Metrics holds every collector a crawl updates. Its methods are safe for
// concurrent use, and do nothing on a nil *Metrics so a crawler built
// without metrics needs no checks at its call sites.
type Metrics struct {
	fetches        *prometheus.CounterVec // by discovery source
	responses      *prometheus.CounterVec // by code and class
	fetchErrors    *prometheus.CounterVec // by kind
	downloaded     prometheus.Counter     // wire bytes
	fetchDuration  prometheus.Histogram
	responseSize   prometheus.Histogram
	records        *prometheus.CounterVec // by WARC-Type
	warcBytes      prometheus.Counter     // compressed record bytes on disk
	filesClosed    prometheus.Counter
	filesBytes     prometheus.Counter // sizes of the closed files
	openFileSize   prometheus.Gauge
	robots         *prometheus.CounterVec // by outcome
	politenessWait prometheus.Histogram
	refused        *prometheus.CounterVec // by reason
	startTime      *prometheus.GaugeVec   // by crawl_job
	buildInfo      *prometheus.GaugeVec   // by version, goversion
}

// New creates the crawl's collectors and registers them on reg, together
// with the Go runtime and process collectors. job is the crawl job's name
// and start the time it started; both go into
// arkisto_crawl_start_time_seconds. The crawl job is a label named
// crawl_job rather than job, because job is the label Prometheus gives
// every scraped target and the Pushgateway's grouping key: a pushed metric
// carrying its own job label is refused.
func New(reg prometheus.Registerer, job string, start time.Time) (*Metrics, error) {
	m := &Metrics{
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "fetches_total",
			Help: "Fetches attempted, whatever their outcome, by how the URL was discovered.",
		}, []string{"source"}),
		responses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "fetch", Name: "responses_total",
			Help: `HTTP responses received, by status code (common codes only, else "other") and class.`,
		}, []string{"code", "class"}),
		fetchErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "fetch", Name: "errors_total",
			Help: "Fetches that failed or were cut short, by error kind.",
		}, []string{"kind"}),
		downloaded: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "fetch", Name: "downloaded_bytes_total",
			Help: "Response bytes received on the wire, headers and encodings included.",
		}),
		fetchDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "fetch", Name: "duration_seconds",
			Help:    "Time from sending a request to the end of its response.",
			Buckets: durationBuckets,
		}),
		responseSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "fetch", Name: "response_size_bytes",
			Help:    "Size of each HTTP response as received on the wire.",
			Buckets: sizeBuckets,
		}),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "warc", Name: "records_total",
			Help: "WARC records written, by WARC-Type (revisits included).",
		}, []string{"type"}),
		warcBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "warc", Name: "written_bytes_total",
			Help: "Bytes of WARC records written to disk, after compression.",
		}),
		filesClosed: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "warc", Name: "files_closed_total",
			Help: "WARC files completed (closed and renamed from .open).",
		}),
		filesBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "warc", Name: "files_closed_bytes_total",
			Help: "Total size on disk of the completed WARC files.",
		}),
		openFileSize: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "warc", Name: "open_file_size_bytes",
			Help: "Size on disk of the WARC file being written.",
		}),
		robots: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "robots", Name: "fetches_total",
			Help: "robots.txt fetches by what they meant for the host.",
		}, []string{"outcome"}),
		politenessWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "politeness", Name: "wait_seconds",
			Help:    "Gap politeness imposed on a host before its next fetch (delay, Crawl-delay or back-off).",
			Buckets: waitBuckets,
		}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "urls", Name: "refused_total",
			Help: "Discovered URLs not queued, by reason.",
		}, []string{"reason"}),
		startTime: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "crawl", Name: "start_time_seconds",
			Help: "Start of the crawl job, in seconds since the Unix epoch.",
		}, []string{"crawl_job"}),
		buildInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Name: "build_info",
			Help: "Always 1; the labels name the arkisto version and the Go version it was built with.",
		}, []string{"version", "goversion"}),
	}
	m.startTime.WithLabelValues(job).Set(float64(start.UnixNano()) / 1e9)
	m.buildInfo.WithLabelValues(config.Version, runtime.Version()).Set(1)
	m.initSeries()

	all := []prometheus.Collector{
		m.fetches, m.responses, m.fetchErrors, m.downloaded, m.fetchDuration, m.responseSize,
		m.records, m.warcBytes, m.filesClosed, m.filesBytes, m.openFileSize,
		m.robots, m.politenessWait, m.refused, m.startTime, m.buildInfo,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	}
	for _, c := range all {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register crawl metrics: %w", err)
		}
	}
	return m, nil
}

// initSeries creates every labelled series at zero: a series that appears
// only at its first increment makes rate() miss that increment, and the
// dashboard would show no line for a kind that has not happened yet.
func (m *Metrics) initSeries() {
	for _, s := range sources {
		m.fetches.WithLabelValues(s)
	}
	for _, c := range commonCodes {
		code, class := statusLabels(c)
		m.responses.WithLabelValues(code, class)
	}
	for _, k := range errorKinds {
		m.fetchErrors.WithLabelValues(k)
	}
	for _, t := range recordTypes {
		m.records.WithLabelValues(t)
	}
	for _, o := range robotsOutcomes {
		m.robots.WithLabelValues(o)
	}
	for _, r := range refusalReasons {
		m.refused.WithLabelValues(r)
	}
}
