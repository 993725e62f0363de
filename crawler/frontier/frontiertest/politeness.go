package frontiertest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"arkisto/crawler/frontier"
)

// The crawl is not over while a fetch is in flight: the fetch may still
// discover URLs.
func testWaitsForInFlight(t *testing.T, open Opener) {
	t.Run("returns what is pushed before Done", func(t *testing.T) {
		inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
			Push(t, f, Page(hostA, "/"))
			a := nextURL(t, f, hostA+"/")
			Blocked(t, f, aWhile)
			waiting := nextLater(t.Context(), f)
			Push(t, f, Page(hostA, "/found")) // same host: waits for Done
			Done(t, f, a, time.Time{})
			if r := receive(t, waiting); r.err != nil || r.it.URL != hostA+"/found" {
				t.Fatalf("waiting Next = %q, %v; want the pushed URL", r.it.URL, r.err)
			}
		})
	})

	t.Run("another host's URL is handed out at once", func(t *testing.T) {
		inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
			Push(t, f, Page(hostA, "/"))
			a := nextURL(t, f, hostA+"/")
			waiting := nextLater(t.Context(), f)
			Push(t, f, Page(hostB, "/"))
			if r := receive(t, waiting); r.err != nil || r.it.URL != hostB+"/" || !r.at.Equal(time.Now()) {
				t.Fatalf("waiting Next = %q, %v at %s; want %s at once", r.it.URL, r.err, r.at, hostB+"/")
			}
			Done(t, f, a, time.Time{})
		})
	})

	t.Run("every waiter learns the end", func(t *testing.T) {
		inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
			Push(t, f, Page(hostA, "/"))
			a := nextURL(t, f, hostA+"/")
			var waiting []<-chan result
			for range 3 {
				waiting = append(waiting, nextLater(t.Context(), f))
			}
			Blocked(t, f, aWhile)
			Done(t, f, a, time.Time{})
			for i, w := range waiting {
				if r := receive(t, w); !errors.Is(r.err, frontier.ErrExhausted) {
					t.Errorf("waiter %d: Next = %q, %v; want ErrExhausted", i, r.it.URL, r.err)
				}
			}
		})
	})
}

func testPrerequisite(t *testing.T, open Opener) {
	robots := ItemOf(hostA, "/robots.txt", frontier.Prerequisite)

	t.Run("blocks its host until done", func(t *testing.T) {
		inBubble(t, open, frontier.Options{HostConcurrency: 3}, func(t *testing.T, f frontier.Frontier) {
			Push(t, f, robots, Page(hostA, "/1"), Page(hostA, "/2"), Page(hostA, "/3"))
			r := nextURL(t, f, robots.URL)
			Blocked(t, f, aWhile) // free slots, queued pages, yet nothing
			Push(t, f, Page(hostB, "/"))
			b := nextURL(t, f, hostB+"/") // other hosts go on
			Done(t, f, r, time.Time{})
			var pages []frontier.Item
			for _, p := range []string{"/1", "/2", "/3"} {
				pages = append(pages, nextAt(t, f, hostA+p, time.Now())) // all three at once
			}
			if got := f.Stats().InFlight; got != 4 {
				t.Errorf("InFlight = %d, want 4", got)
			}
			for _, it := range append(pages, b) {
				Done(t, f, it, time.Time{})
			}
			Exhausted(t, f)
		})
	})

	t.Run("waits for the host to go idle", func(t *testing.T) {
		inBubble(t, open, frontier.Options{HostConcurrency: 3}, func(t *testing.T, f frontier.Frontier) {
			Push(t, f, Page(hostA, "/1"), Page(hostA, "/2"))
			p1 := nextURL(t, f, hostA+"/1")
			Push(t, f, robots)
			Blocked(t, f, aWhile) // neither robots.txt, with /1 in flight, nor /2, behind robots.txt
			Done(t, f, p1, time.Time{})
			r := nextURL(t, f, robots.URL)
			Blocked(t, f, aWhile)
			Done(t, f, r, time.Time{})
			Done(t, f, nextURL(t, f, hostA+"/2"), time.Time{})
			Exhausted(t, f)
		})
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
			inBubble(t, open, frontier.Options{HostConcurrency: 1}, func(t *testing.T, f frontier.Frontier) {
				Push(t, f, Page(hostA, "/1"), Page(hostA, "/2"))
				first := nextURL(t, f, hostA+"/1")
				Blocked(t, f, aWhile) // not before Done
				var waiting <-chan result
				if tt.waiting {
					waiting = nextLater(t.Context(), f)
				}
				ready := time.Now().Add(delay)
				Done(t, f, first, ready)
				if !tt.waiting {
					waiting = nextLater(t.Context(), f)
				}
				r := receive(t, waiting)
				if r.err != nil || r.it.URL != hostA+"/2" {
					t.Fatalf("Next = %q, %v; want %s", r.it.URL, r.err, hostA+"/2")
				}
				if !r.at.Equal(ready) {
					t.Fatalf("second request started %v after the ready time Done gave", r.at.Sub(ready))
				}
				Done(t, f, r.it, time.Time{})
			})
		})
	}
}

func testHostConcurrency(t *testing.T, open Opener) {
	const gap = 30 * time.Millisecond
	t.Run("slots and gaps", func(t *testing.T) {
		inBubble(t, open, frontier.Options{HostConcurrency: 2, MinGap: gap}, func(t *testing.T, f frontier.Frontier) {
			for _, p := range []string{"/1", "/2", "/3", "/4"} {
				Push(t, f, Page(hostA, p))
			}

			// Starts are spaced by gap.
			start := time.Now()
			i1 := nextAt(t, f, hostA+"/1", start)
			i2 := nextAt(t, f, hostA+"/2", start.Add(gap))

			// Two in flight: a third waits, even once the gap has passed.
			Blocked(t, f, aWhile)
			if got := f.Stats().InFlight; got != 2 {
				t.Fatalf("InFlight = %d, want 2", got)
			}

			// A slot frees: the third starts at once, the gap since the
			// second start being long past.
			Done(t, f, i1, time.Time{})
			i3 := nextAt(t, f, hostA+"/3", time.Now())

			// A later ready time from Done holds the next start back to it.
			ready := time.Now().Add(2 * gap)
			Done(t, f, i2, ready)
			i4 := nextAt(t, f, hostA+"/4", ready)
			Done(t, f, i3, time.Time{})
			Done(t, f, i4, time.Time{})
			Exhausted(t, f)
		})
	})

	// The gap counts from the last start, not from Done.
	t.Run("gap after a quick Done", func(t *testing.T) {
		inBubble(t, open, frontier.Options{HostConcurrency: 2, MinGap: gap}, func(t *testing.T, f frontier.Frontier) {
			Push(t, f, Page(hostA, "/1"), Page(hostA, "/2"))
			start := time.Now()
			i1 := nextAt(t, f, hostA+"/1", start)
			time.Sleep(gap / 3)
			Done(t, f, i1, time.Time{})
			Done(t, f, nextAt(t, f, hostA+"/2", start.Add(gap)), time.Time{})
		})
	})
}

// A long ready time from one Done (a back-off, say Retry-After: 3600) holds
// back the next start, and only that one: once a later Done gives an
// earlier ready time, the host may go again at that time.
func testBackOffEnds(t *testing.T, open Opener) {
	for _, hostConcurrency := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d at a time", hostConcurrency), func(t *testing.T) {
			inBubble(t, open, frontier.Options{HostConcurrency: hostConcurrency}, func(t *testing.T, f frontier.Frontier) {
				Push(t, f, Page(hostA, "/1"), Page(hostA, "/2"), Page(hostA, "/3"))
				backOff := time.Now().Add(time.Hour)
				Done(t, f, nextURL(t, f, hostA+"/1"), backOff)
				Blocked(t, f, time.Until(backOff)-time.Nanosecond)
				a2 := nextAt(t, f, hostA+"/2", backOff)
				time.Sleep(time.Second)
				Done(t, f, a2, time.Now()) // fetched fine: no delay asked
				nextAt(t, f, hostA+"/3", time.Now())
			})
		})
	}
}

func testHostsAreIndependent(t *testing.T, open Opener) {
	t.Run("a host in flight does not hold up another", func(t *testing.T) {
		inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
			Push(t, f, Page(hostA, "/1"), Page(hostA, "/2"))
			a := nextURL(t, f, hostA+"/1")
			Push(t, f, Page(hostB, "/1"))
			b := nextAt(t, f, hostB+"/1", time.Now())
			Done(t, f, a, time.Time{})
			Done(t, f, b, time.Time{})
			Done(t, f, nextURL(t, f, hostA+"/2"), time.Time{})
		})
	})

	t.Run("a host backing off does not hold up another", func(t *testing.T) {
		inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
			Push(t, f, Page(hostA, "/1"), Page(hostA, "/2"))
			a := nextURL(t, f, hostA+"/1")
			Push(t, f, Page(hostB, "/1"), Page(hostB, "/2"))
			Done(t, f, a, time.Now().Add(time.Hour)) // say, Retry-After: 3600
			for _, p := range []string{"/1", "/2"} {
				Done(t, f, nextAt(t, f, hostB+p, time.Now()), time.Time{})
			}
			Blocked(t, f, aWhile) // only hostA's /2 is left, an hour away
			wantStats(t, f, frontier.Stats{Queued: 1, Seen: 4, Hosts: 2, HostsWaiting: 1})
		})
	})
}

func testCancel(t *testing.T, open Opener) {
	tests := []struct {
		name  string
		setup func(*testing.T, frontier.Frontier)
	}{
		{"while an item is in flight", func(t *testing.T, f frontier.Frontier) {
			Push(t, f, Page(hostA, "/1"))
			Next(t, f)
		}},
		{"while a host waits for its ready time", func(t *testing.T, f frontier.Frontier) {
			Push(t, f, Page(hostA, "/1"), Page(hostA, "/2"))
			Done(t, f, Next(t, f), time.Now().Add(time.Hour))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
				tt.setup(t, f)

				ctx, cancel := context.WithCancel(t.Context())
				waiting := nextLater(ctx, f)
				Blocked(t, f, aWhile)
				cancel()
				if r := receive(t, waiting); !errors.Is(r.err, context.Canceled) || !r.at.Equal(time.Now()) {
					t.Fatalf("Next = %q, %v at %s; want context.Canceled at once", r.it.URL, r.err, r.at)
				}

				// A context cancelled before the call is honoured too.
				if it, err := f.Next(ctx); !errors.Is(err, context.Canceled) {
					t.Fatalf("Next = %q, %v; want context.Canceled", it.URL, err)
				}
			})
		})
	}
}

func testStats(t *testing.T, open Opener) {
	inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
		var a, b frontier.Item
		steps := []struct {
			name string
			do   func(t *testing.T)
			want frontier.Stats
		}{
			{"new", func(*testing.T) {}, frontier.Stats{}},
			{"two URLs of one host", func(t *testing.T) {
				Push(t, f, Page(hostA, "/1"), Page(hostA, "/2"))
			}, frontier.Stats{Queued: 2, Seen: 2, Hosts: 1, HostsReady: 1}},
			{"one in flight holds the host back", func(t *testing.T) {
				a = nextURL(t, f, hostA+"/1")
			}, frontier.Stats{Queued: 1, Seen: 2, Hosts: 1, HostsWaiting: 1, InFlight: 1}},
			{"a second host, a duplicate and a mark", func(t *testing.T) {
				Push(t, f, Page(hostB, "/1"))
				if ok, err := f.Push(t.Context(), Page(hostA, "/1")); ok || err != nil {
					t.Fatalf("Push of a duplicate = %v, %v", ok, err)
				}
				if ok, err := f.Mark(t.Context(), hostB+"/refused"); !ok || err != nil {
					t.Fatalf("Mark = %v, %v", ok, err)
				}
			}, frontier.Stats{Queued: 2, Seen: 4, Hosts: 2, HostsReady: 1, HostsWaiting: 1, InFlight: 1}},
			{"done, ready in an hour", func(t *testing.T) {
				Done(t, f, a, time.Now().Add(time.Hour))
			}, frontier.Stats{Queued: 2, Seen: 4, Hosts: 2, HostsReady: 1, HostsWaiting: 1}},
			{"the other host goes", func(t *testing.T) {
				b = nextURL(t, f, hostB+"/1")
			}, frontier.Stats{Queued: 1, Seen: 4, Hosts: 2, HostsWaiting: 1, InFlight: 1}},
			{"and is done with nothing left", func(t *testing.T) {
				Done(t, f, b, time.Time{})
			}, frontier.Stats{Queued: 1, Seen: 4, Hosts: 2, HostsWaiting: 1}},
			{"the hour passes", func(*testing.T) {
				time.Sleep(time.Hour)
			}, frontier.Stats{Queued: 1, Seen: 4, Hosts: 2, HostsReady: 1}},
		}
		for _, s := range steps {
			s.do(t)
			if got := f.Stats(); got != s.want {
				t.Fatalf("after %s: Stats = %+v, want %+v", s.name, got, s.want)
			}
		}
	})
}
