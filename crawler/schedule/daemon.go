package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"

	"arkisto/config"
	"arkisto/crawler/metrics"
)

// Options are the daemon's dependencies. Zero values mean defaults.
type Options struct {
	Logger *slog.Logger
	// Registry receives the daemon's metrics; nil: a new one. The Go and
	// process collectors are registered on it too.
	Registry *prometheus.Registry
	// Listener serves /metrics, /healthz and /api; nil: listen on
	// cfg.MetricsAddr. Tests pass one on 127.0.0.1:0.
	Listener net.Listener
	// Abort, once closed, cuts the grace period of running crawls short
	// (a second SIGTERM).
	Abort <-chan struct{}
	// OnRun hears of every run as it starts (Outcome "running") and as it
	// ends, after its history is saved and once the job may start again.
	OnRun func(job string, r RunRecord)
	// Ticks is a second clock beside the schedules, for tests that must
	// not wait on wall time: each Tick fires its job's scheduled run at
	// once, as the schedule does when due. nil: the schedules alone.
	Ticks <-chan Tick
}

// Tick asks for a job's scheduled run now (Options.Ticks).
type Tick struct {
	Job string
	// Started hears how the start went: nil when the run started or was
	// queued, ErrBusy or ErrPaused when it was skipped, ErrNoJob.
	Started chan<- error
}

// ErrBusy is returned when a run is asked for while one of the job is
// going on and its overlap policy is skip.
var ErrBusy = errors.New("a run of this job is going on")

// ErrNoJob is returned for a job name the config does not hold.
var ErrNoJob = errors.New("no such job")

// ErrPaused is returned when a scheduled run comes due while the job is
// paused.
var ErrPaused = errors.New("job is paused")

// daemon is one `arkisto serve` process.
type daemon struct {
	cfg     config.ServeConfig
	opts    Options
	log     *slog.Logger
	metrics *metrics.Daemon
	cron    *cron.Cron
	slots   chan struct{} // one token per run allowed at once
	jobs    map[string]*job
	order   []*job // config order, for the API
	addr    string // where the listener listens

	runs sync.WaitGroup
}

// Run serves cfg's jobs until ctx is cancelled: it resumes the runs a
// shutdown interrupted, then runs each job on its schedule. On
// cancellation it stops scheduling, lets running crawls stop gracefully
// (WARC files closed, state saved, history marked interrupted) and returns
// nil. cfg must have passed ServeConfig.Finish.
func Run(ctx context.Context, cfg config.ServeConfig, opts Options) error {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	m, err := metrics.NewDaemon(opts.Registry, endings())
	if err != nil {
		return err
	}
	d := &daemon{
		cfg: cfg, opts: opts, log: opts.Logger, metrics: m,
		cron:  cron.New(cron.WithLogger(cron.DiscardLogger)),
		slots: make(chan struct{}, cfg.MaxConcurrentRuns),
		jobs:  map[string]*job{},
	}
	for _, jc := range cfg.Jobs {
		j, err := d.addJob(ctx, jc)
		if err != nil {
			return err
		}
		d.jobs[j.cfg.Name], d.order = j, append(d.order, j)
	}
	stopServing, err := d.serve(ctx)
	if err != nil {
		return err
	}
	defer stopServing()

	d.resumeInterrupted(ctx)
	d.cron.Start()
	var ticking sync.WaitGroup
	if opts.Ticks != nil {
		ticking.Go(func() { d.serveTicks(ctx) })
	}
	d.log.Info("serving", "jobs", len(d.order), "addr", d.addr, "exposure", cfg.Listener().Exposure(true))
	<-ctx.Done()
	d.log.Info("stopping: no more runs start; running crawls finish their in-flight fetches", "cause", context.Cause(ctx))
	<-d.cron.Stop().Done()
	ticking.Wait()
	d.runs.Wait()
	return nil
}

// scheduled starts the run of j that its schedule (or a Tick) made due.
func (d *daemon) scheduled(ctx context.Context, j *job) error {
	err := d.start(ctx, j, reasonSchedule)
	if err != nil {
		d.log.Info("scheduled run skipped", "crawl_job", j.cfg.Name, "why", err)
	}
	return err
}

// serveTicks fires the scheduled runs Options.Ticks asks for.
func (d *daemon) serveTicks(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case t := <-d.opts.Ticks:
			err := ErrNoJob
			if j, ok := d.jobs[t.Job]; ok {
				err = d.scheduled(ctx, j)
			}
			select {
			case t.Started <- err:
			case <-ctx.Done():
				return
			}
		}
	}
}

func (d *daemon) addJob(ctx context.Context, jc config.Job) (*job, error) {
	sched, err := config.ParseSchedule(jc.Schedule)
	if err != nil {
		return nil, &config.FieldError{Field: "jobs (" + jc.Name + "): schedule", Reason: err.Error(), Err: err}
	}
	h, err := openHistory(jc.Collection)
	if err != nil {
		return nil, fmt.Errorf("job %s: %w", jc.Name, err)
	}
	j := &job{cfg: jc, sched: sched, history: h}
	now := time.Now()
	first := sched.Next(now)
	d.metrics.AddJob(jc.Name, sched.Next(first).Sub(first))
	if r, ok := h.lastSuccess(); ok {
		d.metrics.SetLastSuccess(jc.Name, r.Start)
	}
	j.entry = d.cron.Schedule(sched, cron.FuncJob(func() { _ = d.scheduled(ctx, j) }))
	return j, nil
}

// resumeInterrupted runs again, before any scheduled run, each job's run
// that the last shutdown or crash cut short. Their run slots are taken
// here, in config order, so a scheduled run cannot overtake them.
func (d *daemon) resumeInterrupted(ctx context.Context) {
	for _, j := range d.order {
		r, ok := j.history.unfinished()
		if !ok {
			continue
		}
		if r.Outcome == OutcomeRunning {
			// The process died during the run: say so in the history.
			r.Outcome, r.Error = OutcomeInterrupted, "the daemon stopped during the run"
			if err := j.history.save(r); err != nil {
				d.log.Error("record crashed run", "crawl_job", j.cfg.Name, "err", err)
			}
		}
		select {
		case d.slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		d.log.Info("resuming interrupted run", "crawl_job", j.cfg.Name, "run", r.ID)
		if err := d.startHoldingSlot(ctx, j, reasonResume, r.ID); err != nil {
			<-d.slots
		}
	}
}

// serve starts the listener for metrics and the API.
func (d *daemon) serve(ctx context.Context) (stop func(), err error) {
	ln := d.opts.Listener
	if ln == nil {
		var lc net.ListenConfig
		if ln, err = lc.Listen(ctx, "tcp", d.cfg.MetricsAddr); err != nil {
			return nil, fmt.Errorf("listen on %s: %w", d.cfg.MetricsAddr, err)
		}
	}
	d.addr = ln.Addr().String()
	mux := http.NewServeMux()
	mux.Handle("/", metrics.Handler(d.opts.Registry))
	mux.Handle("/api/", d.apiHandler(ctx))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	return func() {
		// Metrics stay scrapable until every run has ended.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			d.log.Warn("stop http server", "err", err)
		}
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Warn("http server", "err", err)
		}
	}, nil
}
