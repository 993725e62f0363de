package crawler_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"

	"arkisto/config"
	"arkisto/crawler"
	"arkisto/crawler/testsite"
)

// benchSiteEnv, when set to an article count, turns the test binary into
// the benchmark's site server (see TestMain). The site runs in its own
// process so that the CPU the benchmark measures is the crawler's alone.
const benchSiteEnv = "ARKISTO_BENCH_SITE_ARTICLES"

// benchArticles gives the synthetic site about 4,400 URLs for arkisto and
// 2,300 for the colly baseline, which does not follow srcset, CSS url(),
// sitemaps or feeds.
const benchArticles = 1000

// benchMinPages is the least a benchmark crawl must fetch to count.
const benchMinPages = 2000

// TestMain serves the benchmark site when asked to, and otherwise runs the
// package's tests and benchmarks as usual.
func TestMain(m *testing.M) {
	if n := os.Getenv(benchSiteEnv); n != "" {
		if err := serveBenchSite(n); err != nil {
			fmt.Fprintln(os.Stderr, "bench site:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveBenchSite serves the site on a loopback port, prints its base URL on
// stdout and stops when stdin closes, which the parent does on cleanup (or
// by dying).
func serveBenchSite(articles string) error {
	n, err := strconv.Atoi(articles)
	if err != nil {
		return fmt.Errorf("parse %s: %w", benchSiteEnv, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	ctx, stop := context.WithCancel(context.Background())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	fmt.Printf("http://%s\n", ln.Addr())
	return testsite.New(testsite.Options{Articles: n}).Serve(ctx, ln)
}

// startBenchSite runs a fresh site process and returns its base URL. Each
// crawl gets a fresh one, so both pay the same first-request costs.
func startBenchSite(b *testing.B) string {
	b.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), benchSiteEnv+"="+strconv.Itoa(benchArticles))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			b.Errorf("bench site: %v", err)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("read bench site address: %v", err)
	}
	return strings.TrimSpace(line)
}

// cpuTime is the user plus system CPU this process has used.
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCrawl crawls the same local site with arkisto (WARC, index and
// crawl.log written) and with plain colly collectors that write nothing, and
// reports pages/s and CPU seconds per 1,000 pages for each. scripts/bench.sh
// runs it and prints the ratios.
//
// "arkisto-dry-run" is the same crawl with --dry-run: everything but the
// WARC, index and dedup writing, so arkisto / arkisto-dry-run is what
// recording costs.
//
// "colly" is the crawl a colly user would write; it fetches a different mix
// (no srcset images, no sitemaps, feeds or CSS requisites). "colly-same-urls"
// fetches exactly the URLs arkisto fetches and parses the HTML the same way
// without following it, so the difference to arkisto is arkisto's own work:
// recording, WARC and index writing, its frontier and politeness.
func BenchmarkCrawl(b *testing.B) {
	crawls := []struct {
		name  string
		setup func(b *testing.B, base string) (crawl func() int)
	}{
		{"arkisto", crawlArkisto},
		{"arkisto-dry-run", crawlArkistoDryRun},
		{"colly", crawlColly},
		{"colly-same-urls", crawlCollySameURLs},
	}
	for _, c := range crawls {
		b.Run(c.name, func(b *testing.B) {
			var pages int
			var wall, cpu time.Duration
			for range b.N {
				crawl := c.setup(b, startBenchSite(b))
				startWall, startCPU := time.Now(), cpuTime(b)
				n := crawl()
				wall += time.Since(startWall)
				cpu += cpuTime(b) - startCPU
				if n < benchMinPages {
					b.Fatalf("%s fetched %d pages, want at least %d", c.name, n, benchMinPages)
				}
				pages += n
			}
			b.ReportMetric(float64(pages)/float64(b.N), "pages")
			b.ReportMetric(float64(pages)/wall.Seconds(), "pages/s")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s")
			b.ReportMetric(cpu.Seconds()/float64(pages)*1000, "cpu-s/kpage")
		})
	}
}

// crawlArkisto prepares a whole crawl that returns the fetches crawl.log
// shows.
func crawlArkisto(b *testing.B, base string) func() int {
	return crawlArkistoWith(b, base, false)
}

// crawlArkistoDryRun is crawlArkisto with --dry-run.
func crawlArkistoDryRun(b *testing.B, base string) func() int {
	return crawlArkistoWith(b, base, true)
}

func crawlArkistoWith(b *testing.B, base string, dryRun bool) func() int {
	cfg := config.Default()
	cfg.DryRun = dryRun
	cfg.Seeds = []string{base + "/"}
	cfg.Output = b.TempDir()
	cfg.Delay = 0
	cfg.HostConcurrency = 16 // one host: this makes the crawl CPU-bound
	cfg.Workers = 16
	cfg.MetricsAddr = ""
	if err := cfg.Finish(); err != nil {
		b.Fatal(err)
	}
	c, err := crawler.New(cfg, crawler.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return func() int {
		if err := c.Run(b.Context()); err != nil {
			b.Fatalf("crawl: %v", err)
		}
		return countFetches(b, filepath.Join(cfg.Output, "logs", "crawl.log"))
	}
}

// countFetches counts crawl.log lines with an HTTP status.
func countFetches(b *testing.B, path string) int {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for l := range strings.Lines(string(data)) {
		if f := strings.Fields(l); len(f) >= 12 && !strings.HasPrefix(f[1], "-") {
			n++
		}
	}
	return n
}

// crawlColly is the baseline: colly as its README shows it, asynchronous,
// 16 requests at once, following links and the common requisites within the
// host, asking for gzip as arkisto does, keeping nothing.
func crawlColly(b *testing.B, base string) func() int {
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	c, pages := newBenchCollector(b,
		colly.AllowedDomains(u.Hostname()),
		colly.MaxDepth(config.Default().MaxDepth+1), // colly counts the seed as depth 1
	)
	c.OnHTML("a[href], link[href]", func(e *colly.HTMLElement) { _ = e.Request.Visit(e.Attr("href")) })
	c.OnHTML("img[src], script[src]", func(e *colly.HTMLElement) { _ = e.Request.Visit(e.Attr("src")) })
	return func() int {
		if err := c.Visit(base + "/"); err != nil {
			b.Fatal(err)
		}
		c.Wait()
		return int(pages.Load())
	}
}

// crawlCollySameURLs fetches the URLs a correct arkisto crawl of the site
// fetches, parsing each page's links and requisites without following them.
func crawlCollySameURLs(b *testing.B, base string) func() int {
	urls := testsite.New(testsite.Options{Articles: benchArticles}).ExpectedURLs(base, testsite.CrawlSettings{})
	c, pages := newBenchCollector(b)
	c.OnHTML("a[href], link[href]", func(e *colly.HTMLElement) { _ = e.Request.AbsoluteURL(e.Attr("href")) })
	c.OnHTML("img[src], script[src]", func(e *colly.HTMLElement) { _ = e.Request.AbsoluteURL(e.Attr("src")) })
	return func() int {
		for _, u := range urls {
			if err := c.Visit(u); err != nil {
				b.Fatalf("visit %s: %v", u, err)
			}
		}
		c.Wait()
		return int(pages.Load())
	}
}

// newBenchCollector is an asynchronous collector, 16 requests at once,
// asking for gzip as arkisto does, counting every response it gets.
func newBenchCollector(b *testing.B, opts ...colly.CollectorOption) (*colly.Collector, *atomic.Int64) {
	opts = append([]colly.CollectorOption{colly.Async(true), colly.UserAgent(config.DefaultUserAgent(""))}, opts...)
	c := colly.NewCollector(opts...)
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: 16}); err != nil {
		b.Fatal(err)
	}
	pages := new(atomic.Int64)
	c.OnRequest(func(r *colly.Request) { r.Headers.Set("Accept-Encoding", "gzip") })
	c.OnResponse(func(*colly.Response) { pages.Add(1) })
	c.OnError(func(r *colly.Response, _ error) {
		if r.StatusCode > 0 { // 404 and 500 are fetches too
			pages.Add(1)
		}
	})
	return c, pages
}
