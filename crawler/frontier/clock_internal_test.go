package frontier

import (
	"context"
	"testing"
	"time"
)

// fakeClock drives Memory's notion of now. Only whether a host is ready at
// the fake now is under test: a host that is ready is handed out without
// waiting, and one that is not waits on a real timer far longer than the
// test's guard, so each case either passes at once or fails at the guard.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// A long ready time from one Done (a back-off, say Retry-After: 3600) holds
// back the next start, and only that one: once a later Done gives an earlier
// ready time, the host may go again at that time.
func TestBackOffEndsWithTheNextDone(t *testing.T) {
	tests := []struct {
		name            string
		hostConcurrency int
	}{
		{"one at a time", 1},
		{"two at a time", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			m := NewMemory(Options{HostConcurrency: tt.hostConcurrency})
			m.now = clock.now
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			for _, u := range []string{"/1", "/2", "/3"} {
				if _, err := m.Push(ctx, Item{URL: "http://a" + u, Host: "http://a", Priority: Page}); err != nil {
					t.Fatal(err)
				}
			}
			take := func(want string) Item {
				t.Helper()
				it, err := m.Next(ctx)
				if err != nil || it.URL != want {
					t.Fatalf("at %s: Next = %q, %v; want %s", clock.t.Format(time.TimeOnly), it.URL, err, want)
				}
				return it
			}
			m.Done(ctx, take("http://a/1"), clock.t.Add(time.Hour))
			clock.advance(time.Hour)
			a2 := take("http://a/2")
			clock.advance(time.Second)
			m.Done(ctx, a2, clock.t) // fetched fine: no delay asked
			take("http://a/3")
		})
	}
}
