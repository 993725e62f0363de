package frontier_test

import (
	"errors"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"arkisto/crawler/frontier"
	ft "arkisto/crawler/frontier/frontiertest"
)

const (
	hostA = "https://a.example:443"
	hostB = "https://b.example:443"
)

// Everything a crawl left in the frontier is there when it is opened again:
// the queues in their order, what was in flight at their front, the seen
// set, and a host's back-off.
func TestBoltReopen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "state", "frontier.db")
		robotsA := ft.ItemOf(hostA, "/robots.txt", frontier.Prerequisite)
		a1 := frontier.Item{URL: hostA + "/1", Host: hostA, Priority: frontier.Page, Depth: 1, Hops: "L", Via: hostA + "/"}
		b1, b2 := ft.Page(hostB, "/1"), ft.Page(hostB, "/2")
		bCSS := frontier.Item{URL: hostB + "/1.css", Host: hostB, Priority: frontier.Embed, Depth: 2, Hops: "LE", Via: b1.URL, Attempt: 1}
		refused := "https://c.example:443/private"

		first, err := frontier.OpenBolt(path, frontier.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ft.Push(t, first, robotsA, a1, b1, b2)
		if ok, err := first.Mark(t.Context(), refused); !ok || err != nil {
			t.Fatalf("Mark = %v, %v", ok, err)
		}
		backOff := time.Now().Add(time.Hour) // say, Retry-After: 3600
		ft.Done(t, first, ft.NextIs(t, first, robotsA), backOff)
		ft.NextIs(t, first, b1) // in flight when the crawl stops
		ft.Push(t, first, bCSS) // found on b1
		want := frontier.Stats{Queued: 3, Seen: 6, Hosts: 2, HostsWaiting: 2, InFlight: 1}
		if got := first.Stats(); got != want {
			t.Fatalf("Stats before Close = %+v, want %+v", got, want)
		}
		if err := first.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := first.Push(t.Context(), ft.Page(hostB, "/3")); !errors.Is(err, frontier.ErrClosed) {
			t.Fatalf("Push after Close: %v, want ErrClosed", err)
		}

		f := openBolt(t, path, frontier.Options{})
		// b1 is queued again; hostA waits out its hour.
		want = frontier.Stats{Queued: 4, Seen: 6, Hosts: 2, HostsReady: 1, HostsWaiting: 1}
		if got := f.Stats(); got != want {
			t.Fatalf("Stats after reopen = %+v, want %+v", got, want)
		}
		for _, u := range []string{robotsA.URL, a1.URL, b1.URL, bCSS.URL, refused} {
			if ok, err := f.Mark(t.Context(), u); ok || err != nil {
				t.Errorf("Mark(%s) after reopen = %v, %v; want it seen", u, ok, err)
			}
		}
		// The embed goes first by priority; then b1, leased before the stop,
		// ahead of b2 queued after it.
		for _, it := range []frontier.Item{bCSS, b1, b2} {
			ft.Done(t, f, ft.NextIs(t, f, it), time.Time{})
		}
		ft.Blocked(t, f, time.Until(backOff)-time.Nanosecond) // hostA waits out its back-off, to the end
		ft.NextIs(t, f, a1)
		if !time.Now().Equal(backOff) {
			t.Errorf("%s handed out %v after its host's back-off ended", a1.URL, time.Since(backOff))
		}
	})
}

// A long ready time from one Done holds back the next start across a
// reopen too, and only that one: once a later Done gives an earlier ready
// time, the host may go again then.
func TestBoltBackOffAcrossReopen(t *testing.T) {
	for _, hostConcurrency := range []int{1, 2} {
		t.Run(map[int]string{1: "one at a time", 2: "two at a time"}[hostConcurrency], func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "frontier.db")
				opts := frontier.Options{HostConcurrency: hostConcurrency}
				b, err := frontier.OpenBolt(path, opts)
				if err != nil {
					t.Fatal(err)
				}
				ft.Push(t, b, ft.Page(hostA, "/1"), ft.Page(hostA, "/2"), ft.Page(hostA, "/3"))
				backOff := time.Now().Add(time.Hour)
				ft.Done(t, b, ft.NextIs(t, b, ft.Page(hostA, "/1")), backOff)
				if err := b.Close(); err != nil {
					t.Fatal(err)
				}
				b = openBolt(t, path, opts)
				ft.Blocked(t, b, time.Until(backOff)-time.Nanosecond)
				a2 := ft.NextIs(t, b, ft.Page(hostA, "/2"))
				if !time.Now().Equal(backOff) {
					t.Errorf("/2 handed out %v after the back-off ended", time.Since(backOff))
				}
				time.Sleep(time.Second)
				ft.Done(t, b, a2, time.Now()) // fetched fine: no delay asked
				start := time.Now()
				ft.NextIs(t, b, ft.Page(hostA, "/3"))
				if !time.Now().Equal(start) {
					t.Errorf("/3 started %v after the Done that asked no delay", time.Since(start))
				}
			})
		})
	}
}

func TestBoltMeta(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontier.db")
	tests := []struct{ key, value string }{
		{"seeds", "https://a.example/\nhttps://b.example/"},
		{"config", `{"delay":"1s"}`},
		{"", "empty key"},
		{"empty value", ""},
	}
	b, err := frontier.OpenBolt(path, frontier.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := b.Meta("seeds"); v != nil || err != nil {
		t.Fatalf("Meta of a new frontier = %q, %v; want nil", v, err)
	}
	for _, tt := range tests {
		if err := b.SetMeta(tt.key, []byte(tt.value)); err != nil {
			t.Fatalf("SetMeta(%q): %v", tt.key, err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = openBolt(t, path, frontier.Options{})
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if v, err := b.Meta(tt.key); string(v) != tt.value || v == nil || err != nil {
				t.Errorf("Meta(%q) after reopen = %q, %v; want %q", tt.key, v, err, tt.value)
			}
		})
	}
}

// A second crawl on the same state must fail at once, not wait or share it.
func TestBoltLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontier.db")
	openBolt(t, path, frontier.Options{})
	if b, err := frontier.OpenBolt(path, frontier.Options{}); err == nil {
		b.Close()
		t.Fatal("OpenBolt of a file held open succeeded")
	}
}

// A retry and a dropped host are on disk once the frontier is closed.
func TestBoltRetryAndDropHostReopen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "frontier.db")
		first, err := frontier.OpenBolt(path, frontier.Options{})
		if err != nil {
			t.Fatal(err)
		}
		a, dead := ft.Page(hostA, "/x"), ft.Page(hostB, "/1")
		ft.Push(t, first, a, dead, ft.Page(hostB, "/2"))
		failed := ft.NextIs(t, first, a)
		retry := failed
		retry.Attempt++
		if err := first.Retry(t.Context(), retry); err != nil {
			t.Fatal(err)
		}
		ft.Done(t, first, failed, time.Time{})
		if dropped, err := first.DropHost(t.Context(), hostB); len(dropped) != 2 || err != nil {
			t.Fatalf("DropHost = %d items, %v; want 2", len(dropped), err)
		}
		if err := first.Close(); err != nil {
			t.Fatal(err)
		}

		f := openBolt(t, path, frontier.Options{})
		if got, want := f.Stats(), (frontier.Stats{Queued: 1, Seen: 3, Hosts: 2, HostsReady: 1}); got != want {
			t.Fatalf("Stats after reopen = %+v, want %+v", got, want)
		}
		ft.Done(t, f, ft.NextIs(t, f, retry), time.Time{})
		ft.Exhausted(t, f)
	})
}
