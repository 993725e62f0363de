package schedule

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"arkisto/crawler"
)

// Outcome is how a run ended, as the history records it and the run
// metrics count it (their outcome label).
type Outcome string

const (
	// OutcomeRunning marks a run in progress; found at startup it means
	// the daemon died during the run.
	OutcomeRunning     Outcome = "running"
	OutcomeSuccess     Outcome = "success"
	OutcomeFailed      Outcome = "failed"
	OutcomeInterrupted Outcome = "interrupted"
	OutcomeTimedOut    Outcome = "timed-out"
)

// endings are the outcomes of a run that ended, the values of the run
// metrics' outcome label.
func endings() []string {
	return []string{string(OutcomeSuccess), string(OutcomeFailed), string(OutcomeInterrupted), string(OutcomeTimedOut)}
}

// RunRecord is one run of a job, as kept in its collection's state/runs.json.
type RunRecord struct {
	ID      string    `json:"id"`
	Reason  string    `json:"reason"` // schedule, api, resume, queued
	Start   time.Time `json:"start"`
	End     time.Time `json:"end,omitzero"`
	Outcome Outcome   `json:"outcome"`
	Error   string    `json:"error,omitempty"`
	// Since is the cut-off given to the crawl: the start of the job's last
	// successful run, zero for its first.
	Since time.Time `json:"since,omitzero"`
	// Resumes is the ID of the interrupted run this one takes up again.
	Resumes string `json:"resumes,omitempty"`
	// Continued is set when the crawl took up the unfinished frontier a
	// cut-short run left in the collection, instead of starting afresh.
	Continued bool   `json:"continued,omitempty"`
	Counts    Counts `json:"counts"`
}

// Counts are a run's totals; while it goes on, the API shows them live.
type Counts struct {
	Fetched   int64    `json:"fetched"`    // fetches that got an HTTP response
	Failed    int64    `json:"failed"`     // fetches that got none (DNS, refused, timeout...)
	WireBytes int64    `json:"wire_bytes"` // response bytes received
	URLsSeen  int      `json:"urls_seen"`
	URLsLeft  int      `json:"urls_left"` // still queued (when the run ended)
	WARCFiles []string `json:"warc_files"`
	WARCBytes int64    `json:"warc_bytes"`
}

// maxRuns bounds the history file: a job run hourly keeps six weeks.
const maxRuns = 1000

// history is a job's run list, persisted as JSON beside its frontier and
// dedup stores so it travels with the collection.
type history struct {
	path string

	mu   sync.Mutex
	runs []RunRecord
}

func historyPath(collection string) string {
	return filepath.Join(crawler.Layout{Dir: collection}.State(), "runs.json")
}

func openHistory(collection string) (*history, error) {
	h := &history{path: historyPath(collection)}
	data, err := os.ReadFile(h.path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read run history: %w", err)
	}
	if err := json.Unmarshal(data, &h.runs); err != nil {
		return nil, fmt.Errorf("parse run history %s: %w", h.path, err)
	}
	return h, nil
}

// save writes a new run or the new state of one, matched by ID.
func (h *history) save(r RunRecord) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if i := slices.IndexFunc(h.runs, func(o RunRecord) bool { return o.ID == r.ID }); i >= 0 {
		h.runs[i] = r
	} else {
		h.runs = append(h.runs, r)
	}
	if len(h.runs) > maxRuns {
		h.runs = slices.Delete(h.runs, 0, len(h.runs)-maxRuns)
	}
	return h.write()
}

// write replaces the file atomically: a crash leaves the old or the new
// history, never half of one.
func (h *history) write() error {
	data, err := json.MarshalIndent(h.runs, "", "  ")
	if err != nil {
		return fmt.Errorf("encode run history: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o755); err != nil {
		return fmt.Errorf("create state folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(h.path), "runs-*.json")
	if err != nil {
		return fmt.Errorf("write run history: %w", err)
	}
	_, werr := tmp.Write(data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write run history: %w", err)
	}
	if err := os.Rename(tmp.Name(), h.path); err != nil {
		return fmt.Errorf("replace run history: %w", err)
	}
	return nil
}

// list returns a copy of the runs, oldest first.
func (h *history) list() []RunRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.runs)
}

// last returns the newest run.
func (h *history) last() (RunRecord, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.runs) == 0 {
		return RunRecord{}, false
	}
	return h.runs[len(h.runs)-1], true
}

// lastSuccess returns the newest successful run.
func (h *history) lastSuccess() (RunRecord, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range slices.Backward(h.runs) {
		if r.Outcome == OutcomeSuccess {
			return r, true
		}
	}
	return RunRecord{}, false
}

// unfinished returns the newest run when a shutdown or a crash cut it
// short, so the daemon runs it again first.
func (h *history) unfinished() (RunRecord, bool) {
	r, ok := h.last()
	if ok && (r.Outcome == OutcomeInterrupted || r.Outcome == OutcomeRunning) {
		return r, true
	}
	return RunRecord{}, false
}
