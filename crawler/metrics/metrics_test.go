package metrics

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"arkisto/config"
	"arkisto/crawler/capture"
	"arkisto/crawler/robots"
	"arkisto/warc"
)

var testStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func newTestMetrics(t *testing.T) (*Metrics, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := New(reg, "news", testStart)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m, reg
}

// histogramOf returns a histogram's sample count and sum.
func histogramOf(t *testing.T, h prometheus.Histogram) (uint64, float64) {
	t.Helper()
	var out dto.Metric
	if err := h.Write(&out); err != nil {
		t.Fatalf("read histogram: %v", err)
	}
	return out.GetHistogram().GetSampleCount(), out.GetHistogram().GetSampleSum()
}

func TestNewExportsIdentity(t *testing.T) {
	_, reg := newTestMetrics(t)
	want := fmt.Sprintf(`
# HELP arkisto_build_info Always 1; the labels name the arkisto version and the Go version it was built with.
# TYPE arkisto_build_info gauge
arkisto_build_info{goversion=%q,version=%q} 1
# HELP arkisto_crawl_start_time_seconds Start of the crawl job, in seconds since the Unix epoch.
# TYPE arkisto_crawl_start_time_seconds gauge
arkisto_crawl_start_time_seconds{crawl_job="news"} %d
`, runtime.Version(), config.Version, testStart.Unix())
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"arkisto_build_info", "arkisto_crawl_start_time_seconds"); err != nil {
		t.Error(err)
	}
}

func TestNewRegistersRuntimeCollectors(t *testing.T) {
	_, reg := newTestMetrics(t)
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes", "process_start_time_seconds"} {
		t.Run(name, func(t *testing.T) {
			n, err := testutil.GatherAndCount(reg, name)
			if err != nil || n != 1 {
				t.Errorf("GatherAndCount(%s) = %d, %v; want 1 series", name, n, err)
			}
		})
	}
}

func TestNewTwiceOnOneRegistryFails(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := New(reg, "a", testStart); err != nil {
		t.Fatal(err)
	}
	_, err := New(reg, "b", testStart)
	var are prometheus.AlreadyRegisteredError
	if !errors.As(err, &are) {
		t.Fatalf("second New on one registry: err = %v, want AlreadyRegisteredError", err)
	}
}

func TestObserveFetch(t *testing.T) {
	tests := []struct {
		name      string
		fetch     Fetch
		source    string
		code      string // "" when no response is counted
		class     string
		kind      string // "" when no error is counted
		wire      float64
		durations uint64
	}{
		{"ok page", Fetch{Status: 200, WireBytes: 5000, Duration: 80 * time.Millisecond, Source: "link"}, "link", "200", "2xx", "", 5000, 1},
		{"not found", Fetch{Status: 404, WireBytes: 300, Duration: time.Millisecond, Source: "embed"}, "embed", "404", "4xx", "", 300, 1},
		{"uncommon code", Fetch{Status: 418, WireBytes: 10, Duration: time.Millisecond, Source: "seed"}, "seed", "other", "4xx", "", 10, 1},
		{"out of range code", Fetch{Status: 999, WireBytes: 10, Duration: time.Millisecond, Source: "seed"}, "seed", "other", "other", "", 10, 1},
		{"dns failure", Fetch{ErrorKind: "dns", Source: "redirect"}, "redirect", "", "", "dns", 0, 0},
		{"timeout after a while", Fetch{ErrorKind: "timeout", Duration: 60 * time.Second, Source: "sitemap"}, "sitemap", "", "", "timeout", 0, 1},
		{"truncated body", Fetch{Status: 200, ErrorKind: "too-large", WireBytes: 100 << 20, Duration: 3 * time.Second, Source: "feed"}, "feed", "200", "2xx", "too-large", 100 << 20, 1},
		{"unknown kind and source", Fetch{ErrorKind: "martian", Source: "telepathy"}, "other", "", "", "other", 0, 0},
		{"no such host", Fetch{ErrorKind: capture.KindNoSuchHost, Source: "embed"}, "embed", "", "", "no-such-host", 0, 0},
		{"blocked by the dial guard", Fetch{ErrorKind: capture.KindBlocked, Source: "link"}, "link", "", "", "blocked", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := newTestMetrics(t)
			m.ObserveFetch(tt.fetch)
			if got := testutil.ToFloat64(m.fetches.WithLabelValues(tt.source)); got != 1 {
				t.Errorf("fetches{source=%q} = %v, want 1", tt.source, got)
			}
			if got := sumVec(t, m.fetches); got != 1 {
				t.Errorf("fetches over all sources = %v, want 1", got)
			}
			wantResponses := 0.0
			if tt.code != "" {
				wantResponses = 1
				if got := testutil.ToFloat64(m.responses.WithLabelValues(tt.code, tt.class)); got != 1 {
					t.Errorf("responses{code=%q,class=%q} = %v, want 1", tt.code, tt.class, got)
				}
			}
			if got := sumVec(t, m.responses); got != wantResponses {
				t.Errorf("responses over all codes = %v, want %v", got, wantResponses)
			}
			wantErrors := 0.0
			if tt.kind != "" {
				wantErrors = 1
				if got := testutil.ToFloat64(m.fetchErrors.WithLabelValues(tt.kind)); got != 1 {
					t.Errorf("errors{kind=%q} = %v, want 1", tt.kind, got)
				}
			}
			if got := sumVec(t, m.fetchErrors); got != wantErrors {
				t.Errorf("errors over all kinds = %v, want %v", got, wantErrors)
			}
			if got := testutil.ToFloat64(m.downloaded); got != tt.wire {
				t.Errorf("downloaded bytes = %v, want %v", got, tt.wire)
			}
			if n, sum := histogramOf(t, m.fetchDuration); n != tt.durations || sum != tt.fetch.Duration.Seconds() {
				t.Errorf("duration histogram = %d samples, sum %v; want %d, %v", n, sum, tt.durations, tt.fetch.Duration.Seconds())
			}
			if n, sum := histogramOf(t, m.responseSize); n != uint64(wantResponses) || sum != float64(tt.fetch.WireBytes)*wantResponses {
				t.Errorf("size histogram = %d samples, sum %v; want %v, %v", n, sum, wantResponses, tt.fetch.WireBytes)
			}
		})
	}
}

// sumVec adds up every series of a counter vector.
func sumVec(t *testing.T, v *prometheus.CounterVec) float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 64)
	go func() { v.Collect(ch); close(ch) }()
	total := 0.0
	for m := range ch {
		var out dto.Metric
		if err := m.Write(&out); err != nil {
			t.Fatalf("read counter: %v", err)
		}
		total += out.GetCounter().GetValue()
	}
	return total
}

func TestFetchDurationBuckets(t *testing.T) {
	m, _ := newTestMetrics(t)
	for _, d := range []time.Duration{3 * time.Millisecond, 40 * time.Millisecond, 2 * time.Second, 90 * time.Second} {
		m.ObserveFetch(Fetch{Status: 200, WireBytes: 2048, Duration: d, Source: "link"})
	}
	want := `
# HELP arkisto_fetch_duration_seconds Time from sending a request to the end of its response.
# TYPE arkisto_fetch_duration_seconds histogram
arkisto_fetch_duration_seconds_bucket{le="0.005"} 1
arkisto_fetch_duration_seconds_bucket{le="0.01"} 1
arkisto_fetch_duration_seconds_bucket{le="0.025"} 1
arkisto_fetch_duration_seconds_bucket{le="0.05"} 2
arkisto_fetch_duration_seconds_bucket{le="0.1"} 2
arkisto_fetch_duration_seconds_bucket{le="0.25"} 2
arkisto_fetch_duration_seconds_bucket{le="0.5"} 2
arkisto_fetch_duration_seconds_bucket{le="1"} 2
arkisto_fetch_duration_seconds_bucket{le="2.5"} 3
arkisto_fetch_duration_seconds_bucket{le="5"} 3
arkisto_fetch_duration_seconds_bucket{le="10"} 3
arkisto_fetch_duration_seconds_bucket{le="30"} 3
arkisto_fetch_duration_seconds_bucket{le="60"} 3
arkisto_fetch_duration_seconds_bucket{le="+Inf"} 4
arkisto_fetch_duration_seconds_sum 92.043
arkisto_fetch_duration_seconds_count 4
`
	if err := testutil.CollectAndCompare(m.fetchDuration, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

func TestResponseSizeBuckets(t *testing.T) {
	m, _ := newTestMetrics(t)
	for _, size := range []int64{500, 30 << 10, 100 << 20, 200 << 20} {
		m.ObserveFetch(Fetch{Status: 200, WireBytes: size, Duration: time.Millisecond})
	}
	want := `
# HELP arkisto_fetch_response_size_bytes Size of each HTTP response as received on the wire.
# TYPE arkisto_fetch_response_size_bytes histogram
arkisto_fetch_response_size_bytes_bucket{le="1024"} 1
arkisto_fetch_response_size_bytes_bucket{le="4096"} 1
arkisto_fetch_response_size_bytes_bucket{le="16384"} 1
arkisto_fetch_response_size_bytes_bucket{le="65536"} 2
arkisto_fetch_response_size_bytes_bucket{le="262144"} 2
arkisto_fetch_response_size_bytes_bucket{le="1.048576e+06"} 2
arkisto_fetch_response_size_bytes_bucket{le="4.194304e+06"} 2
arkisto_fetch_response_size_bytes_bucket{le="1.6777216e+07"} 2
arkisto_fetch_response_size_bytes_bucket{le="6.7108864e+07"} 2
arkisto_fetch_response_size_bytes_bucket{le="1.048576e+08"} 3
arkisto_fetch_response_size_bytes_bucket{le="+Inf"} 4
arkisto_fetch_response_size_bytes_sum 3.1460402e+08
arkisto_fetch_response_size_bytes_count 4
`
	if err := testutil.CollectAndCompare(m.responseSize, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

func TestObserveRecord(t *testing.T) {
	m, _ := newTestMetrics(t)
	for _, w := range []warc.Written{
		{Type: "request", Length: 300},
		{Type: "response", Length: 4000},
		{Type: "response", Length: 1000},
		{Type: "revisit", Length: 500},
		{Type: "warcinfo", Length: 0},
		{Type: "bogus", Length: 7},
	} {
		m.ObserveRecord(w)
	}
	for typ, want := range map[string]float64{"request": 1, "response": 2, "revisit": 1, "warcinfo": 1, "metadata": 0, "other": 1} {
		t.Run(typ, func(t *testing.T) {
			if got := testutil.ToFloat64(m.records.WithLabelValues(typ)); got != want {
				t.Errorf("records{type=%q} = %v, want %v", typ, got, want)
			}
		})
	}
	if got := testutil.ToFloat64(m.warcBytes); got != 5807 {
		t.Errorf("written bytes = %v, want 5807", got)
	}
}

func TestWARCFiles(t *testing.T) {
	m, _ := newTestMetrics(t)
	m.SetWARCFileSize(1 << 20)
	m.WARCFileClosed(1 << 30)
	m.WARCFileClosed(2000)
	m.SetWARCFileSize(512)
	checks := []struct {
		name string
		c    prometheus.Collector
		want float64
	}{
		{"files closed", m.filesClosed, 2},
		{"closed bytes", m.filesBytes, 1<<30 + 2000},
		{"open file size", m.openFileSize, 512},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if got := testutil.ToFloat64(c.c); got != c.want {
				t.Errorf("%s = %v, want %v", c.name, got, c.want)
			}
		})
	}
}

func TestObserveRobots(t *testing.T) {
	m, _ := newTestMetrics(t)
	for _, o := range []robots.Outcome{robots.OutcomeFetched, robots.OutcomeFetched, robots.OutcomeAllowAll,
		robots.OutcomeUnreachable, robots.OutcomeBlocked, "weird"} {
		m.ObserveRobots(o)
	}
	// blocked was once missing from the label set and counted as other.
	want := `
# HELP arkisto_robots_fetches_total robots.txt fetches by what they meant for the host.
# TYPE arkisto_robots_fetches_total counter
arkisto_robots_fetches_total{outcome="4xx-allow-all"} 1
arkisto_robots_fetches_total{outcome="5xx-disallow"} 0
arkisto_robots_fetches_total{outcome="blocked"} 1
arkisto_robots_fetches_total{outcome="fetched-2xx"} 2
arkisto_robots_fetches_total{outcome="other"} 1
arkisto_robots_fetches_total{outcome="unreachable"} 1
`
	if err := testutil.CollectAndCompare(m.robots, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

func TestPolitenessWait(t *testing.T) {
	m, _ := newTestMetrics(t)
	m.PolitenessWait(time.Second)
	m.PolitenessWait(1500 * time.Millisecond)
	m.PolitenessWait(-time.Second) // a ready time already past waits nothing
	if n, sum := histogramOf(t, m.politenessWait); n != 3 || sum != 2.5 {
		t.Errorf("politeness histogram = %d samples, sum %v; want 3, 2.5", n, sum)
	}
}

func TestRefused(t *testing.T) {
	m, _ := newTestMetrics(t)
	for _, r := range []string{"out-of-scope", "out-of-scope", "trap:calendar", "trap:repeats", "robots-denied", "unsupported-scheme", "no-such-host", "excluded", "because"} {
		m.Refused(r)
	}
	want := `
# HELP arkisto_urls_refused_total Discovered URLs not queued, by reason.
# TYPE arkisto_urls_refused_total counter
arkisto_urls_refused_total{reason="blocked"} 0
arkisto_urls_refused_total{reason="excluded"} 1
arkisto_urls_refused_total{reason="host-budget"} 0
arkisto_urls_refused_total{reason="host-given-up"} 0
arkisto_urls_refused_total{reason="malformed-url"} 0
arkisto_urls_refused_total{reason="max-depth"} 0
arkisto_urls_refused_total{reason="no-such-host"} 1
arkisto_urls_refused_total{reason="other"} 1
arkisto_urls_refused_total{reason="out-of-scope"} 2
arkisto_urls_refused_total{reason="robots-denied"} 1
arkisto_urls_refused_total{reason="too-many-redirects"} 0
arkisto_urls_refused_total{reason="trap"} 2
arkisto_urls_refused_total{reason="unsupported-scheme"} 1
`
	if err := testutil.CollectAndCompare(m.refused, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

// A crawler built without metrics holds a nil *Metrics and calls it anyway.
func TestNilMetricsIsANoOp(t *testing.T) {
	var m *Metrics
	m.ObserveFetch(Fetch{Status: 200})
	m.ObserveRecord(warc.Written{Type: "response"})
	m.WARCFileClosed(1)
	m.SetWARCFileSize(1)
	m.ObserveRobots(robots.OutcomeFetched)
	m.PolitenessWait(time.Second)
	m.Refused("trap")
}

func TestStatusLabels(t *testing.T) {
	tests := []struct {
		status      int
		code, class string
	}{
		{200, "200", "2xx"}, {206, "206", "2xx"}, {304, "304", "3xx"}, {308, "308", "3xx"},
		{429, "429", "4xx"}, {504, "504", "5xx"}, {100, "other", "1xx"}, {201, "other", "2xx"},
		{599, "other", "5xx"}, {600, "other", "other"}, {99, "other", "other"}, {-1, "other", "other"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			code, class := statusLabels(tt.status)
			if code != tt.code || class != tt.class {
				t.Errorf("statusLabels(%d) = %q, %q; want %q, %q", tt.status, code, class, tt.code, tt.class)
			}
		})
	}
}
