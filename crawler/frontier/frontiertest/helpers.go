package frontiertest

import (
	"context"
	"errors"
	"testing"
	"time"

	"arkisto/crawler/frontier"
)

// guard bounds every wait that should end on its own, so a broken frontier
// fails the test instead of hanging it. It is never what a test asserts.
// In a synctest bubble it is the bubble's time and costs nothing.
const guard = 10 * time.Second

// aWhile is how long the cases give a Next that must not return anything
// to misbehave, in a bubble's time: long next to every delay they use.
const aWhile = time.Minute

const (
	hostA = "https://a.example:443"
	hostB = "https://b.example:443"
)

// ItemOf is the item of URL host+path with priority p.
func ItemOf(host, path string, p frontier.Priority) frontier.Item {
	return frontier.Item{URL: host + path, Host: host, Priority: p}
}

// Page is the page at host+path.
func Page(host, path string) frontier.Item { return ItemOf(host, path, frontier.Page) }

// Push pushes items and fails unless each is queued.
func Push(t *testing.T, f frontier.Frontier, items ...frontier.Item) {
	t.Helper()
	for _, it := range items {
		ok, err := f.Push(t.Context(), it)
		if err != nil || !ok {
			t.Fatalf("Push(%s) = %v, %v; want it queued", it.URL, ok, err)
		}
	}
}

// Next takes the next item.
func Next(t *testing.T, f frontier.Frontier) frontier.Item {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), guard)
	defer cancel()
	it, err := f.Next(ctx)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return it
}

// NextIs takes the next item and checks it is want, field by field.
func NextIs(t *testing.T, f frontier.Frontier, want frontier.Item) frontier.Item {
	t.Helper()
	if it := Next(t, f); it != want {
		t.Fatalf("Next = %+v, want %+v", it, want)
	}
	return want
}

// nextURL takes the next item and checks its URL is want.
func nextURL(t *testing.T, f frontier.Frontier, want string) frontier.Item {
	t.Helper()
	it := Next(t, f)
	if it.URL != want {
		t.Fatalf("Next gave %s, want %s", it.URL, want)
	}
	return it
}

// nextAt takes the next item, checks its URL is want and that Next
// returned at exactly at: only in a bubble, whose clock moves only when
// every goroutine in it waits.
func nextAt(t *testing.T, f frontier.Frontier, want string, at time.Time) frontier.Item {
	t.Helper()
	it := nextURL(t, f, want)
	if now := time.Now(); !now.Equal(at) {
		t.Fatalf("%s handed out at %s, want %s", want, now.Format(time.StampMicro), at.Format(time.StampMicro))
	}
	return it
}

// Done ends it, its host to wait until ready.
func Done(t *testing.T, f frontier.Frontier, it frontier.Item, ready time.Time) {
	t.Helper()
	if err := f.Done(t.Context(), it, ready); err != nil {
		t.Fatalf("Done(%s): %v", it.URL, err)
	}
}

// Blocked checks that Next hands out nothing for d: it must still be
// waiting when its context runs out, neither returning an item nor
// ErrExhausted. In a synctest bubble that is exact: the clock reaches the
// deadline only once every goroutine waits, the frontier's own included.
func Blocked(t *testing.T, f frontier.Frontier, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	it, err := f.Next(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next = %q, %v; want it to wait", it.URL, err)
	}
}

// Exhausted checks that Next reports the end of the crawl.
func Exhausted(t *testing.T, f frontier.Frontier) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), guard)
	defer cancel()
	if it, err := f.Next(ctx); !errors.Is(err, frontier.ErrExhausted) {
		t.Fatalf("Next = %q, %v; want ErrExhausted", it.URL, err)
	}
}

func wantStats(t *testing.T, f frontier.Frontier, want frontier.Stats) {
	t.Helper()
	if got := f.Stats(); got != want {
		t.Fatalf("Stats = %+v, want %+v", got, want)
	}
}

type result struct {
	it  frontier.Item
	err error
	at  time.Time // when Next returned
}

// nextLater calls Next in its own goroutine; the result comes on the
// channel. The caller must receive it, so the goroutine ends within the test.
func nextLater(ctx context.Context, f frontier.Frontier) <-chan result {
	ch := make(chan result, 1)
	go func() {
		it, err := f.Next(ctx)
		ch <- result{it, err, time.Now()}
	}()
	return ch
}

func receive(t *testing.T, ch <-chan result) result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(guard):
		t.Fatal("Next did not return")
		return result{}
	}
}
