package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"
	"github.com/spf13/pflag"
	"go.uber.org/goleak"

	"arkisto/config"
	"arkisto/crawler/testsite"
	"arkisto/warc"
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
}

// start runs arkisto with args; ack is a stderr substring whose first
// appearance closes p.acked ("" for none).
func start(t *testing.T, ack string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(arkistoBin, args...), acked: make(chan struct{}), exited: make(chan struct{})}
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

// checkArchive asserts that no WARC file was left open and that every
// record reads back, with our validator and with gowarc; it returns the
// response records by target URI, as gowarc read them.
func checkArchive(t *testing.T, archive string) map[string]gowarc.WarcFields {
	t.Helper()
	if open, _ := filepath.Glob(filepath.Join(archive, "*.open")); len(open) > 0 {
		t.Errorf("files left open: %v", open)
	}
	sum, err := warc.ValidatePaths(t.Context(), []string{archive}, warc.ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.OK() {
		t.Errorf("validator found %d problems: %+v", sum.Problems, sum.Reports)
	}
	files, _ := filepath.Glob(filepath.Join(archive, "*.warc.gz"))
	responses := map[string]gowarc.WarcFields{}
	count := 0
	for _, f := range files {
		count += readWithGowarc(t, f, responses)
	}
	if count != sum.Records || count == 0 {
		t.Errorf("gowarc read %d records, the validator %d", count, sum.Records)
	}
	return responses
}

// readWithGowarc reads one file with gowarc. gowarc hashes chunked payloads
// with their framing (DESIGN.md), so a payload digest complaint is the only
// one accepted.
func readWithGowarc(t *testing.T, path string, responses map[string]gowarc.WarcFields) int {
	t.Helper()
	wf, err := gowarc.NewWarcFileReader(path, 0)
	if err != nil {
		t.Fatalf("gowarc open %s: %v", path, err)
	}
	defer wf.Close()
	n := 0
	for rec, err := range wf.Records() {
		if err != nil {
			t.Fatalf("gowarc read %s: %v", path, err)
		}
		raw, err := rec.WarcRecord.Block().RawBytes()
		if err == nil {
			_, err = io.Copy(io.Discard, raw)
		}
		if err != nil {
			t.Fatalf("gowarc block in %s: %v", path, err)
		}
		for _, v := range rec.Validation {
			if !strings.Contains(v.Error(), "payload") {
				t.Errorf("gowarc %s: %v", path, v)
			}
		}
		h := rec.WarcRecord.WarcHeader()
		if rec.WarcRecord.Type() == gowarc.Response {
			responses[h.Get(gowarc.WarcTargetURI)] = *h
		}
		rec.Close()
		n++
	}
	return n
}

// fetchLines returns the crawl.log lines of fetches: those with an HTTP
// status, not a negative Heritrix code.
func fetchLines(t *testing.T, out string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "logs", "crawl.log"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for l := range strings.Lines(string(data)) {
		if f := strings.Fields(l); len(f) >= 12 && !strings.HasPrefix(f[1], "-") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	return lines
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

// countingHandler closes reached while serving its nth request.
type countingHandler struct {
	next    http.Handler
	n       int64
	count   atomic.Int64
	reached chan struct{}
}

func (h *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.count.Add(1) == h.n {
		close(h.reached)
	}
	h.next.ServeHTTP(w, r)
}

func TestSIGTERMMidCrawl(t *testing.T) {
	site := testsite.New(testsite.Options{Latency: 20 * time.Millisecond})
	h := &countingHandler{next: site, n: 15, reached: make(chan struct{})}
	srv := httptest.NewServer(h)
	defer srv.Close()
	out := t.TempDir()
	p := start(t, "", crawlArgs(out, srv.URL+"/", "--delay", "50ms")...)
	select {
	case <-h.reached:
	case <-p.exited:
		t.Fatalf("arkisto exited before the 15th request; stderr:\n%s", p.errText())
	case <-time.After(time.Minute):
		t.Fatalf("no 15th request within a minute; stderr:\n%s", p.errText())
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t, time.Minute); code != exitInterrupted {
		t.Fatalf("exit status %d, want %d; stderr:\n%s", code, exitInterrupted, p.errText())
	}
	archive := filepath.Join(out, "archive")
	responses := checkArchive(t, archive)
	if len(responses) >= len(site.ExpectedURLs(srv.URL, testsite.CrawlSettings{})) {
		t.Errorf("the interrupted crawl captured everything: the signal came too late to test anything")
	}
	if code, stdout, stderr := run(t, "validate", archive); code != exitOK {
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
	if code := p.wait(t, 30*time.Second); code != exitInterrupted {
		t.Fatalf("exit status %d, want %d; stderr:\n%s", code, exitInterrupted, p.errText())
	}
	responses := checkArchive(t, filepath.Join(out, "archive"))
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

func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	writeFile := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	const seed = "http://127.0.0.1:9/" // never dialed: every case fails before
	unknownKey := writeFile("unknown.yaml", "seeds: [\""+seed+"\"]\nfrobnicate: 3\n")
	badScope := writeFile("scope.yaml", "seeds: [\""+seed+"\"]\nscope: planet\n")
	out := filepath.Join(dir, "out")
	tests := []struct {
		name  string
		args  []string
		code  int
		names []string // what stderr must mention
	}{
		{"unknown flag", crawlArgs(out, seed, "--no-such-flag"), exitUsage, []string{"--no-such-flag"}},
		{"bad flag value", crawlArgs(out, seed, "--delay", "soon"), exitUsage, []string{"delay", "soon"}},
		{"ftp seed", crawlArgs(out, "ftp://x"), exitUsage, []string{`"ftp://x"`, "seeds[0]"}},
		{"seed without host", crawlArgs(out, "http://"), exitUsage, []string{`"http://"`, "no host"}},
		{"second seed bad", crawlArgs(out, "ftp://y", seed), exitUsage, []string{`"ftp://y"`}},
		{"no seed", []string{"crawl", "--metrics-addr", "", "--output", out}, exitUsage, []string{"seeds"}},
		{"config with an unknown key", crawlArgs(out, seed, "--config", unknownKey), exitUsage, []string{"frobnicate"}},
		{"config with a bad scope", crawlArgs(out, seed, "--config", badScope), exitUsage, []string{"scope", "planet"}},
		{"bad scope flag", crawlArgs(out, seed, "--scope", "planet"), exitUsage, []string{"scope", "planet"}},
		{"zero workers", crawlArgs(out, seed, "--workers", "0"), exitUsage, []string{"workers"}},
		{"missing config file", crawlArgs(out, seed, "--config", filepath.Join(dir, "absent.yaml")), exitUsage, []string{"absent.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, want := range tt.names {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not name %q:\n%s", want, stderr)
				}
			}
		})
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused crawl created its output folder (stat: %v)", err)
	}
}

func TestCrawlHelpListsEveryFlagWithItsDefault(t *testing.T) {
	code, help, stderr := run(t, "crawl", "--help")
	if code != exitOK {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	lineOf := func(name string) string {
		re := regexp.MustCompile(`(?m)^\s+(-\w, )?--` + regexp.QuoteMeta(name) + `\b.*$`)
		return re.FindString(help)
	}
	// Every flag is listed; pflag shows the default of each whose default
	// is not the zero value, and the zero ones say what zero means.
	newCrawlCommand(nil).Flags().VisitAll(func(f *pflag.Flag) {
		line := lineOf(f.Name)
		if line == "" {
			t.Errorf("--%s is not in crawl --help", f.Name)
			return
		}
		switch f.DefValue {
		case "", "0", "false", "[]":
		default:
			if !strings.Contains(line, "(default ") || !strings.Contains(line, f.DefValue) {
				t.Errorf("--%s: help line %q does not show its default %s", f.Name, strings.TrimSpace(line), f.DefValue)
			}
		}
	})
	// The defaults issue 2 names, as the help must show them.
	for flag, want := range map[string]string{
		"output":           "collections/<job>",
		"job":              "first seed's host",
		"scope":            `(default "domain")`,
		"max-depth":        "(default 20)",
		"max-pages":        "0 = no limit",
		"delay":            "(default 1s)",
		"host-concurrency": "(default 1)",
		"workers":          "(default 16)",
		"user-agent":       "arkisto/" + config.Version + " (+",
		"timeout":          "(default 1m0s)",
		"max-body-size":    fmt.Sprintf("(default %d)", 100<<20),
		"warc-max-size":    fmt.Sprintf("(default %d)", 1<<30),
		"warc-prefix":      `(default "arkisto")`,
	} {
		if line := lineOf(flag); !strings.Contains(line, want) {
			t.Errorf("--%s: help line %q lacks %q", flag, strings.TrimSpace(line), want)
		}
	}
}

func TestCleanCrawlValidateAndIndex(t *testing.T) {
	site := testsite.New(testsite.Options{Articles: 3})
	base := site.Start(t)
	out := t.TempDir()
	if code, _, stderr := run(t, crawlArgs(out, base+"/", "--delay", "0")...); code != exitOK {
		t.Fatalf("exit status %d, want 0 despite the site's 404 and 500; stderr:\n%s", code, stderr)
	}
	archive := filepath.Join(out, "archive")
	checkArchive(t, archive)
	statuses := map[string]bool{}
	for _, l := range fetchLines(t, out) {
		statuses[strings.Fields(l)[1]] = true
	}
	if !statuses["404"] || !statuses["500"] {
		t.Fatalf("the crawl met no 404 or no 500 (statuses %v): the test proves nothing", statuses)
	}

	t.Run("validate passes a clean archive", func(t *testing.T) {
		code, stdout, stderr := run(t, "validate", archive)
		if code != exitOK || !strings.Contains(stdout, " 0 problems") {
			t.Errorf("exit status %d, want 0:\n%s%s", code, stdout, stderr)
		}
	})

	t.Run("validate finds a planted fault", func(t *testing.T) {
		files, _ := filepath.Glob(filepath.Join(archive, "*.warc.gz"))
		data, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 0x55
		bad := filepath.Join(t.TempDir(), "planted.warc.gz")
		if err := os.WriteFile(bad, data, 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := run(t, "validate", bad)
		if code != exitFailure {
			t.Errorf("exit status %d, want %d:\n%s%s", code, exitFailure, stdout, stderr)
		}
		if !strings.Contains(stdout, "planted.warc.gz@") {
			t.Errorf("the report does not locate the fault:\n%s", stdout)
		}
	})

	t.Run("index rebuilds the crawl-time index byte for byte", func(t *testing.T) {
		indexPath := filepath.Join(out, "indexes", "index.cdxj")
		crawlTime, err := os.ReadFile(indexPath)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(indexPath); err != nil {
			t.Fatal(err)
		}
		if code, stdout, stderr := run(t, "index", out); code != exitOK {
			t.Fatalf("exit status %d:\n%s%s", code, stdout, stderr)
		}
		rebuilt, err := os.ReadFile(indexPath)
		if err != nil {
			t.Fatal(err)
		}
		if len(crawlTime) == 0 || !bytes.Equal(rebuilt, crawlTime) {
			t.Errorf("rebuilt index (%d bytes) differs from the crawl-time one (%d bytes)", len(rebuilt), len(crawlTime))
		}
	})
}

func TestMaxPagesStopsCleanly(t *testing.T) {
	const limit = 5
	site := testsite.New(testsite.Options{Articles: 3})
	base := site.Start(t)
	out := t.TempDir()
	code, _, stderr := run(t, crawlArgs(out, base+"/", "--delay", "0", "--max-pages", fmt.Sprint(limit))...)
	if code != exitOK {
		t.Fatalf("exit status %d, want 0; stderr:\n%s", code, stderr)
	}
	// --max-pages counts fetches, robots.txt included: exactly that many
	// reached the server, were logged and were archived.
	lines := fetchLines(t, out)
	if len(lines) != limit {
		t.Errorf("crawl.log has %d fetch lines, want %d:\n%s", len(lines), limit, strings.Join(lines, "\n"))
	}
	if hits := site.Hits(); len(hits) != limit {
		t.Errorf("the server saw %d requests, want %d", len(hits), limit)
	}
	if responses := checkArchive(t, filepath.Join(out, "archive")); len(responses) != limit {
		t.Errorf("%d response records, want %d", len(responses), limit)
	}
	if len(lines) > 0 && !strings.Contains(lines[0], testsite.PathRobots) {
		t.Errorf("first fetch %q, want robots.txt", lines[0])
	}
}
