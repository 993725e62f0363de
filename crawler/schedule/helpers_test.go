package schedule_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"arkisto/config"
	"arkisto/crawler/schedule"
	"arkisto/crawler/testsite"
	"arkisto/warc"
)

// jobConfig is a job crawling the test site at base quickly.
func jobConfig(t *testing.T, name, base, spec string) config.Job {
	t.Helper()
	j := config.Job{Name: name, Schedule: spec, Collection: t.TempDir(), Overlap: config.OverlapSkip, Config: config.Default()}
	j.MetricsAddr = ""
	j.Seeds = []string{base + "/"}
	j.Delay = 0
	j.Workers = 4
	j.RetryDelay = 20 * time.Millisecond
	j.GracePeriod = 2 * time.Second
	j.DedupMinSize = 0 // every payload the collection holds becomes a revisit
	return j
}

func serveConfig(t *testing.T, jobs ...config.Job) config.ServeConfig {
	t.Helper()
	cfg := config.DefaultServe()
	cfg.Jobs = jobs
	if err := cfg.Finish(func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// event is one OnRun call.
type event struct {
	job string
	run schedule.RunRecord
}

// daemon is a schedule.Run in the background of a test.
type daemon struct {
	base   string // http://127.0.0.1:PORT
	events chan event
	ticks  chan schedule.Tick
	ctx    context.Context // the daemon's
	cancel context.CancelFunc
	done   chan error

	mu      sync.Mutex
	running map[string]int
	peak    map[string]int
}

func startDaemon(t *testing.T, cfg config.ServeConfig) *daemon {
	t.Helper()
	return startDaemonOn(t, cfg, nil)
}

// startDaemonOn starts the daemon with its metrics on reg (nil: its own).
func startDaemonOn(t *testing.T, cfg config.ServeConfig, reg *prometheus.Registry) *daemon {
	t.Helper()
	return startDaemonWith(t, cfg, schedule.Options{Registry: reg})
}

// startDaemonWith starts the daemon with opts, its listener, ticks and
// OnRun set here.
func startDaemonWith(t *testing.T, cfg config.ServeConfig, opts schedule.Options) *daemon {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	d := &daemon{
		base:    "http://" + ln.Addr().String(),
		events:  make(chan event, 1000),
		ticks:   make(chan schedule.Tick),
		ctx:     ctx,
		cancel:  cancel,
		done:    make(chan error, 1),
		running: map[string]int{}, peak: map[string]int{},
	}
	opts.Listener, opts.Ticks = ln, d.ticks
	opts.OnRun = func(job string, r schedule.RunRecord) {
		d.mu.Lock()
		delta := -1
		if r.Outcome == schedule.OutcomeRunning {
			delta = 1
		}
		// "" counts the runs of every job.
		for _, k := range []string{job, ""} {
			d.running[k] += delta
			d.peak[k] = max(d.peak[k], d.running[k])
		}
		d.mu.Unlock()
		d.events <- event{job, r}
	}
	go func() { d.done <- schedule.Run(ctx, cfg, opts) }()
	t.Cleanup(func() { d.stop(t) })
	return d
}

// stop cancels the daemon, as SIGTERM does, and waits for Run to return.
func (d *daemon) stop(t *testing.T) {
	t.Helper()
	d.cancel()
	if err, ok := <-d.done; ok {
		close(d.done)
		if err != nil {
			t.Errorf("schedule.Run: %v", err)
		}
	}
}

// tick fires job's scheduled run, as its schedule does when due, and
// returns how the start went.
func (d *daemon) tick(t *testing.T, job string) error {
	t.Helper()
	started := make(chan error, 1)
	select {
	case d.ticks <- schedule.Tick{Job: job, Started: started}:
	case <-d.ctx.Done():
		t.Fatalf("tick of %s: the daemon has stopped", job)
	}
	select {
	case err := <-started:
		return err
	case <-d.ctx.Done():
		t.Fatalf("tick of %s: the daemon stopped", job)
		return nil
	}
}

// heldSite serves the test site and holds each request from the from-th
// on until release is called: a crawl of it surely goes on until then.
// reached closes when the from-th request comes in.
func heldSite(t *testing.T, opts testsite.Options, from int) (base string, reached <-chan struct{}, release func()) {
	t.Helper()
	site := testsite.New(opts)
	gate, arrived := make(chan struct{}), make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	var count atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := count.Add(1); n >= int64(from) {
			if n == int64(from) {
				close(arrived)
			}
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
		site.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(release) // before srv.Close, which waits for the held requests
	return srv.URL, arrived, release
}

// next waits for the next event of job matching want.
func (d *daemon) next(t *testing.T, job string, want func(schedule.RunRecord) bool) schedule.RunRecord {
	t.Helper()
	for {
		select {
		case e := <-d.events:
			if e.job == job && want(e.run) {
				return e.run
			}
		case <-t.Context().Done():
			t.Fatal("test ended before the event came")
		}
	}
}

func ended(r schedule.RunRecord) bool   { return r.Outcome != schedule.OutcomeRunning }
func started(r schedule.RunRecord) bool { return r.Outcome == schedule.OutcomeRunning }

func (d *daemon) peakRuns(job string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.peak[job]
}

func (d *daemon) post(t *testing.T, path string) int {
	t.Helper()
	return call(t, http.MethodPost, d.base+path, "")
}

// call sends a request with an optional bearer token and returns the status.
func call(t *testing.T, method, url, token string) int {
	t.Helper()
	authorization := ""
	if token != "" {
		authorization = "Bearer " + token
	}
	return callAuthorized(t, method, url, authorization)
}

// callAuthorized is call with the Authorization header as given ("" for none).
func callAuthorized(t *testing.T, method, url, authorization string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

// record is what the tests look at in a WARC record.
type record struct {
	typ, target, digest string
	status              int
}

// readRun reads the records of the WARC files one run wrote.
func readRun(t *testing.T, collection string, r schedule.RunRecord) []record {
	t.Helper()
	if len(r.Counts.WARCFiles) == 0 {
		t.Fatalf("run %s wrote no WARC file", r.ID)
	}
	var out []record
	for _, name := range r.Counts.WARCFiles {
		out = append(out, readWARC(t, filepath.Join(collection, "archive", name))...)
	}
	return out
}

func readWARC(t *testing.T, path string) []record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []record
	err = warc.ReadRecords(f, func(rec warc.Record) error {
		if len(rec.Problems) > 0 {
			return errors.New(rec.Problems[0].Message)
		}
		out = append(out, record{
			typ: rec.Header.Get("WARC-Type"), target: rec.Header.Get("WARC-Target-URI"),
			digest: rec.Header.Get("WARC-Payload-Digest"), status: statusOf(rec.BlockReader()),
		})
		return nil
	})
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return out
}

// statusOf reads the status code of an HTTP response block, 0 for others.
func statusOf(r io.Reader) int {
	line, _ := bufio.NewReader(r).ReadString('\n')
	f := strings.Fields(line)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}
