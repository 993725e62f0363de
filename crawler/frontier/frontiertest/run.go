package frontiertest

import (
	"fmt"
	"testing"
	"time"

	"arkisto/crawler/frontier"
)

// Opener returns a new, empty frontier with opts, closed when t ends.
type Opener func(t *testing.T, opts frontier.Options) frontier.Frontier

// Run checks the frontier contract against the frontiers open returns.
// Timing checks are lower bounds only: a loaded machine may make a start
// late, never early.
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
		{"HostsAreIndependent", testHostsAreIndependent},
		{"Retry", testRetry},
		{"DropHost", testDropHost},
		{"Cancel", testCancel},
		{"Stats", testStats},
		{"ConcurrentCrawl", testConcurrentCrawl},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, open) })
	}
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
		{"same URL twice", []op{{it: page(hostA, "/1"), want: true}, {it: page(hostA, "/1")}}, 1},
		{
			name: "same URL with another priority or host",
			ops: []op{
				{it: page(hostA, "/1"), want: true},
				{it: item(hostA, "/1", frontier.Embed)},
				{it: frontier.Item{URL: hostA + "/1", Host: hostB, Priority: frontier.Page}},
			},
			wantQueued: 1,
		},
		{
			name:       "distinct URLs",
			ops:        []op{{it: page(hostA, "/1"), want: true}, {it: page(hostA, "/2"), want: true}, {it: page(hostB, "/1"), want: true}},
			wantQueued: 3,
		},
		{
			name:       "a marked URL is never queued",
			ops:        []op{{mark: hostA + "/1", want: true}, {mark: hostA + "/1"}, {it: page(hostA, "/1")}},
			wantQueued: 0,
		},
		{
			name:       "a queued URL is already marked",
			ops:        []op{{it: page(hostA, "/1"), want: true}, {mark: hostA + "/1"}},
			wantQueued: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := open(t, frontier.Options{})
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
				it := next(t, f)
				handed = append(handed, it)
				done(t, f, it, time.Time{})
			}
			exhausted(t, f)
			for _, it := range handed {
				if ok, err := f.Push(t.Context(), it); ok || err != nil {
					t.Errorf("Push(%s) after Done = %v, %v; want a duplicate", it.URL, ok, err)
				}
			}
		})
	}
}

func testBadPriority(t *testing.T, open Opener) {
	for _, p := range []frontier.Priority{-1, frontier.Page + 1, 100} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			f := open(t, frontier.Options{})
			it := item(hostA, "/x", p)
			if ok, err := f.Push(t.Context(), it); err == nil || ok {
				t.Fatalf("Push with priority %d = %v, %v; want an error", p, ok, err)
			}
			// A rejected URL is not seen: pushed right, it is queued.
			it.Priority = frontier.Page
			push(t, f, it)
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
			push(t, f, page(hostA, "/1"), page(hostB, "/1"))
			a, b := next(t, f), next(t, f)
			done(t, f, a, time.Time{})
			done(t, f, b, time.Now().Add(time.Hour)) // a host's ready time does not keep the crawl alive
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := open(t, frontier.Options{})
			tt.setup(t, f)
			exhausted(t, f)
			exhausted(t, f) // and it stays so
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
				item(hostA, "/p1", frontier.Page), item(hostA, "/e1", frontier.Embed), item(hostA, "/p2", frontier.Page),
				item(hostA, "/robots.txt", frontier.Prerequisite), item(hostA, "/e2", frontier.Embed),
			},
			want: []string{"/robots.txt", "/e1", "/e2", "/p1", "/p2"},
		},
		{
			name:   "pages first in, first out",
			pushes: []frontier.Item{page(hostA, "/3"), page(hostA, "/1"), page(hostA, "/2")},
			want:   []string{"/3", "/1", "/2"},
		},
		{
			name: "embeds first in, first out",
			pushes: []frontier.Item{
				item(hostA, "/z.css", frontier.Embed), page(hostA, "/"), item(hostA, "/a.png", frontier.Embed),
			},
			want: []string{"/z.css", "/a.png", "/"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := open(t, frontier.Options{})
			push(t, f, tt.pushes...)
			for _, p := range tt.want {
				done(t, f, nextURL(t, f, hostA+p), time.Time{})
			}
			exhausted(t, f)
		})
	}

	t.Run("first in, first out across a long queue", func(t *testing.T) {
		f := open(t, frontier.Options{})
		const n = 3000
		pushed, taken := 0, 0
		for _, step := range []struct{ push, take int }{{2000, 1500}, {1000, 0}, {0, 1500}} {
			for range step.push {
				push(t, f, page(hostA, fmt.Sprintf("/%d", pushed)))
				pushed++
			}
			for range step.take {
				done(t, f, nextURL(t, f, fmt.Sprintf("%s/%d", hostA, taken)), time.Time{})
				taken++
			}
		}
		if taken != n {
			t.Fatalf("took %d, want %d", taken, n)
		}
		exhausted(t, f)
	})

	t.Run("a page's embeds go before the pages queued earlier", func(t *testing.T) {
		f := open(t, frontier.Options{})
		push(t, f, page(hostA, "/1"), page(hostA, "/2"))
		p1 := nextURL(t, f, hostA+"/1")
		push(t, f, item(hostA, "/1.css", frontier.Embed))
		done(t, f, p1, time.Time{})
		done(t, f, nextURL(t, f, hostA+"/1.css"), time.Time{})
		done(t, f, nextURL(t, f, hostA+"/2"), time.Time{})
	})

	t.Run("an item comes back whole", func(t *testing.T) {
		f := open(t, frontier.Options{})
		want := frontier.Item{
			URL: hostA + "/a/b?c=d", Host: hostA, Priority: frontier.Embed,
			Depth: 3, Hops: "LLE", Via: hostA + "/a/", Attempt: 2,
		}
		push(t, f, want)
		if got := next(t, f); got != want {
			t.Fatalf("Next = %+v, want %+v", got, want)
		}
	})
}
