package frontiertest

import (
	"context"
	"errors"
	"testing"
	"time"

	"arkisto/crawler/frontier"
)

// The crawl is not over while a fetch is in flight: the fetch may still
// discover URLs.
func testWaitsForInFlight(t *testing.T, open Opener) {
	ctx, cancel := context.WithTimeout(t.Context(), guard)
	defer cancel()

	t.Run("returns what is pushed before Done", func(t *testing.T) {
		f := open(t, frontier.Options{})
		push(t, f, page(hostA, "/"))
		a := nextURL(t, f, hostA+"/")
		blocked(t, f, short)
		waiting := nextLater(ctx, f)
		push(t, f, page(hostA, "/found")) // same host: waits for Done
		done(t, f, a, time.Time{})
		if r := receive(t, waiting); r.err != nil || r.it.URL != hostA+"/found" {
			t.Fatalf("waiting Next = %q, %v; want the pushed URL", r.it.URL, r.err)
		}
	})

	t.Run("another host's URL is handed out at once", func(t *testing.T) {
		f := open(t, frontier.Options{})
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
		f := open(t, frontier.Options{})
		push(t, f, page(hostA, "/"))
		a := nextURL(t, f, hostA+"/")
		var waiting []<-chan result
		for range 3 {
			waiting = append(waiting, nextLater(ctx, f))
		}
		blocked(t, f, short)
		done(t, f, a, time.Time{})
		for i, w := range waiting {
			if r := receive(t, w); !errors.Is(r.err, frontier.ErrExhausted) {
				t.Errorf("waiter %d: Next = %q, %v; want ErrExhausted", i, r.it.URL, r.err)
			}
		}
	})
}

func testPrerequisite(t *testing.T, open Opener) {
	robots := item(hostA, "/robots.txt", frontier.Prerequisite)

	t.Run("blocks its host until done", func(t *testing.T) {
		f := open(t, frontier.Options{HostConcurrency: 3})
		push(t, f, robots, page(hostA, "/1"), page(hostA, "/2"), page(hostA, "/3"))
		r := nextURL(t, f, robots.URL)
		blocked(t, f, short) // free slots, queued pages, yet nothing
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
		f := open(t, frontier.Options{HostConcurrency: 3})
		push(t, f, page(hostA, "/1"), page(hostA, "/2"))
		p1 := nextURL(t, f, hostA+"/1")
		push(t, f, robots)
		blocked(t, f, short) // neither robots.txt, with /1 in flight, nor /2, behind robots.txt
		done(t, f, p1, time.Time{})
		r := nextURL(t, f, robots.URL)
		blocked(t, f, short)
		done(t, f, r, time.Time{})
		done(t, f, nextURL(t, f, hostA+"/2"), time.Time{})
		exhausted(t, f)
	})
}

func testOneRequestPerHost(t *testing.T, open Opener) {
	const delay = 50 * time.Millisecond
	tests := []struct {
		name    string
		waiting bool // Next is already blocked when Done comes
	}{
		{"Next called after Done", false},
		{"Next blocked before Done", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), guard)
			defer cancel()
			f := open(t, frontier.Options{HostConcurrency: 1})
			push(t, f, page(hostA, "/1"), page(hostA, "/2"))
			first := nextURL(t, f, hostA+"/1")
			blocked(t, f, short) // not before Done
			var waiting <-chan result
			if tt.waiting {
				waiting = nextLater(ctx, f)
			}
			ready := time.Now().Add(delay)
			done(t, f, first, ready)
			if !tt.waiting {
				waiting = nextLater(ctx, f)
			}
			r := receive(t, waiting)
			if r.err != nil || r.it.URL != hostA+"/2" {
				t.Fatalf("Next = %q, %v; want %s", r.it.URL, r.err, hostA+"/2")
			}
			if r.at.Before(ready) {
				t.Fatalf("second request started %v before the ready time Done gave", ready.Sub(r.at))
			}
			done(t, f, r.it, time.Time{})
		})
	}
}

func testHostConcurrency(t *testing.T, open Opener) {
	const gap = 30 * time.Millisecond
	f := open(t, frontier.Options{HostConcurrency: 2, MinGap: gap})
	for _, p := range []string{"/1", "/2", "/3", "/4"} {
		push(t, f, page(hostA, p))
	}

	// Starts are spaced by gap: each Next returns at least gap after the
	// previous one was called.
	called1 := time.Now()
	i1 := nextURL(t, f, hostA+"/1")
	called2 := time.Now()
	i2 := nextURL(t, f, hostA+"/2")
	if got := time.Since(called1); got < gap {
		t.Fatalf("second start %v after the first, want at least %v", got, gap)
	}

	// Two in flight: a third waits, even once the gap has passed.
	blocked(t, f, 3*gap)
	if got := f.Stats().InFlight; got != 2 {
		t.Fatalf("InFlight = %d, want 2", got)
	}

	done(t, f, i1, time.Time{})
	i3 := nextURL(t, f, hostA+"/3")
	if got := time.Since(called2); got < gap {
		t.Fatalf("third start %v after the second, want at least %v", got, gap)
	}

	// A later ready time from Done holds the next start back.
	ready := time.Now().Add(2 * gap)
	done(t, f, i2, ready)
	i4 := nextURL(t, f, hostA+"/4")
	if now := time.Now(); now.Before(ready) {
		t.Fatalf("fourth start %v before the ready time Done gave", ready.Sub(now))
	}
	done(t, f, i3, time.Time{})
	done(t, f, i4, time.Time{})
	exhausted(t, f)
}

func testHostsAreIndependent(t *testing.T, open Opener) {
	t.Run("a host in flight does not hold up another", func(t *testing.T) {
		f := open(t, frontier.Options{})
		push(t, f, page(hostA, "/1"), page(hostA, "/2"))
		a := nextURL(t, f, hostA+"/1")
		push(t, f, page(hostB, "/1"))
		b := nextURL(t, f, hostB+"/1")
		done(t, f, a, time.Time{})
		done(t, f, b, time.Time{})
		done(t, f, nextURL(t, f, hostA+"/2"), time.Time{})
	})

	t.Run("a host backing off does not hold up another", func(t *testing.T) {
		f := open(t, frontier.Options{})
		push(t, f, page(hostA, "/1"), page(hostA, "/2"))
		a := nextURL(t, f, hostA+"/1")
		push(t, f, page(hostB, "/1"), page(hostB, "/2"))
		done(t, f, a, time.Now().Add(time.Hour)) // say, Retry-After: 3600
		for _, p := range []string{"/1", "/2"} {
			done(t, f, nextURL(t, f, hostB+p), time.Time{})
		}
		blocked(t, f, short) // only hostA's /2 is left, an hour away
		wantStats(t, f, frontier.Stats{Queued: 1, Seen: 4, Hosts: 2, HostsWaiting: 1})
	})
}

func testCancel(t *testing.T, open Opener) {
	tests := []struct {
		name  string
		setup func(*testing.T, frontier.Frontier)
	}{
		{"while an item is in flight", func(t *testing.T, f frontier.Frontier) {
			push(t, f, page(hostA, "/1"))
			next(t, f)
		}},
		{"while a host waits for its ready time", func(t *testing.T, f frontier.Frontier) {
			push(t, f, page(hostA, "/1"), page(hostA, "/2"))
			done(t, f, next(t, f), time.Now().Add(time.Hour))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := open(t, frontier.Options{})
			tt.setup(t, f)

			ctx, cancel := context.WithCancel(t.Context())
			waiting := nextLater(ctx, f)
			blocked(t, f, short)
			cancel()
			if r := receive(t, waiting); !errors.Is(r.err, context.Canceled) {
				t.Fatalf("Next = %q, %v; want context.Canceled", r.it.URL, r.err)
			}

			// A context cancelled before the call is honoured too.
			if it, err := f.Next(ctx); !errors.Is(err, context.Canceled) {
				t.Fatalf("Next = %q, %v; want context.Canceled", it.URL, err)
			}
		})
	}
}

func testStats(t *testing.T, open Opener) {
	f := open(t, frontier.Options{})
	var a, b frontier.Item
	steps := []struct {
		name string
		do   func(t *testing.T)
		want frontier.Stats
	}{
		{"new", func(*testing.T) {}, frontier.Stats{}},
		{"two URLs of one host", func(t *testing.T) {
			push(t, f, page(hostA, "/1"), page(hostA, "/2"))
		}, frontier.Stats{Queued: 2, Seen: 2, Hosts: 1, HostsReady: 1}},
		{"one in flight holds the host back", func(t *testing.T) {
			a = nextURL(t, f, hostA+"/1")
		}, frontier.Stats{Queued: 1, Seen: 2, Hosts: 1, HostsWaiting: 1, InFlight: 1}},
		{"a second host, a duplicate and a mark", func(t *testing.T) {
			push(t, f, page(hostB, "/1"))
			if ok, err := f.Push(t.Context(), page(hostA, "/1")); ok || err != nil {
				t.Fatalf("Push of a duplicate = %v, %v", ok, err)
			}
			if ok, err := f.Mark(t.Context(), hostB+"/refused"); !ok || err != nil {
				t.Fatalf("Mark = %v, %v", ok, err)
			}
		}, frontier.Stats{Queued: 2, Seen: 4, Hosts: 2, HostsReady: 1, HostsWaiting: 1, InFlight: 1}},
		{"done, ready in an hour", func(t *testing.T) {
			done(t, f, a, time.Now().Add(time.Hour))
		}, frontier.Stats{Queued: 2, Seen: 4, Hosts: 2, HostsReady: 1, HostsWaiting: 1}},
		{"the other host goes", func(t *testing.T) {
			b = nextURL(t, f, hostB+"/1")
		}, frontier.Stats{Queued: 1, Seen: 4, Hosts: 2, HostsWaiting: 1, InFlight: 1}},
		{"and is done with nothing left", func(t *testing.T) {
			done(t, f, b, time.Time{})
		}, frontier.Stats{Queued: 1, Seen: 4, Hosts: 2, HostsWaiting: 1}},
	}
	for _, s := range steps {
		s.do(t)
		if got := f.Stats(); got != s.want {
			t.Fatalf("after %s: Stats = %+v, want %+v", s.name, got, s.want)
		}
	}
}
