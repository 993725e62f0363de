package schedule_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"arkisto/crawler/schedule"
	"arkisto/crawler/testsite"
)

// A job whose scheduled run comes due while one is going on: with overlap
// skip there is never more than one run at once, the tick during a run is
// dropped, and the API can pause the schedule and start a run by hand.
func TestOverlapSkipAndAPITrigger(t *testing.T) {
	base, _, release := heldSite(t, testsite.Options{}, 1)
	j := jobConfig(t, "slow", base, "@yearly") // only ticks are due
	j.MaxPages = 20
	j.HostConcurrency = 1
	d := startDaemon(t, serveConfig(t, j))

	if err := d.tick(t, "slow"); err != nil {
		t.Fatalf("first tick: %v", err)
	}
	first := d.next(t, "slow", started)
	// The site holds every request: the first run goes on until release.
	if code := d.post(t, "/api/jobs/slow/run"); code != http.StatusConflict {
		t.Errorf("trigger during a run: status %d, want 409", code)
	}
	if err := d.tick(t, "slow"); !errors.Is(err, schedule.ErrBusy) {
		t.Errorf("tick during a run: %v, want ErrBusy", err)
	}
	if code := d.post(t, "/api/jobs/slow/pause"); code != http.StatusOK {
		t.Fatalf("pause: status %d", code)
	}
	release()
	end := d.next(t, "slow", ended)
	if end.ID != first.ID || end.Outcome != schedule.OutcomeSuccess {
		t.Fatalf("first run ended as %+v", end)
	}
	if err := d.tick(t, "slow"); !errors.Is(err, schedule.ErrPaused) {
		t.Errorf("tick while paused: %v, want ErrPaused", err)
	}
	if code := d.post(t, "/api/jobs/slow/run"); code != http.StatusAccepted {
		t.Fatalf("trigger while idle: status %d, want 202", code)
	}
	byHand := d.next(t, "slow", ended)
	if byHand.Reason != "api" || byHand.Outcome != schedule.OutcomeSuccess {
		t.Errorf("triggered run = %+v, want a successful api run", byHand)
	}
	if code := d.post(t, "/api/jobs/slow/resume"); code != http.StatusOK {
		t.Fatalf("resume: status %d", code)
	}
	if err := d.tick(t, "slow"); err != nil {
		t.Fatalf("tick after resume: %v", err)
	}
	third := d.next(t, "slow", ended)
	if third.Reason != "schedule" {
		t.Errorf("run after resume has reason %q, want schedule", third.Reason)
	}

	var jobs []struct {
		Name    string
		NextRun time.Time `json:"next_run"`
		Paused  bool
		LastRun *schedule.RunRecord `json:"last_run"`
	}
	getJSON(t, d.base+"/api/jobs", &jobs)
	if len(jobs) != 1 || jobs[0].Name != "slow" || jobs[0].Paused || jobs[0].NextRun.IsZero() || jobs[0].LastRun == nil {
		t.Errorf("GET /api/jobs = %+v", jobs)
	}
	var runs []schedule.RunRecord
	getJSON(t, d.base+"/api/jobs/slow/runs", &runs)
	if len(runs) < 3 || runs[0].ID != first.ID || runs[1].ID != byHand.ID || runs[2].ID != third.ID {
		t.Errorf("GET /api/jobs/slow/runs = %+v, want the three runs in order", runs)
	}
	if code := d.post(t, "/api/jobs/nosuch/run"); code != http.StatusNotFound {
		t.Errorf("trigger of an unknown job: status %d, want 404", code)
	}
	d.stop(t)
	if p := d.peakRuns("slow"); p != 1 {
		t.Errorf("%d runs of the job at once, want 1", p)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}
