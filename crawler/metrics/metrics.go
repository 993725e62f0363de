package metrics

import (
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"arkisto/config"
	"arkisto/crawler/capture"
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
// without metrics needs no checks at its call sites. Under arkisto serve
// each job gets a Metrics whose collectors are the daemon's, curried by
// crawl_job (see Daemon.ForJob).
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
	unavailable    prometheus.Gauge       // 1 while a shared frontier's Redis does not answer
	pauses         prometheus.Counter     // times the workers paused for it
}

// New creates the crawl's collectors and registers them on reg, together
// with the Go runtime and process collectors. job is the crawl job's name
// and start the time it started; both go into
// arkisto_crawl_start_time_seconds. The crawl job is a label named
// crawl_job rather than job, because job is the label Prometheus gives
// every scraped target and the Pushgateway's grouping key: a pushed metric
// carrying its own job label is refused.
func New(reg prometheus.Registerer, job string, start time.Time) (*Metrics, error) {
	v := newCrawlVecs(nil)
	if err := v.register(reg); err != nil {
		return nil, err
	}
	v.startTime.WithLabelValues(job).Set(unixSeconds(start))
	return v.bind(prometheus.Labels{}), nil
}

// crawlVecs are a crawl's collectors, each with the extra label names
// first: none for a one-shot crawl, crawl_job for the daemon, whose
// collectors live as long as it does and are shared by every run.
type crawlVecs struct {
	fetches, responses, fetchErrors, downloaded *prometheus.CounterVec
	records, warcBytes, filesClosed, filesBytes *prometheus.CounterVec
	robots, refused, pauses                     *prometheus.CounterVec
	fetchDuration, responseSize, politenessWait *prometheus.HistogramVec
	openFileSize, unavailable                   *prometheus.GaugeVec
	startTime                                   *prometheus.GaugeVec // by crawl_job, whatever extra says
	buildInfo                                   *prometheus.GaugeVec // by version, goversion
}

func newCrawlVecs(extra []string) *crawlVecs {
	labels := func(names ...string) []string { return append(slices.Clone(extra), names...) }
	counter := func(subsystem, name, help string, names ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Subsystem: subsystem, Name: name, Help: help}, labels(names...))
	}
	histogram := func(subsystem, name, help string, buckets []float64) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Subsystem: subsystem, Name: name, Help: help, Buckets: buckets}, labels())
	}
	v := &crawlVecs{
		fetches:       counter("", "fetches_total", "Fetches attempted, whatever their outcome, by how the URL was discovered.", "source"),
		responses:     counter("fetch", "responses_total", `HTTP responses received, by status code (common codes only, else "other") and class.`, "code", "class"),
		fetchErrors:   counter("fetch", "errors_total", "Fetches that failed or were cut short, by error kind.", "kind"),
		downloaded:    counter("fetch", "downloaded_bytes_total", "Response bytes received on the wire, headers and encodings included."),
		fetchDuration: histogram("fetch", "duration_seconds", "Time from sending a request to the end of its response.", durationBuckets),
		responseSize:  histogram("fetch", "response_size_bytes", "Size of each HTTP response as received on the wire.", sizeBuckets),
		records:       counter("warc", "records_total", "WARC records written, by WARC-Type (revisits included).", "type"),
		warcBytes:     counter("warc", "written_bytes_total", "Bytes of WARC records written to disk, after compression."),
		filesClosed:   counter("warc", "files_closed_total", "WARC files completed (closed and renamed from .open)."),
		filesBytes:    counter("warc", "files_closed_bytes_total", "Total size on disk of the completed WARC files."),
		openFileSize: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "warc", Name: "open_file_size_bytes",
			Help: "Size on disk of the WARC file being written.",
		}, labels()),
		robots: counter("robots", "fetches_total", "robots.txt fetches by what they meant for the host.", "outcome"),
		politenessWait: histogram("politeness", "wait_seconds",
			"Gap politeness imposed on a host before its next fetch (delay, Crawl-delay or back-off).", waitBuckets),
		refused: counter("urls", "refused_total", "Discovered URLs not queued, by reason.", "reason"),
		unavailable: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "frontier", Name: "unavailable",
			Help: "1 while the Redis of a shared frontier does not answer and the workers wait for it, else 0.",
		}, labels()),
		pauses: counter("frontier", "pauses_total", "Times the workers paused because the Redis of a shared frontier stopped answering."),
		startTime: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "crawl", Name: "start_time_seconds",
			Help: "Start of the crawl job, in seconds since the Unix epoch.",
		}, []string{"crawl_job"}),
		buildInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Name: "build_info",
			Help: "Always 1; the labels name the arkisto version and the Go version it was built with.",
		}, []string{"version", "goversion"}),
	}
	v.buildInfo.WithLabelValues(config.Version, runtime.Version()).Set(1)
	return v
}

// register puts the collectors on reg, with the Go runtime and process
// collectors.
func (v *crawlVecs) register(reg prometheus.Registerer) error {
	all := []prometheus.Collector{
		v.fetches, v.responses, v.fetchErrors, v.downloaded, v.fetchDuration, v.responseSize,
		v.records, v.warcBytes, v.filesClosed, v.filesBytes, v.openFileSize,
		v.robots, v.politenessWait, v.refused, v.unavailable, v.pauses, v.startTime, v.buildInfo,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	}
	for _, c := range all {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register crawl metrics: %w", err)
		}
	}
	return nil
}

// bind returns the Metrics whose series carry labels, the values of the
// extra label names.
func (v *crawlVecs) bind(labels prometheus.Labels) *Metrics {
	// HistogramVec.With returns an Observer, but the value behind it is
	// always a Histogram, which the tests read back.
	hist := func(h *prometheus.HistogramVec) prometheus.Histogram { return h.With(labels).(prometheus.Histogram) }
	m := &Metrics{
		fetches:        v.fetches.MustCurryWith(labels),
		responses:      v.responses.MustCurryWith(labels),
		fetchErrors:    v.fetchErrors.MustCurryWith(labels),
		downloaded:     v.downloaded.With(labels),
		fetchDuration:  hist(v.fetchDuration),
		responseSize:   hist(v.responseSize),
		records:        v.records.MustCurryWith(labels),
		warcBytes:      v.warcBytes.With(labels),
		filesClosed:    v.filesClosed.With(labels),
		filesBytes:     v.filesBytes.With(labels),
		openFileSize:   v.openFileSize.With(labels),
		robots:         v.robots.MustCurryWith(labels),
		politenessWait: hist(v.politenessWait),
		refused:        v.refused.MustCurryWith(labels),
		unavailable:    v.unavailable.With(labels),
		pauses:         v.pauses.With(labels),
	}
	m.initSeries()
	return m
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// initSeries creates every labelled series at zero: a series that appears
// only at its first increment makes rate() miss that increment, and the
// dashboard would show no line for a kind that has not happened yet.
func (m *Metrics) initSeries() {
	for _, s := range sources {
		m.fetches.WithLabelValues(string(s))
	}
	for _, c := range commonCodes {
		code, class := statusLabels(c)
		m.responses.WithLabelValues(code, class)
	}
	for _, k := range capture.ErrorKinds() {
		m.fetchErrors.WithLabelValues(string(k))
	}
	for _, t := range recordTypes {
		m.records.WithLabelValues(t)
	}
	for _, o := range robotsOutcomes() {
		m.robots.WithLabelValues(string(o))
	}
	for _, r := range refusalReasons {
		m.refused.WithLabelValues(r)
	}
}
