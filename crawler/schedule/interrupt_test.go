package schedule_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"arkisto/crawler/schedule"
	"arkisto/crawler/testsite"
	"arkisto/warc"
)

// slowSite serves the test site with latency and closes fetching once
// n requests have come in, so a test can stop a crawl in the middle.
func slowSite(t *testing.T, n int) (base string, fetching <-chan struct{}) {
	t.Helper()
	site := testsite.New(testsite.Options{Articles: 6, Latency: 50 * time.Millisecond})
	ch := make(chan struct{})
	var mu sync.Mutex
	count := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if count++; count == n {
			close(ch)
		}
		mu.Unlock()
		site.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, ch
}

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
	base, fetching := slowSite(t, 5)
	cfg := serveConfig(t, jobConfig(t, "news", base, "@every 1s"))
	collection := cfg.Jobs[0].Collection

	d := startDaemon(t, cfg)
	d.next(t, "news", started)
	<-fetching
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
func TestMaxDurationTimesOut(t *testing.T) {
	base, _ := slowSite(t, 1)
	j := jobConfig(t, "long", base, "@every 1s")
	j.MaxDuration = 300 * time.Millisecond
	cfg := serveConfig(t, j)
	d := startDaemon(t, cfg)
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
}
