package frontier_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"arkisto/crawler/frontier"
)

const (
	hostA = "https://a.example:443"
	hostB = "https://b.example:443"
)

var _ frontier.Frontier = (*frontier.Memory)(nil)

func TestPushDedupe(t *testing.T) {
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
			f := frontier.NewMemory(frontier.Options{})
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
			for range tt.wantQueued {
				done(t, f, next(t, f), time.Time{})
			}
			exhausted(t, f)
		})
	}
}

func TestPushRejectsBadPriority(t *testing.T) {
	for _, p := range []frontier.Priority{-1, frontier.Page + 1, 100} {
		f := frontier.NewMemory(frontier.Options{})
		it := item(hostA, "/x", p)
		if ok, err := f.Push(t.Context(), it); err == nil || ok {
			t.Errorf("Push with priority %d = %v, %v; want an error", p, ok, err)
		}
		// A rejected URL is not seen: pushed right, it is queued.
		it.Priority = frontier.Page
		push(t, f, it)
	}
}

func TestExhausted(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*testing.T, frontier.Frontier)
	}{
		{"new frontier", func(*testing.T, frontier.Frontier) {}},
		{"only marked URLs", func(t *testing.T, f frontier.Frontier) { f.Mark(t.Context(), hostA+"/") }},
		{"every item done", func(t *testing.T, f frontier.Frontier) {
			push(t, f, page(hostA, "/1"), page(hostB, "/1"))
			a, b := next(t, f), next(t, f)
			done(t, f, a, time.Time{})
			done(t, f, b, time.Now().Add(time.Hour)) // a host's ready time does not keep the crawl alive
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := frontier.NewMemory(frontier.Options{})
			tt.setup(t, f)
			exhausted(t, f)
			exhausted(t, f) // and it stays so
		})
	}
}

// The crawl is not over while a fetch is in flight: the fetch may still
// discover URLs.
func TestNextWaitsForInFlight(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), guard)
	defer cancel()

	t.Run("returns what is pushed before Done", func(t *testing.T) {
		f := frontier.NewMemory(frontier.Options{})
		push(t, f, page(hostA, "/"))
		a := nextURL(t, f, hostA+"/")
		blocked(t, f)
		waiting := nextLater(ctx, f)
		push(t, f, page(hostA, "/found")) // same host: waits for Done
		done(t, f, a, time.Time{})
		if r := receive(t, waiting); r.err != nil || r.it.URL != hostA+"/found" {
			t.Fatalf("waiting Next = %q, %v; want the pushed URL", r.it.URL, r.err)
		}
	})

	t.Run("another host's URL is handed out at once", func(t *testing.T) {
		f := frontier.NewMemory(frontier.Options{})
		push(t, f, page(hostA, "/"))
		a := nextURL(t, f, hostA+"/")
		waiting := nextLater(ctx, f)
		push(t, f, page(hostB, "/"))
		if r := receive(t, waiting); r.err != nil || r.it.URL != hostB+"/" {
			t.Fatalf("waiting Next = %q, %v; want %s", r.it.URL, r.err, hostB+"/")
		}
		done(t, f, a, time.Time{})
	})

	t.Run("every waiter learns the end", func(t *testing.T) {
		f := frontier.NewMemory(frontier.Options{})
		push(t, f, page(hostA, "/"))
		a := nextURL(t, f, hostA+"/")
		var waiting []<-chan result
		for range 3 {
			waiting = append(waiting, nextLater(ctx, f))
		}
		blocked(t, f)
		done(t, f, a, time.Time{})
		for i, w := range waiting {
			if r := receive(t, w); !errors.Is(r.err, frontier.ErrExhausted) {
				t.Errorf("waiter %d: Next = %q, %v; want ErrExhausted", i, r.it.URL, r.err)
			}
		}
	})
}

func TestPriorities(t *testing.T) {
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
			f := frontier.NewMemory(frontier.Options{})
			push(t, f, tt.pushes...)
			for _, p := range tt.want {
				done(t, f, nextURL(t, f, hostA+p), time.Time{})
			}
			exhausted(t, f)
		})
	}

	t.Run("first in, first out across a long queue", func(t *testing.T) {
		// Long enough for the queue to compact its drained front.
		f := frontier.NewMemory(frontier.Options{})
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
		f := frontier.NewMemory(frontier.Options{})
		push(t, f, page(hostA, "/1"), page(hostA, "/2"))
		p1 := nextURL(t, f, hostA+"/1")
		push(t, f, item(hostA, "/1.css", frontier.Embed))
		done(t, f, p1, time.Time{})
		done(t, f, nextURL(t, f, hostA+"/1.css"), time.Time{})
		done(t, f, nextURL(t, f, hostA+"/2"), time.Time{})
	})
}

func TestPrerequisite(t *testing.T) {
	robots := item(hostA, "/robots.txt", frontier.Prerequisite)

	t.Run("blocks its host until done", func(t *testing.T) {
		f := frontier.NewMemory(frontier.Options{HostConcurrency: 3})
		push(t, f, robots, page(hostA, "/1"), page(hostA, "/2"), page(hostA, "/3"))
		r := nextURL(t, f, robots.URL)
		blocked(t, f) // free slots, queued pages, yet nothing
		push(t, f, page(hostB, "/"))
		b := nextURL(t, f, hostB+"/") // other hosts go on
		done(t, f, r, time.Time{})
		var pages []frontier.Item
		for _, p := range []string{"/1", "/2", "/3"} {
			pages = append(pages, nextURL(t, f, hostA+p)) // all three at once
		}
		if got := f.Stats().InFlight; got != 4 {
			t.Errorf("InFlight = %d, want 4", got)
		}
		for _, it := range append(pages, b) {
			done(t, f, it, time.Time{})
		}
		exhausted(t, f)
	})

	t.Run("waits for the host to go idle", func(t *testing.T) {
		f := frontier.NewMemory(frontier.Options{HostConcurrency: 3})
		push(t, f, page(hostA, "/1"), page(hostA, "/2"))
		p1 := nextURL(t, f, hostA+"/1")
		push(t, f, robots)
		blocked(t, f) // neither robots.txt, with /1 in flight, nor /2, behind robots.txt
		done(t, f, p1, time.Time{})
		r := nextURL(t, f, robots.URL)
		blocked(t, f)
		done(t, f, r, time.Time{})
		done(t, f, nextURL(t, f, hostA+"/2"), time.Time{})
		exhausted(t, f)
	})
}
