package frontier_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"arkisto/crawler/frontier"
)

// Timing checks here are lower bounds only: a loaded machine may make a
// start late, never early.

func TestOneRequestPerHost(t *testing.T) {
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
			f := frontier.NewMemory(frontier.Options{HostConcurrency: 1})
			push(t, f, page(hostA, "/1"), page(hostA, "/2"))
			first := nextURL(t, f, hostA+"/1")
			blocked(t, f) // not before Done
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

func TestHostConcurrency(t *testing.T) {
	const gap = 30 * time.Millisecond
	f := frontier.NewMemory(frontier.Options{HostConcurrency: 2, MinGap: gap})
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
	blockedFor(t, f, 3*gap)
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

func TestHostsAreIndependent(t *testing.T) {
	t.Run("a host in flight does not hold up another", func(t *testing.T) {
		f := frontier.NewMemory(frontier.Options{})
		push(t, f, page(hostA, "/1"), page(hostA, "/2"))
		a := nextURL(t, f, hostA+"/1")
		push(t, f, page(hostB, "/1"))
		b := nextURL(t, f, hostB+"/1")
		done(t, f, a, time.Time{})
		done(t, f, b, time.Time{})
		done(t, f, nextURL(t, f, hostA+"/2"), time.Time{})
	})

	t.Run("a host backing off does not hold up another", func(t *testing.T) {
		f := frontier.NewMemory(frontier.Options{})
		push(t, f, page(hostA, "/1"), page(hostA, "/2"))
		a := nextURL(t, f, hostA+"/1")
		push(t, f, page(hostB, "/1"), page(hostB, "/2"))
		done(t, f, a, time.Now().Add(time.Hour)) // say, Retry-After: 3600
		for _, p := range []string{"/1", "/2"} {
			done(t, f, nextURL(t, f, hostB+p), time.Time{})
		}
		blocked(t, f) // only hostA's /2 is left, an hour away
		want := frontier.Stats{Queued: 1, Seen: 4, Hosts: 2, HostsWaiting: 1}
		if got := f.Stats(); got != want {
			t.Fatalf("Stats = %+v, want %+v", got, want)
		}
	})
}

func TestNextCancel(t *testing.T) {
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
			f := frontier.NewMemory(frontier.Options{})
			tt.setup(t, f)

			ctx, cancel := context.WithCancel(t.Context())
			waiting := nextLater(ctx, f)
			blocked(t, f)
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

func TestStats(t *testing.T) {
	f := frontier.NewMemory(frontier.Options{})
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
		{"a second host, and a duplicate", func(t *testing.T) {
			push(t, f, page(hostB, "/1"))
			f.Push(t.Context(), page(hostA, "/1"))
		}, frontier.Stats{Queued: 2, Seen: 3, Hosts: 2, HostsReady: 1, HostsWaiting: 1, InFlight: 1}},
		{"done, ready in an hour", func(t *testing.T) {
			done(t, f, a, time.Now().Add(time.Hour))
		}, frontier.Stats{Queued: 2, Seen: 3, Hosts: 2, HostsReady: 1, HostsWaiting: 1}},
		{"the other host goes", func(t *testing.T) {
			b = nextURL(t, f, hostB+"/1")
		}, frontier.Stats{Queued: 1, Seen: 3, Hosts: 2, HostsWaiting: 1, InFlight: 1}},
		{"and is done with nothing left", func(t *testing.T) {
			done(t, f, b, time.Time{})
		}, frontier.Stats{Queued: 1, Seen: 3, Hosts: 2, HostsWaiting: 1}},
	}
	for _, s := range steps {
		s.do(t)
		if got := f.Stats(); got != s.want {
			t.Fatalf("after %s: Stats = %+v, want %+v", s.name, got, s.want)
		}
	}
}
