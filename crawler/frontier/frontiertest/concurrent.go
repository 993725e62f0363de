package frontiertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"arkisto/crawler/frontier"
)

// crawlItem is URL number k of host h: k 0 is the host's robots.txt, every
// fifth an embed, the rest pages.
func crawlItem(h, k int) frontier.Item {
	host := fmt.Sprintf("http://h%03d.example", h)
	it := frontier.Item{URL: fmt.Sprintf("%s/%d", host, k), Host: host, Priority: frontier.Page, Depth: k}
	switch {
	case k == 0:
		it.Priority = frontier.Prerequisite
	case k%5 == 0:
		it.Priority = frontier.Embed
	}
	return it
}

// hostRules tracks, on the workers' side, what the frontier promises per
// host. Counts go up after Next returns and down before Done is called, so
// they never exceed the frontier's own: any fault seen here is real.
type hostRules struct {
	limit    int
	mu       sync.Mutex
	handed   map[string]int  // URL -> times handed out
	inFlight map[string]int  // host -> items held by workers
	robots   map[string]bool // host -> robots.txt held by a worker
	known    map[string]bool // host -> robots.txt done
	faults   []string
}

func (r *hostRules) start(it frontier.Item) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handed[it.URL]++
	r.inFlight[it.Host]++
	fault := func(format string, args ...any) { r.faults = append(r.faults, fmt.Sprintf(format, args...)) }
	if n := r.inFlight[it.Host]; n > r.limit {
		fault("%s: %d in flight, limit %d", it.URL, n, r.limit)
	}
	if r.robots[it.Host] {
		fault("%s started while robots.txt is in flight", it.URL)
	}
	if it.Priority == frontier.Prerequisite {
		if r.inFlight[it.Host] > 1 {
			fault("%s started beside other requests to its host", it.URL)
		}
		r.robots[it.Host] = true
	} else if !r.known[it.Host] {
		fault("%s started before its host's robots.txt was done", it.URL)
	}
}

func (r *hostRules) finish(it frontier.Item) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inFlight[it.Host]--
	if it.Priority == frontier.Prerequisite {
		r.robots[it.Host] = false
		r.known[it.Host] = true
	}
}

// Workers crawl many hosts, every fetch discovering more URLs (duplicates
// and refused ones included), as the crawler will. Run with -race.
func testConcurrentCrawl(t *testing.T, open Opener) {
	const (
		hosts   = 100
		perHost = 40
		workers = 8
		limit   = 2
	)
	f := open(t, frontier.Options{HostConcurrency: limit})
	for h := range hosts {
		Push(t, f, crawlItem(h, 0))
	}
	rules := &hostRules{
		limit:    limit,
		handed:   make(map[string]int),
		inFlight: make(map[string]int),
		robots:   make(map[string]bool),
		known:    make(map[string]bool),
	}

	ctx, cancel := context.WithTimeout(t.Context(), 4*guard)
	defer cancel()
	g, ctx := errgroup.WithContext(ctx)
	for range workers {
		g.Go(func() error {
			for {
				it, err := f.Next(ctx)
				if errors.Is(err, frontier.ErrExhausted) {
					return nil
				}
				if err != nil {
					return fmt.Errorf("next: %w", err)
				}
				rules.start(it)
				// As the crawler does, between the fetch and its records.
				if s, ok := f.(frontier.Settler); ok {
					if err := s.Settle(ctx, it); err != nil {
						return fmt.Errorf("settle %s: %w", it.URL, err)
					}
				}
				var h, k int
				if _, err := fmt.Sscanf(it.URL, "http://h%d.example/%d", &h, &k); err != nil {
					return fmt.Errorf("parse %s: %w", it.URL, err)
				}
				// The next two URLs of this host and one of the next host,
				// and one URL out of scope, refused.
				for _, found := range []frontier.Item{crawlItem(h, k+1), crawlItem(h, k+2), crawlItem((h+1)%hosts, k)} {
					if found.Depth >= perHost {
						continue
					}
					if _, err := f.Push(ctx, found); err != nil {
						return fmt.Errorf("push %s: %w", found.URL, err)
					}
				}
				if _, err := f.Mark(ctx, fmt.Sprintf("http://elsewhere.example/%d/%d", h, k%7)); err != nil {
					return fmt.Errorf("mark: %w", err)
				}
				rules.finish(it)
				if err := f.Done(ctx, it, time.Time{}); err != nil {
					return fmt.Errorf("done %s: %w", it.URL, err)
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}

	for _, fault := range rules.faults {
		t.Error(fault)
	}
	if len(rules.handed) != hosts*perHost {
		t.Errorf("%d URLs handed out, want %d", len(rules.handed), hosts*perHost)
	}
	for u, n := range rules.handed {
		if n != 1 {
			t.Errorf("%s handed out %d times", u, n)
		}
	}
	wantStats(t, f, frontier.Stats{Seen: hosts*perHost + hosts*7, Hosts: hosts})
}
