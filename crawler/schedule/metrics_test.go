package schedule_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"arkisto/crawler/schedule"
	"arkisto/crawler/testsite"
)

// Two jobs and one run slot: the second job's run, due during the
// first's, waits for it; never two runs at once, and the metrics carry
// each job's runs under crawl_job on one registry.
func TestGlobalLimitAndJobMetrics(t *testing.T) {
	base, _, release := heldSite(t, testsite.Options{}, 1)
	a, b := jobConfig(t, "a", base, "@every 1h"), jobConfig(t, "b", base, "@every 2h")
	a.MaxPages, b.MaxPages = 5, 5
	cfg := serveConfig(t, a, b)
	cfg.MaxConcurrentRuns = 1
	reg := prometheus.NewPedanticRegistry()
	d := startDaemonOn(t, cfg, reg)
	if err := d.tick(t, "a"); err != nil {
		t.Fatalf("tick a: %v", err)
	}
	d.next(t, "a", started)
	// a's run is held by the site: b's is due while it goes on.
	if err := d.tick(t, "b"); err != nil {
		t.Fatalf("tick b: %v", err)
	}
	release()
	d.next(t, "a", func(r schedule.RunRecord) bool { return r.Outcome == schedule.OutcomeSuccess })
	d.next(t, "b", func(r schedule.RunRecord) bool { return r.Outcome == schedule.OutcomeSuccess })
	if p := d.peakRuns(""); p != 1 {
		t.Errorf("%d runs at once with max_concurrent_runs 1", p)
	}

	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, job := range []string{"a", "b"} {
		tests := []struct {
			name   string
			labels map[string]string
			check  func(float64) bool
		}{
			{"arkisto_job_last_success_timestamp_seconds", nil, func(v float64) bool { return v > 1e9 }},
			{"arkisto_job_interval_seconds", nil, func(v float64) bool { return v == map[string]float64{"a": 3600, "b": 7200}[job] }},
			{"arkisto_job_runs_total", map[string]string{"outcome": "success"}, func(v float64) bool { return v >= 1 }},
			{"arkisto_fetches_total", map[string]string{"source": "seed"}, func(v float64) bool { return v >= 1 }},
			{"arkisto_warc_records_total", map[string]string{"type": "response"}, func(v float64) bool { return v >= 1 }},
		}
		for _, tt := range tests {
			t.Run(job+"/"+tt.name, func(t *testing.T) {
				labels := map[string]string{"crawl_job": job}
				for k, v := range tt.labels {
					labels[k] = v
				}
				v, ok := seriesValue(mfs, tt.name, labels)
				if !ok || !tt.check(v) {
					t.Errorf("%s%v = %v (found %v)", tt.name, labels, v, ok)
				}
			})
		}
	}
	d.stop(t)
}

// seriesValue finds the counter or gauge series of name with labels.
func seriesValue(mfs []*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, lp := range m.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			for k, v := range labels {
				if have[k] != v {
					continue series
				}
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue(), true
			}
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}
