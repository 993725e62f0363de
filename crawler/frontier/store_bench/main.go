package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"time"

	"golang.org/x/sync/errgroup"

	"arkisto/crawler/frontier"
)

type config struct {
	store   string
	dir     string
	urls    int
	hosts   int
	links   int
	workers int
	fetch   time.Duration
	profile string
	redis   string // Redis URL for -store redis
	crawlID string // its crawl id, cleared before and after
	seen    int    // URLs marked seen after the enqueue, to measure the seen set alone
	pushers int    // goroutines pushing, each to its share of the hosts
	drain   bool   // drain the store after the enqueue
}

func main() {
	var c config
	flag.StringVar(&c.store, "store", "bolt", "bolt, memory or redis")
	flag.StringVar(&c.redis, "redis", "redis://127.0.0.1:6379/0", "Redis URL, for -store redis")
	flag.StringVar(&c.crawlID, "crawl-id", "store-bench", "crawl id in Redis, for -store redis; its keys are cleared before and after")
	flag.IntVar(&c.seen, "seen", 0, "for -store redis: URLs marked seen (not queued) after the enqueue, to measure Redis memory per seen URL")
	flag.StringVar(&c.dir, "dir", "", "folder for the store (default: a new temporary folder, removed after)")
	flag.IntVar(&c.urls, "urls", 5_000_000, "URLs to queue")
	flag.IntVar(&c.hosts, "hosts", 50_000, "hosts they spread over")
	flag.IntVar(&c.links, "links", 50, "URLs pushed per host in a row, as the links of one page are; 1 spreads every push over the hosts in turn")
	flag.IntVar(&c.workers, "workers", 128, "goroutines draining the frontier, as crawl workers do; their Done calls share commits")
	flag.BoolVar(&c.drain, "drain", true, "reopen and drain the store after the enqueue; false measures the enqueue (and Redis memory) only")
	flag.IntVar(&c.pushers, "pushers", 1, "goroutines pushing during the enqueue, each to its share of the hosts (a Redis frontier takes a round trip per push)")
	flag.DurationVar(&c.fetch, "fetch", 0, "how long each worker holds an item before it records it, as a fetch does")
	flag.StringVar(&c.profile, "cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "store_bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) error {
	if c.urls < 1 || c.hosts < 1 || c.links < 1 || c.workers < 1 || c.pushers < 1 {
		return errors.New("-urls, -hosts, -links, -workers and -pushers must be positive")
	}
	if c.dir == "" {
		dir, err := os.MkdirTemp("", "store_bench")
		if err != nil {
			return fmt.Errorf("make store folder: %w", err)
		}
		defer os.RemoveAll(dir)
		c.dir = dir
	}
	if c.profile != "" {
		pf, err := os.Create(c.profile)
		if err != nil {
			return fmt.Errorf("create profile: %w", err)
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return fmt.Errorf("start profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	var peak anonPeak
	sampleCtx, stopSampling := context.WithCancel(ctx)
	defer stopSampling()
	go peak.run(sampleCtx)

	opts := frontier.Options{HostConcurrency: 1}
	f, err := open(ctx, c, opts)
	if err != nil {
		return err
	}
	mem, err := startRedisMemory(ctx, f)
	if err != nil {
		f.Close()
		return err
	}
	start := time.Now()
	if err := enqueue(ctx, f, c); err != nil {
		f.Close()
		return err
	}
	report("enqueue", c.urls, time.Since(start), c.dir, &peak)
	if err := mem.report(ctx, "queued", c.urls); err != nil {
		f.Close()
		return err
	}
	if err := markSeen(ctx, f, c.seen, mem); err != nil {
		f.Close()
		return err
	}

	if !c.drain {
		return errors.Join(f.Close(), clearRedis(ctx, c))
	}
	if c.store != "memory" {
		if err := f.Close(); err != nil {
			return fmt.Errorf("close store: %w", err)
		}
		start = time.Now()
		if f, err = open(ctx, c, opts); err != nil {
			return err
		}
		fmt.Printf("reopen   %8.2fs  stats %+v\n", time.Since(start).Seconds(), f.Stats())
	}

	start = time.Now()
	if r, ok := f.(*frontier.Redis); ok {
		mem = &redisMemory{r: r, trips: r.RoundTrips()}
	}
	n, err := drain(ctx, f, c.workers, c.fetch)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close store: %w", cerr)
	}
	if err != nil {
		return err
	}
	if n != c.urls {
		return fmt.Errorf("drained %d URLs, queued %d", n, c.urls)
	}
	report("dequeue", n, time.Since(start), c.dir, &peak)
	mem.roundTrips("dequeued (Next and Done)", n)
	if err := clearRedis(ctx, c); err != nil {
		return err
	}
	s, err := procStatus()
	if err != nil {
		return err
	}
	fmt.Printf("peak RSS %d MB (VmHWM), anonymous %d MB, store %s\n", s["VmHWM"]>>10, peak.get()>>10, c.store)
	return nil
}

func open(ctx context.Context, c config, opts frontier.Options) (frontier.Frontier, error) {
	switch c.store {
	case "redis":
		return frontier.OpenRedis(ctx, c.redis, c.crawlID, frontier.RedisOptions{Options: opts})
	case "bolt":
		return frontier.OpenBolt(filepath.Join(c.dir, "frontier.db"), opts)
	case "memory":
		return frontier.NewMemory(opts), nil
	}
	return nil, fmt.Errorf("unknown store %q", c.store)
}

// enqueue pushes c.urls URLs. Discovery comes in bursts per host, as a
// page's links mostly stay on its site: each round visits the hosts in a
// shuffled order and pushes c.links URLs of each.
func enqueue(ctx context.Context, f frontier.Frontier, c config) error {
	order := rand.New(rand.NewPCG(1, 2)).Perm(c.hosts)
	perHost := (c.urls + c.hosts - 1) / c.hosts
	g, ctx := errgroup.WithContext(ctx)
	for k := range c.pushers {
		g.Go(func() error {
			for from := 0; from < perHost; from += c.links {
				for i, h := range order {
					if i%c.pushers != k {
						continue
					}
					if err := pushHost(ctx, f, c, h, from, perHost); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	return g.Wait()
}

// pushHost pushes c.links URLs of host h from the from-th on, as long as
// they are among the first c.urls.
func pushHost(ctx context.Context, f frontier.Frontier, c config, h, from, perHost int) error {
	host := fmt.Sprintf("https://www.site%05d.example", h)
	for k := from; k < min(from+c.links, perHost) && k*c.hosts+h < c.urls; k++ {
		it := frontier.Item{
			URL:      fmt.Sprintf("%s/news/2026/%03d/article-%07d.html", host, k%97, k),
			Host:     host + ":443",
			Priority: frontier.Page,
			Depth:    2,
			Hops:     "LL",
			Via:      fmt.Sprintf("%s/news/2026/%03d/", host, k%97),
		}
		ok, err := f.Push(ctx, it)
		if err != nil {
			return fmt.Errorf("push: %w", err)
		}
		if !ok {
			return fmt.Errorf("push %s: reported a duplicate", it.URL)
		}
	}
	return nil
}

// drain takes and finishes every URL with workers goroutines, calling the
// frontier as a crawl does: Next, a fetch of the given duration, Settle
// before the records would be written, Done.
func drain(ctx context.Context, f frontier.Frontier, workers int, fetch time.Duration) (int, error) {
	settler, _ := f.(frontier.Settler)
	counts := make([]int, workers)
	g, ctx := errgroup.WithContext(ctx)
	for w := range workers {
		g.Go(func() error {
			for {
				it, err := f.Next(ctx)
				if errors.Is(err, frontier.ErrExhausted) {
					return nil
				}
				if err != nil {
					return fmt.Errorf("next: %w", err)
				}
				if fetch > 0 {
					time.Sleep(fetch)
				}
				if settler != nil {
					if err := settler.Settle(ctx, it); err != nil {
						return fmt.Errorf("settle: %w", err)
					}
				}
				if err := f.Done(ctx, it, time.Time{}); err != nil {
					return fmt.Errorf("done: %w", err)
				}
				counts[w]++
			}
		})
	}
	err := g.Wait()
	n := 0
	for _, c := range counts {
		n += c
	}
	return n, err
}

func report(phase string, n int, took time.Duration, dir string, peak *anonPeak) {
	var size int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return nil
	})
	s, _ := procStatus()
	fmt.Printf("%-8s %8.2fs  %9.0f URLs/s  VmHWM %4d MB  RssAnon peak %4d MB  RssFile peak %4d MB  on disk %5d MB\n",
		phase, took.Seconds(), float64(n)/took.Seconds(), s["VmHWM"]>>10, peak.get()>>10, peak.getFile()>>10, size>>20)
}
