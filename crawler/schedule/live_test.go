package schedule_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"arkisto/crawler/schedule"
	"arkisto/crawler/testsite"
)

// lockedBuffer takes the daemon's log lines from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// jobsStatus reads GET /api/jobs.
func jobsStatus(t *testing.T, base string) []struct {
	Name    string              `json:"name"`
	LastRun *schedule.RunRecord `json:"last_run"`
} {
	t.Helper()
	resp, err := http.Get(base + "/api/jobs")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []struct {
		Name    string              `json:"name"`
		LastRun *schedule.RunRecord `json:"last_run"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// A run in progress shows its counts as they grow, and the daemon says in
// a line when each run starts and ends, with the job, outcome and counts.
func TestRunShowsLiveCountsAndLinesAtStartAndEnd(t *testing.T) {
	const heldFrom = 5
	base, reached, release := heldSite(t, testsite.Options{Articles: 2}, heldFrom)
	var logs lockedBuffer
	d := startDaemonWith(t, serveConfig(t, jobConfig(t, "news", base, "@yearly")),
		schedule.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err := d.tick(t, "news"); err != nil {
		t.Fatal(err)
	}
	d.next(t, "news", started)
	<-reached
	// robots.txt was read before anything else of the host was asked for.
	jobs := jobsStatus(t, d.base)
	if len(jobs) != 1 || jobs[0].LastRun == nil || jobs[0].LastRun.Outcome != schedule.OutcomeRunning {
		t.Fatalf("/api/jobs during the run: %+v", jobs)
	}
	if live := jobs[0].LastRun.Counts; live.Fetched < 1 || live.URLsSeen < heldFrom {
		t.Errorf("live counts %+v, want at least robots.txt fetched and %d URLs seen", live, heldFrom)
	}
	release()
	end := d.next(t, "news", ended)
	if end.Outcome != schedule.OutcomeSuccess || end.Counts.Fetched <= heldFrom || end.Counts.WireBytes == 0 {
		t.Fatalf("run ended %+v", end)
	}
	lines := logs.String()
	if !regexp.MustCompile(`msg="run started" crawl_job=news run=\S+ reason=schedule collection=\S+ begins=new`).MatchString(lines) {
		t.Errorf("no start line naming the job:\n%s", lines)
	}
	endLine := regexp.MustCompile(`msg="run ended" crawl_job=news run=\S+ outcome=success .* fetched=(\d+) failed=\d+ wire_bytes=\d+ urls_seen=\d+`).FindStringSubmatch(lines)
	if endLine == nil || endLine[1] != strconv.FormatInt(end.Counts.Fetched, 10) {
		t.Errorf("no end line with the job, outcome and the run's %d fetches:\n%s", end.Counts.Fetched, lines)
	}
}
