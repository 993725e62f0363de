package frontiertest

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"arkisto/crawler/frontier"
)

// Opener returns a new, empty frontier with opts, closed when t ends.
type Opener func(t *testing.T, opts frontier.Options) frontier.Frontier

// Run checks the frontier contract against the frontiers open returns.
//
// Every case but the concurrent crawl runs in a synctest bubble, open
// included (t's cleanups, which close the frontier, run in it too). The
// bubble's clock moves only when every goroutine in it waits, the store's
// own ones included, so "Next still waits" and "Next returned at the ready
// time" are exact on any machine under any load, and a store that starts
// goroutines must end them by Close. The concurrent crawl runs on the real
// clock, its workers racing as a crawl's do; it asserts nothing of time.
func Run(t *testing.T, open Opener) {
	for _, c := range []struct {
		name string
		run  func(*testing.T, Opener)
	}{
		{"Dedupe", testDedupe},
		{"RejectsBadPriority", testBadPriority},
		{"Exhausted", testExhausted},
		{"WaitsForInFlight", testWaitsForInFlight},
		{"Priorities", testPriorities},
		{"Prerequisite", testPrerequisite},
		{"OneRequestPerHost", testOneRequestPerHost},
		{"HostConcurrency", testHostConcurrency},
		{"BackOffEndsWithTheNextDone", testBackOffEnds},
		{"HostsAreIndependent", testHostsAreIndependent},
		{"Retry", testRetry},
		{"DropHost", testDropHost},
		{"Cancel", testCancel},
		{"Stats", testStats},
		{"ConcurrentCrawl", testConcurrentCrawl},
		{"HostBook", testHostBook},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, open) })
	}
}

// inBubble runs body in a synctest bubble, on a new frontier with opts.
func inBubble(t *testing.T, open Opener, opts frontier.Options, body func(*testing.T, frontier.Frontier)) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) { body(t, open(t, opts)) })
}

func testDedupe(t *testing.T, open Opener) {
	type op struct {
		mark string        // Mark this URL, or else
		it   frontier.Item // Push this item
		want bool          // what the call reports
	}
	tests := []struct {
		name       string
		ops        []op
		wantQueued int
	}{
		{"same URL twice", []op{{it: Page(hostA, "/1"), want: true}, {it: Page(hostA, "/1")}}, 1},
		{
			name: "same URL with another priority or host",
			ops: []op{
				{it: Page(hostA, "/1"), want: true},
				{it: ItemOf(hostA, "/1", frontier.Embed)},
				{it: frontier.Item{URL: hostA + "/1", Host: hostB, Priority: frontier.Page}},
			},
			wantQueued: 1,
		},
		{
			name:       "distinct URLs",
			ops:        []op{{it: Page(hostA, "/1"), want: true}, {it: Page(hostA, "/2"), want: true}, {it: Page(hostB, "/1"), want: true}},
			wantQueued: 3,
		},
		{
			name:       "a marked URL is never queued",
			ops:        []op{{mark: hostA + "/1", want: true}, {mark: hostA + "/1"}, {it: Page(hostA, "/1")}},
			wantQueued: 0,
		},
		{
			name:       "a queued URL is already marked",
			ops:        []op{{it: Page(hostA, "/1"), want: true}, {mark: hostA + "/1"}},
			wantQueued: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
				for i, o := range tt.ops {
					var got bool
					var err error
					if o.mark != "" {
						got, err = f.Mark(t.Context(), o.mark)
					} else {
						got, err = f.Push(t.Context(), o.it)
					}
					if err != nil || got != o.want {
						t.Fatalf("op %d = %v, %v; want %v", i, got, err, o.want)
					}
				}
				if q := f.Stats().Queued; q != tt.wantQueued {
					t.Errorf("Queued = %d, want %d", q, tt.wantQueued)
				}
				var handed []frontier.Item
				for range tt.wantQueued {
					it := Next(t, f)
					handed = append(handed, it)
					Done(t, f, it, time.Time{})
				}
				Exhausted(t, f)
				for _, it := range handed {
					if ok, err := f.Push(t.Context(), it); ok || err != nil {
						t.Errorf("Push(%s) after Done = %v, %v; want a duplicate", it.URL, ok, err)
					}
				}
			})
		})
	}
}

func testBadPriority(t *testing.T, open Opener) {
	for _, p := range []frontier.Priority{-1, frontier.Page + 1, 100} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
				it := ItemOf(hostA, "/x", p)
				if ok, err := f.Push(t.Context(), it); err == nil || ok {
					t.Fatalf("Push with priority %d = %v, %v; want an error", p, ok, err)
				}
				// A rejected URL is not seen: pushed right, it is queued.
				it.Priority = frontier.Page
				Push(t, f, it)
			})
		})
	}
}

func testExhausted(t *testing.T, open Opener) {
	tests := []struct {
		name  string
		setup func(*testing.T, frontier.Frontier)
	}{
		{"new frontier", func(*testing.T, frontier.Frontier) {}},
		{"only marked URLs", func(t *testing.T, f frontier.Frontier) {
			if _, err := f.Mark(t.Context(), hostA+"/"); err != nil {
				t.Fatal(err)
			}
		}},
		{"every item done", func(t *testing.T, f frontier.Frontier) {
			Push(t, f, Page(hostA, "/1"), Page(hostB, "/1"))
			a, b := Next(t, f), Next(t, f)
			Done(t, f, a, time.Time{})
			Done(t, f, b, time.Now().Add(time.Hour)) // a host's ready time does not keep the crawl alive
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
				tt.setup(t, f)
				Exhausted(t, f)
				Exhausted(t, f) // and it stays so
			})
		})
	}
}

func testPriorities(t *testing.T, open Opener) {
	tests := []struct {
		name   string
		pushes []frontier.Item
		want   []string // paths in the order Next hands them out
	}{
		{
			name: "prerequisite, then embeds, then pages",
			pushes: []frontier.Item{
				ItemOf(hostA, "/p1", frontier.Page), ItemOf(hostA, "/e1", frontier.Embed), ItemOf(hostA, "/p2", frontier.Page),
				ItemOf(hostA, "/robots.txt", frontier.Prerequisite), ItemOf(hostA, "/e2", frontier.Embed),
			},
			want: []string{"/robots.txt", "/e1", "/e2", "/p1", "/p2"},
		},
		{
			name:   "pages first in, first out",
			pushes: []frontier.Item{Page(hostA, "/3"), Page(hostA, "/1"), Page(hostA, "/2")},
			want:   []string{"/3", "/1", "/2"},
		},
		{
			name: "embeds first in, first out",
			pushes: []frontier.Item{
				ItemOf(hostA, "/z.css", frontier.Embed), Page(hostA, "/"), ItemOf(hostA, "/a.png", frontier.Embed),
			},
			want: []string{"/z.css", "/a.png", "/"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
				Push(t, f, tt.pushes...)
				for _, p := range tt.want {
					Done(t, f, nextURL(t, f, hostA+p), time.Time{})
				}
				Exhausted(t, f)
			})
		})
	}

	// Time passes after the first pushes and takes: a store that commits
	// in the background does so then, and the queue is read partly from
	// what it committed and partly from what it did not yet.
	t.Run("first in, first out across a long queue", func(t *testing.T) {
		inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
			const n = 3000
			pushed, taken := 0, 0
			for _, step := range []struct{ push, take int }{{2000, 1500}, {1000, 0}, {0, 1500}} {
				for range step.push {
					Push(t, f, Page(hostA, fmt.Sprintf("/%d", pushed)))
					pushed++
				}
				time.Sleep(aWhile)
				for range step.take {
					Done(t, f, nextURL(t, f, fmt.Sprintf("%s/%d", hostA, taken)), time.Time{})
					taken++
				}
			}
			if taken != n {
				t.Fatalf("took %d, want %d", taken, n)
			}
			Exhausted(t, f)
		})
	})

	t.Run("a page's embeds go before the pages queued earlier", func(t *testing.T) {
		inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
			Push(t, f, Page(hostA, "/1"), Page(hostA, "/2"))
			p1 := nextURL(t, f, hostA+"/1")
			Push(t, f, ItemOf(hostA, "/1.css", frontier.Embed))
			Done(t, f, p1, time.Time{})
			Done(t, f, nextURL(t, f, hostA+"/1.css"), time.Time{})
			Done(t, f, nextURL(t, f, hostA+"/2"), time.Time{})
		})
	})

	// Whole from memory, before a store that commits in the background
	// has committed it, and whole from what it committed.
	t.Run("an item comes back whole", func(t *testing.T) {
		inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
			first := frontier.Item{
				URL: hostA + "/a/b?c=d", Host: hostA, Priority: frontier.Embed,
				Depth: 3, Hops: "LLE", Via: hostA + "/a/", Attempt: 2, Doc: frontier.DocFeed,
			}
			second := frontier.Item{URL: hostA + "/sitemap.xml", Host: hostA, Priority: frontier.Page, Doc: frontier.DocSitemap}
			Push(t, f, first)
			NextIs(t, f, first)
			Push(t, f, second)
			time.Sleep(aWhile)
			Done(t, f, first, time.Time{})
			NextIs(t, f, second)
		})
	})
}
