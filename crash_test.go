//go:build linux

package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"arkisto/crawler/cli"
	"arkisto/crawler/cli/clitest"
	"arkisto/crawler/testsite"
)

// The crash-safety acceptance tests of issue 5: kill -9 at chosen moments
// and resume (here), resume settings (resume_settings_test.go) and a full
// disk (diskfull_test.go). Linux only: they hold the crawler's reads
// through fanotify and mount a small tmpfs.

// The kill test's site and crawl.
const (
	crashArticles = 24
	crashLatency  = 5 * time.Millisecond
	// crashWorkers is both --workers and --host-concurrency: at most this
	// many fetches of the one host are in flight when the crawler dies.
	crashWorkers = 4
	bigPath      = "/big.bin"
	// bigSize of random bytes: its gzip member is as large as the body, so
	// writing it takes many reads of its spool file, at any of which the
	// mid-write run can stop the crawler.
	bigSize = 8 << 20
	// cutAt is the size of the file being written at which the mid-write
	// run kills the crawler: more than everything else the crawl writes
	// (the reference crawl checks it), far less than the big record alone.
	cutAt = 3 << 20
	// hangGuard only keeps a broken crawler from hanging the test.
	hangGuard = 2 * time.Minute
)

// serveCrashSite serves site, plus big at bigPath unless it is nil,
// recording every request, so that a test can kill the crawler with a
// chosen URL in flight (Requests.Hold) and count what it asked for.
func serveCrashSite(t *testing.T, site http.Handler, big []byte) (*clitest.Requests, string) {
	t.Helper()
	reqs := clitest.NewRequests()
	base := reqs.Serve(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == bigPath && big != nil {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Content-Length", strconv.Itoa(len(big)))
			_, _ = w.Write(big)
			return
		}
		site.ServeHTTP(w, r)
	}))
	return reqs, base
}

// requestedTargets returns the targets the site was asked for, in arrival
// order, once no connection to it is open: a killed crawler's last
// requests may reach the handler after its death, and must be counted as
// its own, not as the next run's.
func requestedTargets(t *testing.T, reqs *clitest.Requests) []string {
	t.Helper()
	return clitest.Targets(reqs.Settled(t, hangGuard))
}

// randomBody returns n bytes that gzip cannot shrink, the same for a seed.
func randomBody(n int, seed byte) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}

func crashCrawlArgs(out, base string) []string {
	return crawlArgs(out, base+bigPath, "--delay", "0", "--workers", strconv.Itoa(crashWorkers),
		"--host-concurrency", strconv.Itoa(crashWorkers), base+"/")
}

// resumeArgs resume the unfinished crawl in out from its recorded state.
func resumeArgs(out string) []string {
	return []string{"crawl", "--metrics-addr", "", "--output", out}
}

// killWhenHeld waits for the held request, then SIGKILLs p.
func killWhenHeld(t *testing.T, p *proc, reached <-chan struct{}, what string) {
	t.Helper()
	waitHeld(t, reached, p, what)
	killNow(t, p)
}

// waitHeld waits for a held request, failing if p exits first.
func waitHeld(t *testing.T, reached <-chan struct{}, p *proc, what string) {
	t.Helper()
	select {
	case <-reached:
	case <-p.exited:
		t.Fatalf("arkisto exited before %s; stderr:\n%s", what, p.errText())
	case <-time.After(hangGuard):
		t.Fatalf("no %s within %v; stderr:\n%s", what, hangGuard, p.errText())
	}
}

// killNow SIGKILLs p and checks that the signal is what ended it.
func killNow(t *testing.T, p *proc) {
	t.Helper()
	_ = p.cmd.Process.Kill()
	p.wait(t, hangGuard)
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("arkisto ended with %v before the kill; stderr:\n%s", p.cmd.ProcessState, p.errText())
	}
}

// referenceCrawl crawls the kill test's site without interruption and
// returns the paths it captured, each exactly once.
func referenceCrawl(t *testing.T, big []byte) []string {
	t.Helper()
	site := testsite.New(testsite.Options{Articles: crashArticles, Latency: crashLatency})
	_, base := serveCrashSite(t, site, big)
	out := t.TempDir()
	began := time.Now()
	code, _, stderr := run(t, crashCrawlArgs(out, base)...)
	t.Logf("reference crawl: %v", time.Since(began).Round(time.Millisecond))
	if code != cli.ExitOK {
		t.Fatalf("reference crawl: exit status %d; stderr:\n%s", code, stderr)
	}
	archive := filepath.Join(out, "archive")
	clitest.CheckArchive(t, archive)
	got := total(clitest.Captures(t, archive, base), allFiles)
	var paths []string
	for u, n := range got {
		if n != 1 {
			t.Errorf("reference crawl captured %s %d times", u, n)
		}
		paths = append(paths, u)
	}
	slices.Sort(paths)
	var want []string
	for _, u := range site.ExpectedURLs(base, testsite.CrawlSettings{}) {
		want = append(want, strings.TrimPrefix(u, base))
	}
	sameURLs(t, got, append(want, bigPath))

	// The mid-write run relies on this: only the big record takes a file past cutAt.
	var size int64
	files, _ := filepath.Glob(filepath.Join(archive, "*.warc.gz"))
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			size += st.Size()
		}
	}
	if rest := size - bigSize; rest >= cutAt/2 {
		t.Fatalf("the crawl writes %d bytes besides the big file: cutAt %d does not single out its record", rest, cutAt)
	} else {
		t.Logf("reference crawl: %d URLs, %d WARC bytes besides the big record", len(got), rest)
	}
	return paths
}

func TestKillMinus9AndResume(t *testing.T) {
	// The crawlers' temporary files go to a folder of their own, which
	// must be empty in the end: a crash may not leak disk space.
	spools := t.TempDir()
	t.Setenv("TMPDIR", spools)
	t.Cleanup(func() {
		if left, _ := filepath.Glob(filepath.Join(spools, "arkisto-*")); len(left) > 0 {
			t.Errorf("the killed crawlers left %d temporary files behind: %v", len(left), left)
		}
	})
	big := randomBody(bigSize, 1)
	want := referenceCrawl(t, big)
	if t.Failed() {
		t.FailNow()
	}
	tests := []struct {
		name   string
		holdAt int // kill with this request held; 0: kill while the big record is written
	}{
		{"at robots.txt, before any record", 1},
		{"after 25 requests", 25},
		{"after 120 requests", 120},
		{"near the end", len(want) - 10},
		{"while the big record is written", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			killAndResume(t, big, want, tt.holdAt)
		})
	}
}

// killAndResume crawls the kill test's site, SIGKILLs the crawler with
// request holdAt in flight (0: while the big record is written), resumes
// the crawl to its end and checks the collection against want.
func killAndResume(t *testing.T, big []byte, want []string, holdAt int) {
	site := testsite.New(testsite.Options{Articles: crashArticles, Latency: crashLatency})
	reqs, base := serveCrashSite(t, site, big)
	out := t.TempDir()
	archive := filepath.Join(out, "archive")
	if err := os.MkdirAll(archive, 0o755); err != nil { // watched from the start; the crawler keeps it
		t.Fatal(err)
	}
	var reached <-chan struct{}
	var gate *clitest.SpoolGate
	if holdAt > 0 {
		reached, _ = reqs.Hold(holdAt) // until the kill
	} else {
		// The big record is copied into the WARC file from its spool file,
		// which the crawler makes in TMPDIR.
		gate = clitest.NewSpoolGate(t, os.TempDir())
	}
	began := time.Now()
	p := start(t, "", crashCrawlArgs(out, base)...)
	if holdAt > 0 {
		killWhenHeld(t, p, reached, fmt.Sprintf("request %d", holdAt))
	} else {
		select {
		case <-gate.KillAt(t, p.cmd.Process.Pid, func() { _ = p.cmd.Process.Kill() }, archive, cutAt):
		case <-p.exited:
			t.Fatalf("arkisto exited before a WARC file reached %d bytes; stderr:\n%s", cutAt, p.errText())
		case <-time.After(hangGuard):
			t.Fatalf("no WARC file reached %d bytes within %v", cutAt, hangGuard)
		}
		killNow(t, p)
		gate.Close()
	}
	killedAfter := time.Since(began)
	requested := requestedTargets(t, reqs)
	before := warcNames(t, archive)
	open := clitest.OpenFiles(archive)

	began = time.Now()
	code, _, stderr := run(t, resumeArgs(out)...)
	t.Logf("killed after %v and %d requests (%d WARC files open); resumed to the end in %v",
		killedAfter.Round(time.Millisecond), len(requested), len(open), time.Since(began).Round(time.Millisecond))
	if code != cli.ExitOK {
		t.Fatalf("resume: exit status %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "resuming the unfinished crawl") {
		t.Errorf("the resume does not say it resumes; stderr:\n%s", stderr)
	}
	if holdAt == 0 {
		checkCutRepaired(t, archive, open, stderr)
	}
	all := checkResumed(t, out, base, want, before, requested)
	// Never answered, or cut from the WARC by the repair: fetched again, once.
	unfinished := bigPath
	if holdAt > 0 {
		unfinished = requested[holdAt-1]
	}
	if all[unfinished] != 1 {
		t.Errorf("%s, unfinished at the kill, is captured %d times, want once", unfinished, all[unfinished])
	}
}

var droppedRe = regexp.MustCompile(`repaired a WARC file left open by a crash" file=(\S+) records=\d+ dropped_bytes=(\d+)`)

// checkCutRepaired asserts that the kill cut a record of a file being
// written and that the resume cut the file back to its whole records.
func checkCutRepaired(t *testing.T, archive string, open map[string]int64, stderr string) {
	t.Helper()
	var name string
	for n, size := range open {
		if size >= cutAt {
			name = n
		}
	}
	if name == "" {
		t.Fatalf("no .open file of %d bytes or more after the kill: %v", cutAt, open)
	}
	st, err := os.Stat(filepath.Join(archive, strings.TrimSuffix(name, ".open")))
	if err != nil {
		t.Fatalf("the file left open was not repaired: %v", err)
	}
	dropped := open[name] - st.Size()
	if dropped <= 0 || st.Size() >= cutAt {
		t.Errorf("repair kept %d of %d bytes of %s: the big record was not cut", st.Size(), open[name], name)
	}
	reported := false
	for _, m := range droppedRe.FindAllStringSubmatch(stderr, -1) {
		if filepath.Base(m[1]) == strings.TrimSuffix(name, ".open") {
			reported = m[2] == strconv.FormatInt(dropped, 10)
		}
	}
	if !reported {
		t.Errorf("the resume does not report dropping %d bytes of %s; stderr:\n%s", dropped, name, stderr)
	}
	t.Logf("kill at %d bytes of %s; repair dropped %d bytes", open[name], name, dropped)
}
