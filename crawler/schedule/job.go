package schedule

import (
	"context"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"arkisto/config"
)

// Why a run started.
const (
	reasonSchedule = "schedule"
	reasonAPI      = "api"
	reasonResume   = "resume"
	reasonQueued   = "queued"
)

// job is one configured job and its run state.
type job struct {
	cfg     config.Job
	sched   cron.Schedule
	entry   cron.EntryID
	history *history

	mu     sync.Mutex
	active bool // a run is going on or waiting for a slot
	queued bool // overlap queue: one more run once this one ends
	paused bool
	// live reads the counts of the run going on; nil between runs.
	live func() Counts
}

func (j *job) setLive(live func() Counts) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.live = live
}

// withLive returns r with the live counts of the run going on, when r is
// that run.
func (j *job) withLive(r RunRecord) RunRecord {
	j.mu.Lock()
	live := j.live
	j.mu.Unlock()
	if live == nil || r.Outcome != OutcomeRunning {
		return r
	}
	files := r.Counts.WARCFiles
	r.Counts = live()
	r.Counts.WARCFiles = files
	return r
}

// start begins a run of j unless the overlap policy forbids it. A run
// waits for a free slot under max_concurrent_runs.
func (d *daemon) start(ctx context.Context, j *job, reason string) error {
	return d.launch(ctx, j, reason, "", false)
}

// startHoldingSlot is start for a caller that already took a run slot.
func (d *daemon) startHoldingSlot(ctx context.Context, j *job, reason, resumes string) error {
	return d.launch(ctx, j, reason, resumes, true)
}

func (d *daemon) launch(ctx context.Context, j *job, reason, resumes string, haveSlot bool) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	j.mu.Lock()
	if reason == reasonSchedule && j.paused {
		j.mu.Unlock()
		return ErrPaused
	}
	if j.active {
		queue := j.cfg.Overlap == config.OverlapQueue && reason != reasonResume
		if queue {
			j.queued = true
		}
		j.mu.Unlock()
		if queue {
			return nil
		}
		return ErrBusy
	}
	j.active = true
	j.mu.Unlock()
	d.runs.Go(func() { d.runLoop(ctx, j, reason, resumes, haveSlot) })
	return nil
}

// runLoop runs j, then once more for each run queued meanwhile.
func (d *daemon) runLoop(ctx context.Context, j *job, reason, resumes string, haveSlot bool) {
	for {
		if !haveSlot {
			select {
			case d.slots <- struct{}{}:
			case <-ctx.Done():
				d.idle(j)
				return
			}
		}
		r := d.runOnce(ctx, j, reason, resumes)
		haveSlot, resumes, reason = false, "", reasonQueued
		j.mu.Lock()
		again := j.queued && ctx.Err() == nil
		j.queued = false
		j.active = again
		j.mu.Unlock()
		// The job is free, the slot still held: whoever hears of the end
		// can start the job again, and no other run starts before it hears.
		d.notify(j.cfg.Name, r)
		<-d.slots
		if !again {
			return
		}
	}
}

func (d *daemon) idle(j *job) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.active, j.queued = false, false
}

func (j *job) setPaused(p bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.paused = p
}

// status is what the API tells about a job.
type status struct {
	Name        string     `json:"name"`
	Schedule    string     `json:"schedule"`
	Collection  string     `json:"collection"`
	Overlap     string     `json:"overlap"`
	NextRun     time.Time  `json:"next_run,omitzero"`
	Paused      bool       `json:"paused"`
	Running     bool       `json:"running"`
	Queued      bool       `json:"queued"`
	LastRun     *RunRecord `json:"last_run,omitempty"`
	LastSuccess *RunRecord `json:"last_success,omitempty"`
}

func (d *daemon) status(j *job) status {
	j.mu.Lock()
	s := status{
		Name: j.cfg.Name, Schedule: j.cfg.Schedule, Collection: j.cfg.Collection, Overlap: j.cfg.Overlap,
		Paused: j.paused, Running: j.active, Queued: j.queued,
	}
	j.mu.Unlock()
	if !s.Paused {
		s.NextRun = d.cron.Entry(j.entry).Next
		if s.NextRun.IsZero() {
			// The scheduler has not started yet, or has stopped.
			s.NextRun = j.sched.Next(time.Now())
		}
	}
	if r, ok := j.history.last(); ok {
		r = j.withLive(r)
		s.LastRun = &r
	}
	if r, ok := j.history.lastSuccess(); ok {
		s.LastSuccess = &r
	}
	return s
}
