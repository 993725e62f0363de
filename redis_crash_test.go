//go:build linux

package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"arkisto/crawler/cli/clitest"
	"arkisto/crawler/frontier/redistest"
	"arkisto/crawler/testsite"
)

// The multi-process acceptance tests of issue 13: several arkisto crawl
// processes on one Redis frontier, over test-site hosts on loopback
// addresses of their own (127.0.0.2, 127.0.0.3...), one of them killed
// with -9, Redis restarted, Redis stopped for ten seconds. Linux only: the
// whole of 127.0.0.0/8 is on the loopback interface there.

const (
	sharedHosts    = 4
	sharedArticles = 12
	sharedDelay    = 20 * time.Millisecond
	sharedWorkers  = 3
)

// hit is one request as a host's server saw it, held ones included.
type hit struct {
	start, end time.Time
	path       string
}

// sharedSites serve the test site on sharedHosts loopback addresses, log
// every request server side, and can hold the nth request (counted over
// all hosts) until released or its client is gone.
type sharedSites struct {
	sites []*testsite.Site
	bases []string
	srvs  []*httptest.Server

	mu    sync.Mutex
	hits  map[string][]hit // by base
	count int
	holds map[int]*held // by request number
}

// held is a request to hold: reached closes when it arrives, release to
// let it go on.
type held struct {
	reached, release chan struct{}
}

func newSharedSites(t *testing.T) *sharedSites {
	t.Helper()
	s := &sharedSites{hits: map[string][]hit{}, holds: map[int]*held{}}
	for i := range sharedHosts {
		site := testsite.New(testsite.Options{Articles: sharedArticles, Latency: 2 * time.Millisecond})
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", i+2))
		if err != nil {
			t.Fatalf("listen on a loopback address of its own: %v", err)
		}
		srv := httptest.NewUnstartedServer(nil)
		srv.Listener.Close()
		srv.Listener = ln
		base := "http://" + ln.Addr().String()
		srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(base, site, w, r) })
		srv.Start()
		t.Cleanup(srv.Close)
		s.sites, s.bases, s.srvs = append(s.sites, site), append(s.bases, base), append(s.srvs, srv)
	}
	return s
}

// hold holds the nth request from now until its client leaves or release
// is called; reached closes when it arrives.
func (s *sharedSites) hold(n int) (reached <-chan struct{}, release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := &held{reached: make(chan struct{}), release: make(chan struct{})}
	s.holds[s.count+n] = h
	return h.reached, func() { close(h.release) }
}

func (s *sharedSites) serve(base string, site *testsite.Site, w http.ResponseWriter, r *http.Request) {
	h := hit{start: time.Now(), path: r.URL.RequestURI()}
	s.mu.Lock()
	s.count++
	hold := s.holds[s.count]
	s.mu.Unlock()
	served := true
	if hold != nil {
		close(hold.reached)
		select {
		case <-hold.release:
		case <-r.Context().Done():
			served = false
		}
	}
	if served {
		site.ServeHTTP(w, r)
	}
	h.end = time.Now()
	s.mu.Lock()
	s.hits[base] = append(s.hits[base], h)
	s.mu.Unlock()
}

// closeAndHits stops the servers, once every request has ended, and
// returns the requests of each host by start.
func (s *sharedSites) closeAndHits() map[string][]hit {
	for _, srv := range s.srvs {
		srv.CloseClientConnections()
		srv.Close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, hs := range s.hits {
		slices.SortFunc(hs, func(a, b hit) int { return a.start.Compare(b.start) })
	}
	return s.hits
}

// want is every URL a crawl of the hosts captures.
func (s *sharedSites) want() []string {
	var urls []string
	for i, site := range s.sites {
		urls = append(urls, site.ExpectedURLs(s.bases[i], testsite.CrawlSettings{})...)
	}
	slices.Sort(urls)
	return urls
}

// sharedArgs are the flags of a process of crawl id on frontier, into out.
func sharedArgs(out, frontier, id string, extra ...string) []string {
	args := []string{"crawl", "--metrics-addr", "", "--output", out, "--frontier", frontier, "--crawl-id", id,
		"--delay", sharedDelay.String(), "--workers", fmt.Sprint(sharedWorkers)}
	return append(args, extra...)
}

var processName = regexp.MustCompile(`joined the shared crawl.*process=(\S+)`)

// joined waits for p to join its crawl and returns its process name.
func joined(t *testing.T, p *proc) string {
	t.Helper()
	p.waitFor(t, "joining the crawl", processName.MatchString, hangGuard)
	return processName.FindStringSubmatch(p.errText())[1]
}

// capturesByProcess reads every WARC file of the folders and counts the
// captures of each URL per process, which the file names tell.
func capturesByProcess(t *testing.T, folders ...string) map[string]map[string]int {
	t.Helper()
	name := regexp.MustCompile(`-\d{5}-([A-Za-z0-9-]+-[0-9a-f]{6})\.warc\.gz$`)
	out := map[string]map[string]int{}
	for _, dir := range folders {
		archive := filepath.Join(dir, "archive")
		checkArchive(t, archive)
		checkValidates(t, archive)
		files, _ := filepath.Glob(filepath.Join(archive, "*.warc.gz"))
		for _, f := range files {
			m := name.FindStringSubmatch(f)
			if m == nil {
				t.Fatalf("%s is not named after its process", f)
			}
			if out[m[1]] == nil {
				out[m[1]] = map[string]int{}
			}
			for u, n := range capturesIn(t, f, "") {
				out[m[1]][u] += n
			}
		}
	}
	return out
}

// checkPoliteness asserts, from the servers' side, that no host ever had
// two requests at once or a gap under the delay between two.
func checkPoliteness(t *testing.T, hits map[string][]hit) {
	t.Helper()
	for base, hs := range hits {
		for i := 1; i < len(hs); i++ {
			if gap := hs[i].start.Sub(hs[i-1].end); gap < sharedDelay {
				t.Errorf("%s: %s started %v after %s ended, want at least %v (and never while it ran)",
					base, hs[i].path, gap, hs[i-1].path, sharedDelay)
			}
		}
	}
}

// checkMergedIndex copies every folder's WARC files into one collection,
// merges the folders' indexes into it with arkisto index --merge, and
// compares that with arkisto index over all the files.
func checkMergedIndex(t *testing.T, folders ...string) {
	t.Helper()
	merged, rebuilt := t.TempDir(), t.TempDir()
	for _, dir := range []string{merged, rebuilt} {
		if err := os.MkdirAll(filepath.Join(dir, "archive"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, from := range folders {
			files, _ := filepath.Glob(filepath.Join(from, "archive", "*.warc.gz"))
			for _, f := range files {
				clitest.CopyFile(t, f, filepath.Join(dir, "archive", filepath.Base(f)))
			}
		}
	}
	if code, stdout, stderr := run(t, append([]string{"index", "--merge", merged}, folders...)...); code != exitOK {
		t.Fatalf("arkisto index --merge: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := run(t, "index", rebuilt); code != exitOK {
		t.Fatalf("arkisto index: exit %d\n%s%s", code, stdout, stderr)
	}
	a, _ := os.ReadFile(filepath.Join(merged, "indexes", "index.cdxj"))
	b, _ := os.ReadFile(filepath.Join(rebuilt, "indexes", "index.cdxj"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the merged index of the processes' collections (%d bytes) differs from arkisto index over all files (%d bytes)", len(a), len(b))
	}
}

// checkNoSpills asserts that no index spill folder, a dead process's
// included, is left in the folders.
func checkNoSpills(t *testing.T, folders ...string) {
	t.Helper()
	for _, dir := range folders {
		if left, _ := filepath.Glob(filepath.Join(dir, "state", "cdxj-*")); len(left) > 0 {
			t.Errorf("index spill folders left: %q", left)
		}
	}
}

// Three processes crawl four hosts as one; the first, killed with -9 while
// it holds a request, comes back into its folder as a fourth. Nothing is
// lost: the union of the captures is the site's, a URL is fetched twice
// only if the dead process had it, the delay and one request per host hold
// across processes, every WARC file validates, and the processes' indexes
// merge into the one arkisto index makes of all files.
func TestSharedCrawlKillMinus9(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	sites := newSharedSites(t)
	dirs := map[string]string{"a": t.TempDir(), "b": t.TempDir(), "c": t.TempDir()}
	const holdAt = 25
	reached, _ := sites.hold(holdAt) // until the kill
	lease := []string{"--lease-ttl", "2s"}

	a := start(t, "", append(sharedArgs(dirs["a"], srv.URL(0), "kill", lease...), sites.bases...)...)
	idA := joined(t, a)
	waitHeld(t, reached, a, fmt.Sprintf("request %d", holdAt)) // only a runs: the held request is a's
	b := start(t, "", sharedArgs(dirs["b"], srv.URL(0), "kill", lease...)...)
	c := start(t, "", sharedArgs(dirs["c"], srv.URL(0), "kill", lease...)...)
	joined(t, b)
	joined(t, c)
	killNow(t, a)
	killed := time.Now()
	// Its machine comes back: a new process in the same folder.
	d := start(t, "", sharedArgs(dirs["a"], srv.URL(0), "kill", lease...)...)
	idD := joined(t, d)
	for name, p := range map[string]*proc{"b": b, "c": c, "d": d} {
		if code := p.wait(t, hangGuard); code != exitOK {
			t.Fatalf("process %s: exit %d; stderr:\n%s", name, code, p.errText())
		}
	}
	if !strings.Contains(d.errText(), "repaired a WARC file left open by a crash") {
		t.Errorf("the process back in the dead one's folder did not repair its open file; stderr:\n%s", d.errText())
	}
	hits := sites.closeAndHits()
	t.Logf("killed %s after %d requests at %s; %s came back", idA, holdAt, killed.Format(time.StampMilli), idD)

	folders := []string{dirs["a"], dirs["b"], dirs["c"]}
	byProcess := capturesByProcess(t, folders...)
	if len(byProcess) != 4 {
		t.Errorf("captures of %d processes, want 4", len(byProcess))
	}
	all := map[string]int{}
	for _, caps := range byProcess {
		for u, n := range caps {
			all[u] += n
		}
	}
	sameURLs(t, all, sites.want())
	var twice []string
	for u, n := range all {
		switch {
		case n == 1:
		case n > 2 || byProcess[idA][u] != 1:
			t.Errorf("%s captured %d times, %d of them by the killed process", u, n, byProcess[idA][u])
		default:
			twice = append(twice, u)
		}
	}
	requestedTwice := 0
	for base, hs := range hits {
		first := map[string]time.Time{}
		for _, h := range hs {
			at, again := first[h.path]
			if !again {
				first[h.path] = h.start
				continue
			}
			requestedTwice++
			if !at.Before(killed) || h.start.Before(killed) {
				t.Errorf("%s%s requested twice, first at %s, again at %s: not a URL the killed process had",
					base, h.path, at.Format(time.StampMilli), h.start.Format(time.StampMilli))
			}
		}
	}
	if requestedTwice > sharedWorkers {
		t.Errorf("%d URLs requested twice, more than the %d the killed process could have in flight", requestedTwice, sharedWorkers)
	}
	t.Logf("captured twice: %v; requested twice: %d", twice, requestedTwice)
	checkPoliteness(t, hits)
	checkMergedIndex(t, folders...)
	checkNoSpills(t, folders...)
}

// outage is how long the outage test keeps Redis stopped.
const outage = 10 * time.Second

var metricsURL = regexp.MustCompile(`serving metrics" url=(\S+)`)

// Two processes crawl on; Redis is restarted under them, then stopped for
// ten seconds: they pause, saying so in their log and their metrics, and
// go on once it is back, from the append-only file. Nothing is lost and
// nothing fetched twice, politeness holds, every WARC file validates.
func TestSharedCrawlRedisOutages(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	sites := newSharedSites(t)
	dirs := []string{t.TempDir(), t.TempDir()}
	// Leases outlive the outage, so nothing goes back to its queue: a URL
	// fetched twice would be a URL lost track of.
	extra := func() []string { return []string{"--lease-ttl", "45s", "--metrics-addr", freeAddr(t)} }
	first, releaseFirst := sites.hold(40)
	one := start(t, "", append(append(sharedArgs(dirs[0], srv.URL(0), "outage"), extra()...), sites.bases...)...)
	waitHeld(t, first, one, "request 40")
	two := start(t, "", append(sharedArgs(dirs[1], srv.URL(0), "outage"), extra()...)...)
	joined(t, two)
	procs := []*proc{one, two}

	srv.Restart(t)
	second, releaseSecond := sites.hold(80)
	releaseFirst()
	waitHeld(t, second, one, "80 requests after the restart")

	stopped := time.Now()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		p.waitFor(t, "the outage in the log", func(s string) bool { return strings.Contains(s, "does not answer") }, hangGuard)
	}
	releaseSecond() // its fetch ends during the outage; its Done waits
	time.Sleep(outage - time.Since(stopped))
	for _, p := range procs {
		m := metricsURL.FindStringSubmatch(p.errText())
		if m == nil {
			t.Fatalf("no metrics address in the log:\n%s", p.errText())
		}
		body := scrapeMetrics(t, m[1])
		if !strings.Contains(body, "\narkisto_frontier_unavailable 1\n") || !regexp.MustCompile(`\narkisto_frontier_pauses_total [1-9]`).MatchString(body) {
			t.Errorf("metrics during the outage do not show it:\n%s", grepLines(body, "arkisto_frontier_"))
		}
	}
	srv.Restart(t)
	for i, p := range procs {
		if code := p.wait(t, hangGuard); code != exitOK {
			t.Fatalf("process %d: exit %d; stderr:\n%s", i+1, code, p.errText())
		}
		if !strings.Contains(p.errText(), "answers again") {
			t.Errorf("process %d does not say Redis came back; stderr:\n%s", i+1, p.errText())
		}
	}
	hits := sites.closeAndHits()

	all := map[string]int{}
	for _, caps := range capturesByProcess(t, dirs...) {
		for u, n := range caps {
			all[u] += n
		}
	}
	sameURLs(t, all, sites.want())
	for u, n := range all {
		if n != 1 {
			t.Errorf("%s captured %d times", u, n)
		}
	}
	for base, hs := range hits {
		seen := map[string]bool{}
		for _, h := range hs {
			if seen[h.path] {
				t.Errorf("%s%s requested twice", base, h.path)
			}
			seen[h.path] = true
		}
	}
	checkPoliteness(t, hits)
	checkMergedIndex(t, dirs...)
}

func scrapeMetrics(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// grepLines is the lines of text that start with prefix.
func grepLines(text, prefix string) string {
	var out []string
	for l := range strings.Lines(text) {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
