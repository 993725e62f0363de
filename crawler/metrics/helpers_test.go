package metrics

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"arkisto/crawler/frontier"
	"arkisto/crawler/robots"
	"arkisto/warc"
)

// gatherValue gathers c alone and returns the value of the one unlabelled
// counter or gauge called name.
func gatherValue(c prometheus.Collector, name string) (float64, error) {
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		return 0, err
	}
	mfs, err := reg.Gather()
	if err != nil {
		return 0, err
	}
	return familyValue(mfs, name)
}

// decodeFamilies reads the metric families of an exposition, in the
// format its header names, up to the first that does not parse: those
// read so far come with the error.
func decodeFamilies(body io.Reader, header http.Header) ([]*dto.MetricFamily, error) {
	dec := expfmt.NewDecoder(body, expfmt.ResponseFormat(header))
	var mfs []*dto.MetricFamily
	for {
		mf := new(dto.MetricFamily)
		err := dec.Decode(mf)
		if errors.Is(err, io.EOF) {
			return mfs, nil
		}
		if err != nil {
			return mfs, err
		}
		mfs = append(mfs, mf)
	}
}

// familyValue returns the value of the one-series counter or gauge called
// name among mfs.
func familyValue(mfs []*dto.MetricFamily, name string) (float64, error) {
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		if len(mf.GetMetric()) != 1 {
			return 0, fmt.Errorf("%s has %d series, want 1", name, len(mf.GetMetric()))
		}
		m := mf.GetMetric()[0]
		switch mf.GetType() {
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue(), nil
		case dto.MetricType_GAUGE:
			return m.GetGauge().GetValue(), nil
		case dto.MetricType_UNTYPED:
			return m.GetUntyped().GetValue(), nil
		}
		return 0, fmt.Errorf("%s is a %s, not a counter or gauge", name, mf.GetType())
	}
	return 0, fmt.Errorf("no metric family %s", name)
}

// crawlRegistry is what a crawl exports: New and the frontier collector,
// with every metric moved at least once.
func crawlRegistry() (*prometheus.Registry, *Metrics, error) {
	reg := prometheus.NewPedanticRegistry()
	m, err := New(reg, "news", testStart)
	if err != nil {
		return nil, nil, err
	}
	stats := func() frontier.Stats {
		return frontier.Stats{Queued: 10, Seen: 25, Hosts: 2, HostsReady: 1, HostsWaiting: 1, InFlight: 1}
	}
	if err := reg.Register(FrontierCollector(stats)); err != nil {
		return nil, nil, err
	}
	m.ObserveFetch(Fetch{Status: 200, WireBytes: 4096, Duration: 120 * time.Millisecond, Source: "seed"})
	m.ObserveFetch(Fetch{ErrorKind: "timeout", Duration: time.Second, Source: "link"})
	m.ObserveRecord(warc.Written{Type: "response", Length: 2000})
	m.ObserveRecord(warc.Written{Type: "request", Length: 200})
	m.SetWARCFileSize(2400)
	m.WARCFileClosed(1 << 20)
	m.ObserveRobots(robots.OutcomeFetched)
	m.PolitenessWait(time.Second)
	m.Refused("out-of-scope")
	return reg, m, nil
}

// testOutcomes stand for the scheduler's run outcomes, which it owns.
var testOutcomes = []string{"success", "failed", "interrupted", "timed-out"}

// daemonRegistry is what arkisto serve exports, with one job that has run
// and is running again.
func daemonRegistry() (*prometheus.Registry, error) {
	reg := prometheus.NewPedanticRegistry()
	d, err := NewDaemon(reg, testOutcomes)
	if err != nil {
		return nil, err
	}
	d.AddJob("news", time.Hour)
	d.RunEnded("news", "success", testStart, testStart.Add(time.Minute))
	d.SetLastSuccess("news", testStart)
	d.RunStarted("news", testStart.Add(time.Hour), func() frontier.Stats { return frontier.Stats{Queued: 3, InFlight: 1} })
	d.ForJob("news").ObserveFetch(Fetch{Status: 200, WireBytes: 100, Duration: time.Millisecond, Source: "seed"})
	return reg, nil
}
