package frontiertest

import (
	"testing"
	"time"

	"arkisto/crawler/frontier"
)

func testRetry(t *testing.T, open Opener) {
	t.Run("queues a seen URL again after its host's back-off", func(t *testing.T) {
		f := open(t, frontier.Options{})
		a := page(hostA, "/x")
		push(t, f, a)
		got := next(t, f)
		got.Attempt++
		if err := f.Retry(t.Context(), got); err != nil {
			t.Fatal(err)
		}
		// The failed attempt's Done holds the host back; the retry waits for it.
		backoff := time.Now().Add(50 * time.Millisecond)
		done(t, f, got, backoff)
		again := next(t, f)
		if again.URL != a.URL || again.Attempt != 1 {
			t.Errorf("Next = %+v, want the retry of %s with Attempt 1", again, a.URL)
		}
		if time.Now().Before(backoff) {
			t.Error("the retry came before the host's back-off ended")
		}
		if ok, _ := f.Push(t.Context(), a); ok {
			t.Error("Push after Retry queued the URL a third time")
		}
		done(t, f, again, time.Time{})
		exhausted(t, f)
	})

	t.Run("the retry may start while the failed attempt is in flight", func(t *testing.T) {
		f := open(t, frontier.Options{HostConcurrency: 2})
		push(t, f, page(hostA, "/x"))
		failed := next(t, f)
		retry := failed
		retry.Attempt++
		if err := f.Retry(t.Context(), retry); err != nil {
			t.Fatal(err)
		}
		if got := next(t, f); got != retry {
			t.Fatalf("Next = %+v, want %+v", got, retry)
		}
		wantStats(t, f, frontier.Stats{Seen: 1, Hosts: 1, InFlight: 2})
		done(t, f, failed, time.Time{})
		done(t, f, retry, time.Time{})
		exhausted(t, f)
	})
}

func testDropHost(t *testing.T, open Opener) {
	const dead, alive = "http://dead.example", "http://alive.example"
	f := open(t, frontier.Options{})
	robots := item(dead, "/robots.txt", frontier.Prerequisite)
	push(t, f, robots, page(dead, "/1"), item(dead, "/1.css", frontier.Embed), page(dead, "/2"), page(alive, "/1"))
	inFlight := nextURL(t, f, robots.URL)

	dropped, err := f.DropHost(t.Context(), dead)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range dropped {
		got = append(got, it.URL)
	}
	want := []string{dead + "/1.css", dead + "/1", dead + "/2"} // priority order, then first in, first out
	if len(got) != len(want) {
		t.Fatalf("DropHost returned %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("DropHost returned %q, want %q", got, want)
		}
	}
	wantStats(t, f, frontier.Stats{Queued: 1, Seen: 5, Hosts: 2, HostsReady: 1, InFlight: 1})
	if again, err := f.DropHost(t.Context(), dead); len(again) != 0 || err != nil {
		t.Fatalf("second DropHost = %d items, %v; want none", len(again), err)
	}
	if none, err := f.DropHost(t.Context(), "http://unknown.example"); len(none) != 0 || err != nil {
		t.Fatalf("DropHost of an unknown host = %d items, %v; want none", len(none), err)
	}
	done(t, f, inFlight, time.Time{}) // what was in flight still ends
	done(t, f, nextURL(t, f, alive+"/1"), time.Time{})
	exhausted(t, f)
	if ok, err := f.Push(t.Context(), page(dead, "/1")); ok || err != nil {
		t.Errorf("Push of a dropped URL = %v, %v; want it still seen", ok, err)
	}
}
