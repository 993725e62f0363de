//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/nlnwa/gowarc/v3"
	"golang.org/x/sys/unix"

	"arkisto/crawler/cli/clitest"
	"arkisto/crawler/testsite"
)

// The crash-safety acceptance tests of issue 5: kill -9 at chosen moments
// and resume, resume settings, and a full disk. Linux only: they hold the
// crawler's reads through fanotify and mount a small tmpfs.

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

// crashSite serves a site (the test news site) plus one large file, remembers every
// request target in arrival order, and can hold a chosen request until the
// client goes away, so a test kills the crawler with that URL in flight.
type crashSite struct {
	site http.Handler
	big  []byte

	mu      sync.Mutex
	targets []string
	holdAt  int           // 1-based index into targets of the request to hold; 0 for none
	reached chan struct{} // closed when that request arrives
	conns   int           // connections open
	settled chan struct{} // closed and replaced when conns changes
}

func newCrashSite(t *testing.T, site http.Handler, big []byte) (*crashSite, string) {
	t.Helper()
	s := &crashSite{site: site, big: big, settled: make(chan struct{})}
	srv := httptest.NewUnstartedServer(s)
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch state {
		case http.StateNew:
			s.conns++
		case http.StateClosed, http.StateHijacked:
			s.conns--
		default:
			return
		}
		close(s.settled)
		s.settled = make(chan struct{})
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// holdRequest arranges for the nth request from now to be held; the
// channel closes when it arrives.
func (s *crashSite) holdRequest(n int) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdAt = len(s.targets) + n
	s.reached = make(chan struct{})
	return s.reached
}

// requested returns the request targets seen, once no connection is
// open: a killed crawler's last requests may reach the handler after its
// death, and must be counted as its own, not as the next run's.
func (s *crashSite) requested(t *testing.T) []string {
	t.Helper()
	guard := time.After(hangGuard)
	for {
		s.mu.Lock()
		if s.conns == 0 {
			defer s.mu.Unlock()
			return slices.Clone(s.targets)
		}
		settled := s.settled
		s.mu.Unlock()
		select {
		case <-settled:
		case <-guard:
			t.Fatalf("connections to the test site still open after %v", hangGuard)
		}
	}
}

func (s *crashSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.targets = append(s.targets, r.URL.RequestURI())
	hold := len(s.targets) == s.holdAt
	if hold {
		close(s.reached)
	}
	s.mu.Unlock()
	if hold {
		<-r.Context().Done() // in flight until the crawler dies
		return
	}
	if r.URL.Path == bigPath && s.big != nil {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(s.big)))
		_, _ = w.Write(s.big)
		return
	}
	s.site.ServeHTTP(w, r)
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

// spoolGate holds every read of a file in a folder until the test has
// looked at the world, through fanotify permission events: a reading
// process is stopped in its read(2) while the test decides. It needs
// CAP_SYS_ADMIN, which CI has.
type spoolGate struct {
	f       *os.File
	started bool          // killAt started the event loop
	done    chan struct{} // closed when the event loop has ended
}

// newSpoolGate starts holding the reads of files in dir. The kernel
// decides when a file is opened whether its reads raise permission events,
// so it must exist before the process whose reads it holds opens them.
// Until killAt runs, every reader waits.
func newSpoolGate(t *testing.T, dir string) *spoolGate {
	t.Helper()
	fd, err := unix.FanotifyInit(unix.FAN_CLASS_CONTENT|unix.FAN_CLOEXEC|unix.FAN_NONBLOCK, unix.O_RDONLY|unix.O_LARGEFILE|unix.O_CLOEXEC)
	if errors.Is(err, unix.EPERM) {
		t.Skip("holding the crawler mid-record needs fanotify permission events, so CAP_SYS_ADMIN (CI runs as root)")
	}
	if err != nil {
		t.Fatalf("fanotify: %v", err)
	}
	if err := unix.FanotifyMark(fd, unix.FAN_MARK_ADD, unix.FAN_ACCESS_PERM|unix.FAN_EVENT_ON_CHILD, unix.AT_FDCWD, dir); err != nil {
		_ = unix.Close(fd)
		t.Fatalf("fanotify mark %s: %v", dir, err)
	}
	// Non-blocking, so the runtime poller owns it and Close ends a Read.
	g := &spoolGate{f: os.NewFile(uintptr(fd), "fanotify"), done: make(chan struct{})}
	t.Cleanup(g.close)
	return g
}

// killAt answers the held reads: those of p, once a .open WARC file in
// archive holds size bytes or more, with SIGKILL. p is then inside a read
// of its spool, so whatever record it is writing stays cut at the bytes
// already in the file. Every other read is let through. The channel closes
// once p was killed.
func (g *spoolGate) killAt(t *testing.T, p *proc, archive string, size int64) <-chan struct{} {
	killed := make(chan struct{})
	g.started = true
	go func() {
		defer close(g.done)
		buf := make([]byte, 4096)
		for {
			n, err := g.f.Read(buf)
			if err != nil {
				return
			}
			for off := 0; off+unix.FAN_EVENT_METADATA_LEN <= n; {
				ev := (*unix.FanotifyEventMetadata)(unsafe.Pointer(&buf[off]))
				if int(ev.Pid) == p.cmd.Process.Pid && largestOpen(archive) >= size && !isClosed(killed) {
					_ = p.cmd.Process.Kill() // before the answer: the read never returns
					close(killed)
				}
				if err := g.allow(ev); err != nil {
					// Cleanup closed the group while an answer was on its
					// way: the kernel lets held reads go on by itself.
					if !errors.Is(err, os.ErrClosed) {
						t.Errorf("answer fanotify event: %v", err)
					}
					return
				}
				off += int(ev.Event_len)
			}
		}
	}()
	return killed
}

// allow lets a held read go on and releases the event's file.
func (g *spoolGate) allow(ev *unix.FanotifyEventMetadata) error {
	resp := unix.FanotifyResponse{Fd: ev.Fd, Response: unix.FAN_ALLOW}
	_, err := g.f.Write(unsafe.Slice((*byte)(unsafe.Pointer(&resp)), unsafe.Sizeof(resp)))
	if ev.Fd >= 0 {
		err = errors.Join(err, unix.Close(int(ev.Fd)))
	}
	return err
}

// close stops holding reads: the kernel lets every one still held go on.
func (g *spoolGate) close() {
	if g.f.Close() == nil && g.started {
		<-g.done
	}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// largestOpen returns the size of the largest .open WARC file in dir.
func largestOpen(dir string) int64 {
	var size int64
	for _, s := range openFiles(dir) {
		size = max(size, s)
	}
	return size
}

// openFiles maps the .open WARC files in dir to their sizes.
func openFiles(dir string) map[string]int64 {
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz.open"))
	sizes := map[string]int64{}
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			sizes[filepath.Base(f)] = st.Size()
		}
	}
	return sizes
}

// warcNames lists the WARC files in dir by their final names (".open" cut).
func warcNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		names[strings.TrimSuffix(e.Name(), ".open")] = true
	}
	return names
}

// captures reads every closed WARC file in archive with gowarc, block
// bytes included, and counts per file and per target path (base cut off)
// the response and revisit records: each is one capture of its URL. gowarc
// hashes chunked payloads with their framing (DESIGN.md), so a payload
// digest complaint is the only one accepted.
func captures(t *testing.T, archive, base string) map[string]map[string]int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(archive, "*.warc.gz"))
	byFile := map[string]map[string]int{}
	for _, f := range files {
		byFile[filepath.Base(f)] = capturesIn(t, f, base)
	}
	return byFile
}

func capturesIn(t *testing.T, path, base string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	clitest.ReadWithGowarc(t, path, func(rec gowarc.WarcRecord) {
		if typ := rec.Type(); typ == gowarc.Response || typ == gowarc.Revisit {
			counts[strings.TrimPrefix(rec.WarcHeader().Get(gowarc.WarcTargetURI), base)]++
		}
	})
	return counts
}

// total adds up the captures of the files keep accepts.
func total(byFile map[string]map[string]int, keep func(file string) bool) map[string]int {
	sum := map[string]int{}
	for f, counts := range byFile {
		if keep(f) {
			for u, n := range counts {
				sum[u] += n
			}
		}
	}
	return sum
}

func allFiles(string) bool { return true }

// sameURLs reports the URLs only one of got and want holds.
func sameURLs(t *testing.T, got map[string]int, want []string) {
	t.Helper()
	var missing, extra []string
	for _, u := range want {
		if got[u] == 0 {
			missing = append(missing, u)
		}
	}
	for u := range got {
		if !slices.Contains(want, u) {
			extra = append(extra, u)
		}
	}
	slices.Sort(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("captured URLs differ from the expected %d: missing %v, unexpected %v", len(want), missing, extra)
	}
}

// checkIndex asserts that DIR/indexes/index.cdxj has one line per capture
// and that "arkisto index" rebuilds it byte for byte.
func checkIndex(t *testing.T, out string, records int) {
	t.Helper()
	path := filepath.Join(out, "indexes", "index.cdxj")
	crawlTime, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if lines := bytes.Count(crawlTime, []byte("\n")); lines != records {
		t.Errorf("index.cdxj has %d lines for %d response and revisit records", lines, records)
	}
	if code, stdout, stderr := run(t, "index", out); code != exitOK {
		t.Fatalf("arkisto index: exit status %d:\n%s%s", code, stdout, stderr)
	}
	if rebuilt, err := os.ReadFile(path); err != nil || !bytes.Equal(rebuilt, crawlTime) {
		t.Errorf("arkisto index rebuilt a different index (%d bytes, err %v) from the crawl's (%d bytes)", len(rebuilt), err, len(crawlTime))
	}
}

// checkValidates runs "arkisto validate" on archive.
func checkValidates(t *testing.T, archive string) {
	t.Helper()
	if code, stdout, stderr := run(t, "validate", archive); code != exitOK {
		t.Errorf("arkisto validate: exit status %d:\n%s%s", code, stdout, stderr)
	}
}

// checkDuplicates asserts that the URLs captured twice are ones the server
// had been asked for before the kill, each captured once before it and once
// after, and no more than the fetches that can be in flight. robots.txt is
// not counted: a restarted process reads it again before anything else.
func checkDuplicates(t *testing.T, byFile map[string]map[string]int, before map[string]bool, requested []string) {
	t.Helper()
	old := total(byFile, func(f string) bool { return before[f] })
	fresh := total(byFile, func(f string) bool { return !before[f] })
	var dups []string
	for u, n := range total(byFile, allFiles) {
		switch {
		case n == 1:
		case n > 2:
			t.Errorf("%s captured %d times", u, n)
		case old[u] != 1 || fresh[u] != 1:
			t.Errorf("%s captured twice by one process (%d before the kill, %d after)", u, old[u], fresh[u])
		case !slices.Contains(requested, u):
			t.Errorf("%s captured twice but never requested before the kill", u)
		case u != testsite.PathRobots:
			dups = append(dups, u)
		}
	}
	if len(dups) > crashWorkers {
		t.Errorf("%d URLs captured twice, more than the %d that can be in flight: %v", len(dups), crashWorkers, dups)
	}
	t.Logf("captured twice (in flight at the kill): %v", dups)
}

// referenceCrawl crawls the kill test's site without interruption and
// returns the paths it captured, each exactly once.
func referenceCrawl(t *testing.T, big []byte) []string {
	t.Helper()
	site := testsite.New(testsite.Options{Articles: crashArticles, Latency: crashLatency})
	_, base := newCrashSite(t, site, big)
	out := t.TempDir()
	began := time.Now()
	code, _, stderr := run(t, crashCrawlArgs(out, base)...)
	t.Logf("reference crawl: %v", time.Since(began).Round(time.Millisecond))
	if code != exitOK {
		t.Fatalf("reference crawl: exit status %d; stderr:\n%s", code, stderr)
	}
	archive := filepath.Join(out, "archive")
	checkArchive(t, archive)
	got := total(captures(t, archive, base), allFiles)
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
	cs, base := newCrashSite(t, site, big)
	out := t.TempDir()
	archive := filepath.Join(out, "archive")
	if err := os.MkdirAll(archive, 0o755); err != nil { // watched from the start; the crawler keeps it
		t.Fatal(err)
	}
	var reached <-chan struct{}
	var gate *spoolGate
	if holdAt > 0 {
		reached = cs.holdRequest(holdAt)
	} else {
		// The big record is copied into the WARC file from its spool file,
		// which the crawler makes in TMPDIR.
		gate = newSpoolGate(t, os.TempDir())
	}
	began := time.Now()
	p := start(t, "", crashCrawlArgs(out, base)...)
	if holdAt > 0 {
		killWhenHeld(t, p, reached, fmt.Sprintf("request %d", holdAt))
	} else {
		select {
		case <-gate.killAt(t, p, archive, cutAt):
		case <-p.exited:
			t.Fatalf("arkisto exited before a WARC file reached %d bytes; stderr:\n%s", cutAt, p.errText())
		case <-time.After(hangGuard):
			t.Fatalf("no WARC file reached %d bytes within %v", cutAt, hangGuard)
		}
		killNow(t, p)
		gate.close()
	}
	killedAfter := time.Since(began)
	requested := cs.requested(t)
	before := warcNames(t, archive)
	open := openFiles(archive)

	began = time.Now()
	code, _, stderr := run(t, resumeArgs(out)...)
	t.Logf("killed after %v and %d requests (%d WARC files open); resumed to the end in %v",
		killedAfter.Round(time.Millisecond), len(requested), len(open), time.Since(began).Round(time.Millisecond))
	if code != exitOK {
		t.Fatalf("resume: exit status %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "resuming the unfinished crawl") {
		t.Errorf("the resume does not say it resumes; stderr:\n%s", stderr)
	}
	if holdAt == 0 {
		checkCutRepaired(t, archive, open, stderr)
	}
	if open := openFiles(archive); len(open) > 0 {
		t.Errorf("files left open: %v", open)
	}
	checkValidates(t, archive)
	byFile := captures(t, archive, base)
	all := total(byFile, allFiles)
	sameURLs(t, all, want)
	checkDuplicates(t, byFile, before, requested)
	// Never answered, or cut from the WARC by the repair: fetched again, once.
	unfinished := bigPath
	if holdAt > 0 {
		unfinished = requested[holdAt-1]
	}
	if all[unfinished] != 1 {
		t.Errorf("%s, unfinished at the kill, is captured %d times, want once", unfinished, all[unfinished])
	}
	records := 0
	for _, n := range all {
		records += n
	}
	checkIndex(t, out, records)
	checkNoLeftovers(t, out)
}

// checkNoLeftovers asserts that the crawls into out left no temporary
// file in the collection: what a killed process held must be cleared by
// the next one, or every crash would cost disk space for good.
func checkNoLeftovers(t *testing.T, out string) {
	t.Helper()
	for _, pattern := range []string{"state/arkisto-cdxj-*", "indexes/.index.cdxj.*"} {
		if left, _ := filepath.Glob(filepath.Join(out, pattern)); len(left) > 0 {
			t.Errorf("temporary files left in the collection: %v", left)
		}
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

func TestResumeSettings(t *testing.T) {
	t.Parallel()
	site := testsite.New(testsite.Options{Latency: crashLatency})
	cs, base := newCrashSite(t, site, nil)
	var want []string
	for _, u := range site.ExpectedURLs(base, testsite.CrawlSettings{}) {
		want = append(want, strings.TrimPrefix(u, base))
	}
	out := t.TempDir()
	archive := filepath.Join(out, "archive")
	speed := []string{"--delay", "0", "--workers", strconv.Itoa(crashWorkers), "--host-concurrency", strconv.Itoa(crashWorkers)}
	withScope := func(scope string, extra ...string) []string {
		return crawlArgs(out, base+"/", append(append(slices.Clone(speed), "--scope", scope), extra...)...)
	}
	// killed leaves an unfinished crawl in out and returns the requests
	// its process made.
	killed := func(args []string) []string {
		asked := len(cs.requested(t))
		reached := cs.holdRequest(40)
		p := start(t, "", args...)
		killWhenHeld(t, p, reached, "the 40th request")
		return cs.requested(t)[asked:]
	}

	killed(withScope("domain"))
	unfinished := warcNames(t, archive)

	t.Run("other settings are refused", func(t *testing.T) {
		asked := len(cs.requested(t))
		code, _, stderr := run(t, withScope("host")...)
		if code != exitUsage || !strings.Contains(stderr, "scope") {
			t.Errorf("exit status %d, want %d naming scope; stderr:\n%s", code, exitUsage, stderr)
		}
		if len(cs.requested(t)) != asked || !maps.Equal(warcNames(t, archive), unfinished) {
			t.Errorf("the refused crawl fetched or wrote something")
		}
	})

	t.Run("--fresh starts over", func(t *testing.T) {
		code, _, stderr := run(t, withScope("host", "--fresh")...)
		if code != exitOK {
			t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
		}
		checkArchive(t, archive)
		after := warcNames(t, archive)
		for name := range unfinished {
			if !after[name] {
				t.Errorf("%s of the unfinished crawl is gone", name)
			}
		}
		fresh := total(captures(t, archive, base), func(f string) bool { return !unfinished[f] })
		sameURLs(t, fresh, want)
		for u, n := range fresh {
			if n != 1 {
				t.Errorf("the fresh crawl captured %s %d times", u, n)
			}
		}
	})

	t.Run("the same settings resume", func(t *testing.T) {
		earlier := warcNames(t, archive)
		requested := killed(withScope("host"))
		beforeKill := warcNames(t, archive)
		asked := len(cs.requested(t))
		code, _, stderr := run(t, withScope("host")...)
		if code != exitOK {
			t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
		}
		checkArchive(t, archive)
		byFile := captures(t, archive, base)
		for f := range earlier {
			delete(byFile, f)
		}
		sameURLs(t, total(byFile, allFiles), want)
		checkDuplicates(t, byFile, beforeKill, requested)
		// The front page was done long before the kill: a resumed crawl
		// does not ask for it again, a restarted one would.
		if slices.Contains(cs.requested(t)[asked:], "/") {
			t.Errorf("the run after the kill fetched the front page again: it started over instead of resuming")
		}
	})
}

// mountTmpfs mounts a tmpfs of size ("3m") on a new folder until the test
// ends. It needs root, which CI has: elsewhere the test is skipped.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("mounting a %s tmpfs needs root (CI runs as root); running as uid %d", size, os.Geteuid())
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a %s tmpfs on %s (this test needs root): %v: %s", size, dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("unmount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

func TestDiskFullStopsAndResumes(t *testing.T) {
	t.Parallel()
	const pages, pageSize = 10, 500 << 10 // 5 MB that gzip cannot shrink, on a 3 MB disk
	want := []string{testsite.PathRobots, "/"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+testsite.PathRobots, http.NotFound)
	var front strings.Builder
	front.WriteString("<!doctype html><title>Big pages</title>\n")
	for i := range pages {
		path := fmt.Sprintf("/page/%d", i)
		body := randomBody(pageSize, byte(10+i)) // each its own, so none is a revisit
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(body)
		})
		fmt.Fprintf(&front, "<p><a href=%q>page %d</a></p>\n", path, i)
		want = append(want, path)
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, front.String())
	})
	cs, base := newCrashSite(t, mux, nil)
	out := mountTmpfs(t, "3m")
	archive := filepath.Join(out, "archive")

	code, _, stderr := run(t, crawlArgs(out, base+"/", "--delay", "0")...)
	if code == exitOK || !strings.Contains(stderr, "disk is full") {
		t.Fatalf("exit status %d, want a failure saying the disk is full; stderr:\n%s", code, stderr)
	}
	requested := cs.requested(t)
	before := warcNames(t, archive)
	// Closing can fail too on a full disk: a file left .open must be one
	// the resume repairs (checked below); every closed one reads whole now.
	open := openFiles(archive)
	if closed, _ := filepath.Glob(filepath.Join(archive, "*.warc.gz")); len(closed) > 0 {
		checkValidates(t, archive)
	}
	if got := total(captures(t, archive, base), allFiles); len(got) == 0 || len(got) >= len(want) {
		t.Fatalf("the crawl on a full disk captured %d of %d URLs: the disk filled too early or too late to test anything", len(got), len(want))
	}
	t.Logf("full after %d requests; WARC files %v, of them still open %v", len(requested), slices.Sorted(maps.Keys(before)), open)

	if out, err := exec.Command("mount", "-o", "remount,size=64m", out).CombinedOutput(); err != nil {
		t.Fatalf("make room: %v: %s", err, out)
	}
	code, _, stderr = run(t, resumeArgs(out)...)
	if code != exitOK {
		t.Fatalf("resume with room: exit status %d; stderr:\n%s", code, stderr)
	}
	if open := openFiles(archive); len(open) > 0 {
		t.Errorf("files left open: %v", open)
	}
	checkValidates(t, archive)
	byFile := captures(t, archive, base)
	all := total(byFile, allFiles)
	sameURLs(t, all, want)
	checkDuplicates(t, byFile, before, requested)
	records := 0
	for _, n := range all {
		records += n
	}
	checkIndex(t, out, records)
	checkNoLeftovers(t, out)
}
