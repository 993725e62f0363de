package schedule_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"arkisto/crawler/schedule"
	"arkisto/crawler/testsite"
	"arkisto/warc"
)

// checkWARCs validates every WARC file of the collection, and finds no
// file left open.
func checkWARCs(t *testing.T, collection string) {
	t.Helper()
	archive := filepath.Join(collection, "archive")
	open, _ := filepath.Glob(filepath.Join(archive, "*.open"))
	if len(open) > 0 {
		t.Errorf("files left open: %v", open)
	}
	sum, err := warc.ValidatePaths(t.Context(), []string{archive}, warc.ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Files == 0 || !sum.OK() {
		t.Errorf("validate %s: %d files, %d problems", archive, sum.Files, sum.Problems)
	}
}

// Stopping the daemon (SIGTERM) during a run stops it gracefully; the
// next daemon runs it again before anything else.
func TestInterruptedRunResumesAtRestart(t *testing.T) {
	// The fifth request and those after it wait until the shutdown began.
	base, fetching, release := heldSite(t, testsite.Options{Articles: 6}, 5)
	cfg := serveConfig(t, jobConfig(t, "news", base, "@yearly"))
	collection := cfg.Jobs[0].Collection

	d := startDaemon(t, cfg)
	if err := d.tick(t, "news"); err != nil {
		t.Fatalf("tick: %v", err)
	}
	d.next(t, "news", started)
	<-fetching
	d.cancel() // as SIGTERM does
	release()
	d.stop(t)
	cut := d.next(t, "news", ended)
	if cut.Outcome != schedule.OutcomeInterrupted {
		t.Fatalf("run stopped by the daemon's shutdown ended as %q", cut.Outcome)
	}
	checkWARCs(t, collection)
	if _, err := os.Stat(filepath.Join(collection, "state", "runs.json")); err != nil {
		t.Fatalf("no run history: %v", err)
	}

	// Nothing is due for a year: only the resume can run.
	cfg.Jobs[0].Schedule = "@yearly"
	d = startDaemon(t, cfg)
	resumed := d.next(t, "news", ended)
	if resumed.Reason != "resume" || resumed.Resumes != cut.ID || !resumed.Continued || resumed.Outcome != schedule.OutcomeSuccess {
		t.Fatalf("first run after restart = %+v, want a successful resume of %s", resumed, cut.ID)
	}
	d.stop(t)
	checkWARCs(t, collection)
	if len(readRun(t, collection, resumed)) == 0 {
		t.Error("the resumed run wrote no record")
	}
}

// A run longer than max_duration stops gracefully as timed-out, and the
// daemon goes on.
// This is the one test that waits on the real cron clock, to show that a
// schedule fires runs: twice a second.
func TestMaxDurationTimesOut(t *testing.T) {
	// A hundred-odd URLs at 50 ms each, one at a time: far over 300 ms.
	base := testsite.New(testsite.Options{Articles: 6, Latency: 50 * time.Millisecond}).Start(t)
	j := jobConfig(t, "long", base, "@every 1s")
	j.MaxDuration = 300 * time.Millisecond
	cfg := serveConfig(t, j)
	reg := prometheus.NewPedanticRegistry()
	d := startDaemonOn(t, cfg, reg)
	r := d.next(t, "long", ended)
	if r.Outcome != schedule.OutcomeTimedOut {
		t.Errorf("run cut by max_duration ended as %q (%s)", r.Outcome, r.Error)
	}
	again := d.next(t, "long", started)
	if again.Reason != "schedule" {
		t.Errorf("next run reason %q", again.Reason)
	}
	d.stop(t)
	checkWARCs(t, j.Collection)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	job := map[string]string{"crawl_job": "long"}
	if v, ok := seriesValue(mfs, "arkisto_job_runs_total", map[string]string{"crawl_job": "long", "outcome": "timed-out"}); !ok || v < 1 {
		t.Errorf("runs_total{timed-out} = %v (found %v), want at least 1", v, ok)
	}
	if v, ok := seriesValue(mfs, "arkisto_job_last_success_timestamp_seconds", job); !ok || v != 0 {
		t.Errorf("a timed-out run set the last success to %v (found %v)", v, ok)
	}
}
