package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"arkisto/config"
	"arkisto/crawler"
	"arkisto/crawler/report"
)

// requisites are the page requisites each page of the test site holds.
var requisites = map[string][]string{
	"/":           {"/ok.png", "/gone.png", "/blocked/x.png", "/excluded/y.png", "CLOSED/z.png"},
	"/two.html":   {"/late1.png", "/late2.png", "/ok.png"},
	"/three.html": nil,
}

// site serves pages with requisites that end up every way a requisite can:
// fetched, 404, disallowed by robots.txt, excluded, on a host refusing
// connections, and never fetched (--max-pages stops the crawl first).
func site(t *testing.T, closed string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /blocked/\n")
		case p == "/gone.png":
			http.NotFound(w, r)
		case strings.HasSuffix(p, ".png"):
			w.Header().Set("Content-Type", "image/png")
			fmt.Fprint(w, "PNG "+p)
		default:
			reqs, ok := requisites[p]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<html><body>")
			for _, q := range reqs {
				fmt.Fprintf(w, `<img src="%s">`, strings.Replace(q, "CLOSED", closed, 1))
			}
			fmt.Fprint(w, `<a href="/two.html">two</a><a href="/three.html">three</a></body></html>`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// logLine is the test's own reading of a crawl.log line.
type logLine struct {
	status         int
	size           int64
	url, via, mime string
	notes          string
}

func readLog(t *testing.T, path string) []logLine {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []logLine
	for l := range strings.Lines(string(data)) {
		f := strings.Fields(l)
		status, _ := strconv.Atoi(f[1])
		size, _ := strconv.ParseInt(f[2], 10, 64)
		out = append(out, logLine{status: status, size: size, url: f[3], via: f[5], mime: f[6], notes: f[11]})
	}
	return out
}

// expected are the figures the test computes from crawl.log and the index
// on its own, to compare with what the browser shows.
type expected struct {
	lines, fetched int
	statuses       map[string]int
	mimes          map[string]int
	hosts          map[string]int    // fetched per host
	failures       []string          // URLs
	missing        map[string]string // "page requisite": why
}

func expect(t *testing.T, out, closed string, base string) expected {
	t.Helper()
	lines := readLog(t, filepath.Join(out, "logs", "crawl.log"))
	e := expected{lines: len(lines), statuses: map[string]int{}, mimes: map[string]int{}, hosts: map[string]int{}, missing: map[string]string{}}
	last := map[string]logLine{}
	for _, l := range lines {
		last[l.url] = l
		switch {
		case l.status > 0:
			e.fetched++
			e.statuses[strconv.Itoa(l.status)]++
			e.mimes[l.mime]++
			e.hosts[hostOf(l.url)]++
		case strings.Contains(l.notes, "retry:"), l.status == -9998, l.status == -5000, l.status == -7:
		default:
			e.failures = append(e.failures, l.url)
			e.hosts[hostOf(l.url)] += 0 // a host that only failed is listed too
		}
	}
	captured := map[string]bool{}
	index, err := os.ReadFile(filepath.Join(out, "indexes", "index.cdxj"))
	if err != nil {
		t.Fatal(err)
	}
	for l := range strings.Lines(string(index)) {
		var f struct{ URL, Status, MIME string }
		if err := json.Unmarshal([]byte(l[strings.Index(l, "{"):]), &f); err != nil {
			t.Fatal(err)
		}
		if s, _ := strconv.Atoi(f.Status); f.MIME == "warc/revisit" || (s > 0 && s < 400) {
			captured[f.URL] = true
		}
	}
	for page, reqs := range requisites {
		if l, ok := last[base+page]; !ok || l.status != 200 {
			continue // a page never fetched has no requisites to miss
		}
		for _, q := range reqs {
			u := strings.Replace(q, "CLOSED", closed, 1)
			if !strings.HasPrefix(u, "http") {
				u = base + u
			}
			if captured[u] {
				continue
			}
			why := "never fetched"
			if l, ok := last[u]; ok {
				switch {
				case l.status == -9998:
					why = "robots"
				case l.status == -5000:
					why = "scope"
				default:
					why = "error"
				}
			}
			e.missing[base+page+" "+u] = why
		}
	}
	return e
}

// hostOf is the host:port of an http URL.
func hostOf(u string) string { return strings.SplitN(u, "/", 4)[2] }

// shown is what the test reads off the rendered page.
type shown struct {
	Title     string            `json:"title"`
	Totals    map[string]string `json:"totals"`
	Statuses  map[string]string `json:"statuses"`
	MIMEs     map[string]string `json:"mimes"`
	Hosts     map[string]string `json:"hosts"`
	Failures  []string          `json:"failures"`
	Missing   map[string]string `json:"missing"`
	Plotted   int               `json:"plotted"`
	PlotWidth float64           `json:"plotWidth"`
	Bars      int               `json:"bars"`
}

// readPage gathers the figures from the DOM, as a reader sees them.
const readPage = `(() => {
  const rows = (id, col) => Object.fromEntries([...document.querySelectorAll('#' + id + ' tr[data-key]')]
    .map(r => [r.dataset.key, r.cells[col].textContent.trim()]));
  const bars = [...document.querySelectorAll('#timeline g')];
  const plot = document.querySelector('#timeline');
  return {
    title: document.title,
    totals: rows('totals', 1), statuses: rows('statuses', 1), mimes: rows('mimes', 1), hosts: rows('hosts', 1),
    failures: [...document.querySelectorAll('#failures tr[data-key]')].map(r => r.cells[0].textContent.trim()),
    missing: Object.fromEntries([...document.querySelectorAll('#missing tr[data-key]')]
      .map(r => [r.cells[0].textContent.trim() + ' ' + r.cells[1].textContent.trim(), r.cells[2].textContent.trim()])),
    plotted: bars.reduce((n, g) => n + Number(g.dataset.fetched), 0),
    plotWidth: plot ? plot.getBoundingClientRect().width : 0,
    bars: [...document.querySelectorAll('#timeline rect.fetched')].filter(r => r.getBoundingClientRect().height > 0).length,
  };
})()`

// The report renders in a real headless Chromium, loads nothing but its
// own file, and shows the figures crawl.log and the index hold.
func TestReportInChromium(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("the report test needs Chromium: apt-get install chromium (.ci/run installs it)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close() // every connection to it is refused now
	base := site(t, closed)

	cfg := config.Default()
	cfg.Seeds = []string{base + "/"}
	cfg.Output = t.TempDir()
	cfg.MetricsAddr = ""
	cfg.Delay, cfg.Workers, cfg.Retries = 0, 1, 0
	cfg.Exclude = []string{"/excluded/"}
	cfg.MaxPages = 6
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	c, err := crawler.New(cfg, crawler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Run(t.Context()); err != nil {
		t.Fatalf("crawl: %v", err)
	}
	layout := crawler.Layout{Dir: cfg.Output}
	files, err := layout.WARCFiles()
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Build(t.Context(), layout.Dir, layout.CrawlLog(), layout.Index(), files)
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.WriteHTML(f); err != nil {
		t.Fatal(err)
	}
	f.Close()

	want := expect(t, cfg.Output, closed, base)
	whys := map[string]bool{}
	for _, why := range want.missing {
		whys[why] = true
	}
	if !whys["robots"] || !whys["scope"] || !whys["error"] || !whys["never fetched"] || len(want.failures) == 0 {
		t.Fatalf("the crawl did not miss requisites every way (%v) or had no failure (%v): the test proves nothing", want.missing, want.failures)
	}

	got, requests := render(t, browser, page)
	fileURL := "file://" + page
	for _, u := range requests {
		if u != fileURL {
			t.Errorf("the page requested %s", u)
		}
	}
	if len(requests) == 0 {
		t.Error("no request at all was seen, not even the page's own: the listener saw nothing")
	}
	if !strings.Contains(got.Title, cfg.Output) {
		t.Errorf("title %q does not name the collection", got.Title)
	}
	check := func(what, got string, want int) {
		t.Helper()
		if got != strconv.Itoa(want) {
			t.Errorf("%s shows %q, crawl.log says %d", what, got, want)
		}
	}
	check("total lines", got.Totals["lines"], want.lines)
	check("total fetched", got.Totals["fetched"], want.fetched)
	check("total failed", got.Totals["failed"], len(want.failures))
	check("total missing", got.Totals["missing"], len(want.missing))
	compare := func(what string, got map[string]string, want map[string]int) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: shows %v, want %v", what, got, want)
		}
		for k, n := range want {
			check(what+" "+k, got[k], n)
		}
	}
	compare("status", got.Statuses, want.statuses)
	compare("MIME", got.MIMEs, want.mimes)
	compare("host", got.Hosts, want.hosts)
	slices.Sort(got.Failures)
	slices.Sort(want.failures)
	if !slices.Equal(got.Failures, want.failures) {
		t.Errorf("failures shown %q, crawl.log has %q", got.Failures, want.failures)
	}
	if len(got.Missing) != len(want.missing) {
		t.Errorf("missing requisites shown %v, want %v", got.Missing, want.missing)
	}
	for k, why := range want.missing {
		if got.Missing[k] != why {
			t.Errorf("missing %s: shown %q, want %q", k, got.Missing[k], why)
		}
	}
	if got.Plotted != want.fetched || got.PlotWidth <= 0 || got.Bars == 0 {
		t.Errorf("the plot shows %d fetches in %d visible bars, %v px wide; crawl.log has %d", got.Plotted, got.Bars, got.PlotWidth, want.fetched)
	}
}

// render opens page in headless Chromium and returns what it shows and
// every URL the page requested.
func render(t *testing.T, browser, page string) (shown, []string) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browser),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	// A bound for a browser that hangs, not a timed assertion.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	var mu sync.Mutex
	var requests []string
	err := chromedp.Listen(tab, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	if err := chromedp.Do(tab, chromedp.Navigate("file://"+page), chromedp.WaitVisible("#totals")); err != nil {
		t.Fatalf("open the report in Chromium: %v", err)
	}
	got, err := chromedp.Run(tab, chromedp.Evaluate[shown](readPage))
	if err != nil {
		t.Fatalf("read the report in Chromium: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	return got, slices.Clone(requests)
}
