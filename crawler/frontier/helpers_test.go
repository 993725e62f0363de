package frontier_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"arkisto/crawler/frontier"
)

// guard bounds every wait that should end on its own, so a broken frontier
// fails the test instead of hanging it. It is never what a test asserts.
const guard = 10 * time.Second

// short is how long a Next that must not return anything is given to
// misbehave. A longer value only makes the check stricter.
const short = 20 * time.Millisecond

func item(host, path string, p frontier.Priority) frontier.Item {
	return frontier.Item{URL: host + path, Host: host, Priority: p}
}

func page(host, path string) frontier.Item { return item(host, path, frontier.Page) }

func push(t *testing.T, f frontier.Frontier, items ...frontier.Item) {
	t.Helper()
	for _, it := range items {
		ok, err := f.Push(t.Context(), it)
		if err != nil || !ok {
			t.Fatalf("Push(%s) = %v, %v; want it queued", it.URL, ok, err)
		}
	}
}

func next(t *testing.T, f frontier.Frontier) frontier.Item {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), guard)
	defer cancel()
	it, err := f.Next(ctx)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return it
}

// nextURL takes the next item and checks it is want.
func nextURL(t *testing.T, f frontier.Frontier, want string) frontier.Item {
	t.Helper()
	it := next(t, f)
	if it.URL != want {
		t.Fatalf("Next gave %s, want %s", it.URL, want)
	}
	return it
}

func done(t *testing.T, f frontier.Frontier, it frontier.Item, ready time.Time) {
	t.Helper()
	if err := f.Done(t.Context(), it, ready); err != nil {
		t.Fatalf("Done(%s): %v", it.URL, err)
	}
}

// blocked checks that Next hands out nothing for a while: it must still be
// waiting when its context runs out, neither returning an item nor
// ErrExhausted.
func blocked(t *testing.T, f frontier.Frontier) {
	t.Helper()
	blockedFor(t, f, short)
}

func blockedFor(t *testing.T, f frontier.Frontier, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	r := receive(t, nextLater(ctx, f)) // a Next deaf to ctx fails at the guard, not the test timeout
	if !errors.Is(r.err, context.DeadlineExceeded) {
		t.Fatalf("Next = %q, %v; want it to wait", r.it.URL, r.err)
	}
}

func exhausted(t *testing.T, f frontier.Frontier) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), guard)
	defer cancel()
	if it, err := f.Next(ctx); !errors.Is(err, frontier.ErrExhausted) {
		t.Fatalf("Next = %q, %v; want ErrExhausted", it.URL, err)
	}
}

type result struct {
	it  frontier.Item
	err error
	at  time.Time // when Next returned
}

// nextLater calls Next in its own goroutine; the result comes on the channel.
// The caller must receive it, so the goroutine ends within the test.
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

const (
	hostA = "https://a.example:443"
	hostB = "https://b.example:443"
)

var _ frontier.Frontier = (*frontier.Memory)(nil)
