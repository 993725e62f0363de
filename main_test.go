package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"
	"go.uber.org/goleak"

	"arkisto/crawler/cli"
	"arkisto/crawler/cli/clitest"
	"arkisto/crawler/testsite"
)

// arkistoBin is the command under test, built once by TestMain: these
// tests run the real process, signals and exit statuses included. It is
// written once before any test runs and only read afterwards.
var arkistoBin string

// TestMain builds the binary (with -race when the tests have it, and with
// the -overlay named by ARKISTO_TEST_OVERLAY, for a tree that has files
// mid-edit) and checks for leaked goroutines once the tests are done.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "arkisto-main-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "create build folder:", err)
		os.Exit(1)
	}
	arkistoBin = filepath.Join(dir, "arkisto")
	args := []string{"build", "-o", arkistoBin}
	if raceEnabled() {
		args = append(args, "-race")
	}
	if ov := os.Getenv("ARKISTO_TEST_OVERLAY"); ov != "" {
		args = append(args, "-overlay", ov)
	}
	build := exec.Command("go", append(args, ".")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build arkisto:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "leaked goroutines:", err)
			code = 1
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true
		}
	}
	return false
}

// proc is one running arkisto process.
type proc struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	mu     sync.Mutex
	stderr strings.Builder
	acked  chan struct{} // closed when stderr shows the ack line
	exited chan struct{} // closed once the process is gone and its output read
	grew   chan struct{} // closed and replaced at each line of stderr
}

// start runs arkisto with args; ack is a stderr substring whose first
// appearance closes p.acked ("" for none).
func start(t *testing.T, ack string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(arkistoBin, args...), acked: make(chan struct{}), exited: make(chan struct{}), grew: make(chan struct{})}
	p.cmd.Stdout = &p.stdout
	errPipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.exited)
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			close(p.grew)
			p.grew = make(chan struct{})
			p.mu.Unlock()
			if ack != "" && strings.Contains(sc.Text(), ack) {
				close(p.acked)
				ack = ""
			}
		}
		_, _ = io.Copy(io.Discard, errPipe)
		_ = p.cmd.Wait() // the exit status is read from ProcessState
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// wait returns the exit status, failing the test if the process has not
// ended within limit.
func (p *proc) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(limit):
		_ = p.cmd.Process.Kill()
		<-p.exited
		t.Fatalf("arkisto %v did not exit within %v; stderr:\n%s", p.cmd.Args[1:], limit, p.errText())
		return -1
	}
}

// waitFor waits until stderr satisfies said, failing the test if the
// process exits first or limit passes.
func (p *proc) waitFor(t *testing.T, what string, said func(stderr string) bool, limit time.Duration) {
	t.Helper()
	deadline := time.After(limit)
	for {
		p.mu.Lock()
		text, grew := p.stderr.String(), p.grew
		p.mu.Unlock()
		if said(text) {
			return
		}
		select {
		case <-grew:
		case <-p.exited:
			if !said(p.errText()) {
				t.Fatalf("arkisto exited before %s; stderr:\n%s", what, p.errText())
			}
			return
		case <-deadline:
			t.Fatalf("no %s within %v; stderr:\n%s", what, limit, p.errText())
		}
	}
}

func (p *proc) errText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// run runs arkisto to its end and returns its exit status, stdout, stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	p := start(t, "", args...)
	code := p.wait(t, 2*time.Minute)
	return code, p.stdout.String(), p.errText()
}

// crawlArgs are the flags every test crawl uses, then extra, then the seed.
func crawlArgs(out, seed string, extra ...string) []string {
	args := []string{"crawl", "--metrics-addr", "", "--output", out}
	return append(append(args, extra...), seed)
}

// logLine returns the crawl.log line of url, "" if there is none.
func logLine(t *testing.T, out, url string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "logs", "crawl.log"))
	if err != nil {
		t.Fatal(err)
	}
	for l := range strings.Lines(string(data)) {
		if f := strings.Fields(l); len(f) > 3 && f[3] == url {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

func TestSIGTERMMidCrawl(t *testing.T) {
	site := testsite.New(testsite.Options{Latency: 20 * time.Millisecond})
	reqs := clitest.NewRequests()
	base := reqs.Serve(t, nil, site)
	reached, release := reqs.Hold(15)
	release() // only to hear of it
	out := t.TempDir()
	p := start(t, "", crawlArgs(out, base+"/", "--delay", "50ms")...)
	select {
	case <-reached:
	case <-p.exited:
		t.Fatalf("arkisto exited before the 15th request; stderr:\n%s", p.errText())
	case <-time.After(time.Minute):
		t.Fatalf("no 15th request within a minute; stderr:\n%s", p.errText())
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t, time.Minute); code != cli.ExitInterrupted {
		t.Fatalf("exit status %d, want %d; stderr:\n%s", code, cli.ExitInterrupted, p.errText())
	}
	archive := filepath.Join(out, "archive")
	responses := clitest.CheckArchive(t, archive)
	if len(responses) >= len(site.ExpectedURLs(base, testsite.CrawlSettings{})) {
		t.Errorf("the interrupted crawl captured everything: the signal came too late to test anything")
	}
	if code, stdout, stderr := run(t, "validate", archive); code != cli.ExitOK {
		t.Errorf("arkisto validate exit %d:\n%s%s", code, stdout, stderr)
	}
}

func TestSecondSignalStopsAtOnce(t *testing.T) {
	release := make(chan struct{})
	stalled := make(chan struct{})
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", http.NotFound)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html><body><p>the rest never comes")
		_ = http.NewResponseController(w).Flush()
		once.Do(func() { close(stalled) })
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	defer close(release) // runs before srv.Close, which waits for handlers

	out := t.TempDir()
	p := start(t, "send again to stop at once", crawlArgs(out, srv.URL+"/", "--delay", "0", "--grace-period", "1m")...)
	select {
	case <-stalled:
	case <-p.exited:
		t.Fatalf("arkisto exited before the stalled request; stderr:\n%s", p.errText())
	case <-time.After(time.Minute):
		t.Fatalf("the stalled page was not requested within a minute; stderr:\n%s", p.errText())
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Go coalesces a signal that arrives before the previous one was
	// handled: send the second only once the first was acknowledged.
	select {
	case <-p.acked:
	case <-time.After(time.Minute):
		t.Fatalf("first SIGTERM not acknowledged; stderr:\n%s", p.errText())
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Well under the 1m grace period: only the second signal can end it.
	if code := p.wait(t, 30*time.Second); code != cli.ExitInterrupted {
		t.Fatalf("exit status %d, want %d; stderr:\n%s", code, cli.ExitInterrupted, p.errText())
	}
	responses := clitest.CheckArchive(t, filepath.Join(out, "archive"))
	// Whether the client had parsed the partial response when the second
	// signal came is up to the scheduler. Either it is archived as cut, or
	// the fetch is logged as failed; never archived as if it were whole.
	if cut, ok := responses[srv.URL+"/"]; ok {
		if cut.Get(gowarc.WarcTruncated) == "" {
			t.Errorf("the stalled page was archived without WARC-Truncated; crawl.log: %s", logLine(t, out, srv.URL+"/"))
		}
	} else if line := logLine(t, out, srv.URL+"/"); !strings.HasPrefix(strings.Fields(line + " - -")[1], "-") {
		t.Errorf("the stalled page is neither archived nor logged as failed; crawl.log line %q", line)
	}
}
