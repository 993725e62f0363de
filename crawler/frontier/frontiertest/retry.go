package frontiertest

import (
	"testing"
	"time"

	"arkisto/crawler/frontier"
)

func testRetry(t *testing.T, open Opener) {
	t.Run("queues a seen URL again after its host's back-off", func(t *testing.T) {
		inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
			a := Page(hostA, "/x")
			Push(t, f, a)
			got := Next(t, f)
			got.Attempt++
			if err := f.Retry(t.Context(), got); err != nil {
				t.Fatal(err)
			}
			// The failed attempt's Done holds the host back; the retry waits for it.
			backOff := time.Now().Add(50 * time.Millisecond)
			Done(t, f, got, backOff)
			again := nextAt(t, f, a.URL, backOff)
			if again.Attempt != 1 {
				t.Errorf("Next = %+v, want the retry of %s with Attempt 1", again, a.URL)
			}
			if ok, _ := f.Push(t.Context(), a); ok {
				t.Error("Push after Retry queued the URL a third time")
			}
			Done(t, f, again, time.Time{})
			Exhausted(t, f)
		})
	})

	t.Run("the retry may start while the failed attempt is in flight", func(t *testing.T) {
		inBubble(t, open, frontier.Options{HostConcurrency: 2}, func(t *testing.T, f frontier.Frontier) {
			Push(t, f, Page(hostA, "/x"))
			failed := Next(t, f)
			retry := failed
			retry.Attempt++
			if err := f.Retry(t.Context(), retry); err != nil {
				t.Fatal(err)
			}
			NextIs(t, f, retry)
			wantStats(t, f, frontier.Stats{Seen: 1, Hosts: 1, InFlight: 2})
			Done(t, f, failed, time.Time{})
			Done(t, f, retry, time.Time{})
			Exhausted(t, f)
		})
	})
}

func testDropHost(t *testing.T, open Opener) {
	const dead, alive = "http://dead.example", "http://alive.example"
	robots := ItemOf(dead, "/robots.txt", frontier.Prerequisite)
	// Time passes after the first pushes: a store that commits in the
	// background drops URLs it committed and URLs it has not yet.
	inBubble(t, open, frontier.Options{}, func(t *testing.T, f frontier.Frontier) {
		Push(t, f, robots, Page(dead, "/1"), ItemOf(dead, "/1.css", frontier.Embed))
		time.Sleep(aWhile)
		Push(t, f, Page(dead, "/2"), ItemOf(dead, "/2.css", frontier.Embed))
		inFlight := nextURL(t, f, robots.URL)
		// After the take: the order of hosts equally ready is no promise.
		Push(t, f, Page(alive, "/1"))

		dropped, err := f.DropHost(t.Context(), dead)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range dropped {
			got = append(got, it.URL)
		}
		want := []string{dead + "/1.css", dead + "/2.css", dead + "/1", dead + "/2"} // priority order, then first in, first out
		if len(got) != len(want) {
			t.Fatalf("DropHost returned %q, want %q", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("DropHost returned %q, want %q", got, want)
			}
		}
		wantStats(t, f, frontier.Stats{Queued: 1, Seen: 6, Hosts: 2, HostsReady: 1, InFlight: 1})
		if again, err := f.DropHost(t.Context(), dead); len(again) != 0 || err != nil {
			t.Fatalf("second DropHost = %d items, %v; want none", len(again), err)
		}
		if none, err := f.DropHost(t.Context(), "http://unknown.example"); len(none) != 0 || err != nil {
			t.Fatalf("DropHost of an unknown host = %d items, %v; want none", len(none), err)
		}
		Done(t, f, inFlight, time.Time{}) // what was in flight still ends
		Done(t, f, nextURL(t, f, alive+"/1"), time.Time{})
		Exhausted(t, f)
		if ok, err := f.Push(t.Context(), Page(dead, "/1")); ok || err != nil {
			t.Errorf("Push of a dropped URL = %v, %v; want it still seen", ok, err)
		}
		// The host lives on: a URL queued for it later is handed out.
		Push(t, f, Page(dead, "/3"))
		time.Sleep(aWhile)
		Done(t, f, nextURL(t, f, dead+"/3"), time.Time{})
		Exhausted(t, f)
	})
}
