//go:build linux

package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"arkisto/crawler/cli"
	"arkisto/crawler/cli/clitest"
	"arkisto/crawler/testsite"
)

// The multi-process acceptance tests of issue 13: several arkisto crawl
// processes on one Redis frontier, over test-site hosts on loopback
// addresses of their own (127.0.0.2, 127.0.0.3...), one of them killed
// with -9 (redis_kill_test.go), Redis restarted and stopped for ten
// seconds (redis_outage_test.go). Linux only: the whole of 127.0.0.0/8 is
// on the loopback interface there.

const (
	sharedHosts = 4
	// sharedArticles is one article per section: the hosts' size proves
	// nothing, and each still serves 175 URLs.
	sharedArticles = 3
	sharedDelay    = 20 * time.Millisecond
	sharedWorkers  = 3
)

// sharedSites serve the test site on sharedHosts loopback addresses,
// recording every request server side; the nth request, counted over all
// hosts, can be held (Requests.Hold).
type sharedSites struct {
	sites []*testsite.Site
	bases []string
	*clitest.Requests
}

func newSharedSites(t *testing.T) *sharedSites {
	t.Helper()
	s := &sharedSites{Requests: clitest.NewRequests()}
	for i := range sharedHosts {
		site := testsite.New(testsite.Options{Articles: sharedArticles, Latency: 2 * time.Millisecond})
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", i+2))
		if err != nil {
			t.Fatalf("listen on a loopback address of its own: %v", err)
		}
		s.sites, s.bases = append(s.sites, site), append(s.bases, s.Serve(t, ln, site))
	}
	return s
}

// hitsByHost returns the requests of each host, by start, once no
// connection to the hosts is open (every process has ended).
func (s *sharedSites) hitsByHost(t *testing.T) map[string][]clitest.Hit {
	t.Helper()
	byHost := map[string][]clitest.Hit{}
	for _, h := range s.Settled(t, hangGuard) {
		byHost[h.Base] = append(byHost[h.Base], h)
	}
	for _, hs := range byHost {
		slices.SortFunc(hs, func(a, b clitest.Hit) int { return a.Start.Compare(b.Start) })
	}
	return byHost
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
		clitest.CheckArchive(t, archive)
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
			for u, n := range clitest.CapturesIn(t, f, "") {
				out[m[1]][u] += n
			}
		}
	}
	return out
}

// checkPoliteness asserts, from the servers' side, that no host ever had
// two requests at once or a gap under the delay between two.
func checkPoliteness(t *testing.T, hits map[string][]clitest.Hit) {
	t.Helper()
	for base, hs := range hits {
		for i := 1; i < len(hs); i++ {
			if gap := hs[i].Start.Sub(hs[i-1].End); gap < sharedDelay {
				t.Errorf("%s: %s started %v after %s ended, want at least %v (and never while it ran)",
					base, hs[i].Target, gap, hs[i-1].Target, sharedDelay)
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
	if code, stdout, stderr := run(t, append([]string{"index", "--merge", merged}, folders...)...); code != cli.ExitOK {
		t.Fatalf("arkisto index --merge: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := run(t, "index", rebuilt); code != cli.ExitOK {
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
