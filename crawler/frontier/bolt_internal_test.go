package frontier

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// boltClock drives a frontier's notion of now. A host that is ready at the
// fake now is handed out without waiting, and one that is not waits on a
// real timer far longer than the test's guard, so each case either passes
// at once or fails at the guard.
type boltClock struct{ t time.Time }

func (c *boltClock) now() time.Time          { return c.t }
func (c *boltClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// A long ready time from one Done (a back-off, say Retry-After: 3600) holds
// back the next start, and only that one, across a reopen too: once a
// later Done gives an earlier ready time, the host may go again then.
func TestBoltBackOffEndsWithTheNextDone(t *testing.T) {
	for _, hostConcurrency := range []int{1, 2} {
		t.Run(map[int]string{1: "one at a time", 2: "two at a time"}[hostConcurrency], func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "frontier.db")
			clock := &boltClock{t: time.Now()}
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			open := func() *Bolt {
				b, err := OpenBolt(path, Options{HostConcurrency: hostConcurrency})
				if err != nil {
					t.Fatal(err)
				}
				b.now = clock.now
				return b
			}
			b := open()
			defer func() { b.Close() }()
			for _, u := range []string{"/1", "/2", "/3"} {
				if _, err := b.Push(ctx, Item{URL: "http://a" + u, Host: "http://a", Priority: Page}); err != nil {
					t.Fatal(err)
				}
			}
			take := func(want string) Item {
				t.Helper()
				it, err := b.Next(ctx)
				if err != nil || it.URL != want {
					t.Fatalf("at %s: Next = %q, %v; want %s", clock.t.Format(time.TimeOnly), it.URL, err, want)
				}
				return it
			}
			if err := b.Done(ctx, take("http://a/1"), clock.t.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			b = open()
			clock.advance(time.Hour)
			a2 := take("http://a/2")
			clock.advance(time.Second)
			if err := b.Done(ctx, a2, clock.t); err != nil { // fetched fine: no delay asked
				t.Fatal(err)
			}
			take("http://a/3")
		})
	}
}
