package cli

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"arkisto/crawler/testsite"
)

// A seed no host of which ever answered ends with its own exit status and
// says, per seed host, why.
func TestUnreachableSeedExitsWithItsOwnStatus(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/"
	ln.Close() // nothing listens there now: every connection is refused
	out := t.TempDir()
	code, _, stderr := run(t, crawlArgs(out, closed, "--retries", "0")...)
	if code != ExitUnreachable {
		t.Fatalf("exit status %d, want %d; stderr:\n%s", code, ExitUnreachable, stderr)
	}
	for _, want := range []string{"no seed could be fetched", ln.Addr().String(), "connection refused", "crawl ended: no seed could be fetched"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if s := readSummary(t, out); s.Outcome != "unreachable" || s.Failures["refused"] == 0 || len(s.HostsGivenUp) != 1 {
		t.Errorf("summary.json: %+v, want outcome unreachable, refused failures and the host given up", s)
	}
}

// Without --output, the collection is named by the seed's host and its
// port, and the crawl says which collection it uses and how it begins.
func TestDefaultCollectionKeepsThePort(t *testing.T) {
	base := testsite.New(testsite.Options{Articles: 1}).Start(t)
	t.Chdir(t.TempDir())
	hostPort := strings.TrimPrefix(base, "http://")
	job := strings.ReplaceAll(hostPort, ":", "-")
	args := []string{"crawl", "--metrics-addr", "", "--delay", "0", "--max-pages", "3", base + "/"}
	code, _, stderr := run(t, args...)
	want := "arkisto: new collection " + filepath.Join("collections", job) + " (job " + job + ")"
	if code != ExitOK || !strings.Contains(stderr, want) {
		t.Fatalf("first crawl: exit status %d, stderr lacks %q:\n%s", code, want, stderr)
	}
	if _, err := os.Stat(filepath.Join("collections", job, "archive")); err != nil {
		t.Fatalf("no collection named with the port: %v", err)
	}
	code, _, stderr = run(t, args...)
	want = "arkisto: continuing the collection " + filepath.Join("collections", job) + " (job " + job + ")"
	if code != ExitOK || !strings.Contains(stderr, want) {
		t.Fatalf("second crawl: exit status %d, stderr lacks %q:\n%s", code, want, stderr)
	}
}

// summaryFile is what the test reads of logs/summary.json.
type summaryFile struct {
	Outcome       string           `json:"outcome"`
	Fetched       int64            `json:"fetched"`
	ByStatusClass map[string]int64 `json:"by_status_class"`
	Failures      map[string]int64 `json:"failures"`
	Retried       int64            `json:"retried_attempts"`
	WireBytes     int64            `json:"wire_bytes"`
	WARCBytes     int64            `json:"warc_bytes"`
	Revisits      int64            `json:"revisits"`
	HostsGivenUp  []struct {
		Host   string `json:"host"`
		Reason string `json:"reason"`
	} `json:"hosts_given_up"`
	TopHosts []struct {
		Host    string `json:"host"`
		Fetched int64  `json:"fetched"`
	} `json:"top_hosts"`
}

func readSummary(t *testing.T, out string) summaryFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "logs", "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s summaryFile
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("parse summary.json: %v", err)
	}
	return s
}

// The crawl ends with a summary, on stderr and in logs/summary.json, whose
// figures are those of crawl.log; no status line after the end says a
// fetch is in flight.
func TestCrawlEndsWithASummary(t *testing.T) {
	base := testsite.New(testsite.Options{Articles: 3}).Start(t)
	out := t.TempDir()
	// A second crawl into the folder meets payloads it holds: revisits.
	var firstRun int
	for i := range 2 {
		if code, _, stderr := run(t, crawlArgs(out, base+"/", "--delay", "0", "--max-depth", "2")...); code != ExitOK {
			t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
		}
		if i == 0 {
			firstRun = len(readFile(t, filepath.Join(out, "logs", "crawl.log")))
		}
	}
	// The second crawl's lines: the summary is of the last run.
	lines := strings.Split(strings.TrimSpace(readFile(t, filepath.Join(out, "logs", "crawl.log"))[firstRun:]), "\n")
	var fetched, wire, revisits, failed, robots int64
	classes := map[string]int64{}
	for _, l := range lines {
		f := strings.Fields(l)
		status, _ := strconv.Atoi(f[1])
		size, _ := strconv.ParseInt(f[2], 10, 64)
		switch {
		case status > 0:
			fetched++
			wire += size
			classes[fmt.Sprintf("%dxx", status/100)]++
			if strings.Contains(f[11], "duplicate:digest") {
				revisits++
			}
		case !strings.Contains(f[11], "retry:"):
			failed++
			if status == -9998 {
				robots++
			}
		}
	}
	s := readSummary(t, out)
	if int(s.Fetched+sum(s.Failures)+s.Retried) != len(lines) {
		t.Fatalf("summary counts %d lines, the second run wrote %d", s.Fetched+sum(s.Failures)+s.Retried, len(lines))
	}
	if s.Outcome != "finished" || s.Fetched != fetched || s.WireBytes != wire || s.Revisits != revisits ||
		sum(s.Failures) != failed || s.Failures["robots"] != robots {
		t.Errorf("summary %+v; crawl.log says fetched %d, wire %d, revisits %d, failed %d, robots %d", s, fetched, wire, revisits, failed, robots)
	}
	if revisits == 0 || classes["4xx"] == 0 || classes["5xx"] == 0 || robots == 0 {
		t.Fatalf("the test site gave no revisit, 4xx, 5xx or robots refusal (%v, %d, %d): the test proves nothing", classes, revisits, robots)
	}
	for class, n := range classes {
		if s.ByStatusClass[class] != n {
			t.Errorf("summary %s = %d, crawl.log has %d", class, s.ByStatusClass[class], n)
		}
	}
	if s.WARCBytes <= 0 || len(s.TopHosts) != 1 || s.TopHosts[0].Fetched != fetched {
		t.Errorf("summary WARC bytes %d, top hosts %+v", s.WARCBytes, s.TopHosts)
	}
	_, _, stderr := run(t, crawlArgs(out, base+"/", "--delay", "0", "--max-pages", "2")...)
	tail := stderr[strings.LastIndex(stderr, "arkisto: crawl stopped at --max-pages"):]
	for _, want := range []string{"fetched:", "failed:", "not fetched:", "bytes:", "top hosts:", "summary.json"} {
		if !strings.Contains(tail, want) {
			t.Errorf("summary on stderr lacks %q:\n%s", want, tail)
		}
	}
	if strings.Contains(tail, "in flight") {
		t.Errorf("a line after the end says a fetch is in flight:\n%s", tail)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// The default metrics port being taken (another crawl) does not stop a
// crawl: it takes the next free port and says which. A port the user
// gave must be free.
func TestBusyMetricsPort(t *testing.T) {
	base := testsite.New(testsite.Options{Articles: 1}).Start(t)
	// Hold the default port, unless someone else already does: busy either way.
	if held, err := net.Listen("tcp", "127.0.0.1:9791"); err == nil {
		defer held.Close()
	}
	out := t.TempDir()
	code, _, stderr := run(t, "crawl", "--output", out, "--delay", "0", "--max-pages", "2", base+"/")
	if code != ExitOK {
		t.Fatalf("exit status %d with the default port busy; stderr:\n%s", code, stderr)
	}
	taken := regexp.MustCompile(`next free port.*url=http://127\.0\.0\.1:(979[2-9])/metrics`).FindStringSubmatch(stderr)
	if taken == nil && !strings.Contains(stderr, "crawling without metrics") {
		t.Errorf("stderr names no other port:\n%s", stderr)
	}
	if !strings.Contains(stderr, "loopback only") {
		t.Errorf("stderr does not say who can reach the metrics:\n%s", stderr)
	}

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	code, _, stderr = run(t, "crawl", "--output", t.TempDir(), "--metrics-addr", busy.Addr().String(), base+"/")
	if code != ExitUsage || !strings.Contains(stderr, busy.Addr().String()) {
		t.Errorf("a busy --metrics-addr given: exit status %d, want %d naming it; stderr:\n%s", code, ExitUsage, stderr)
	}
}
