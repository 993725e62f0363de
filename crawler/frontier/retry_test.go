package frontier_test

import (
	"errors"
	"testing"
	"time"

	"arkisto/crawler/frontier"
)

func TestRetryQueuesASeenURLAgain(t *testing.T) {
	f := frontier.NewMemory(frontier.Options{})
	a := page("http://a.example", "/x")
	push(t, f, a)
	got := next(t, f)
	got.Attempt++
	if err := f.Retry(t.Context(), got); err != nil {
		t.Fatal(err)
	}
	// The failed attempt's Done holds the host back; the retry waits for it.
	backoff := time.Now().Add(50 * time.Millisecond)
	if err := f.Done(t.Context(), got, backoff); err != nil {
		t.Fatal(err)
	}
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
}

func TestDropHostReturnsItsQueuedURLs(t *testing.T) {
	f := frontier.NewMemory(frontier.Options{})
	push(t, f, page("http://dead.example", "/1"), page("http://dead.example", "/2"), page("http://alive.example", "/1"))
	dropped, err := f.DropHost(t.Context(), "http://dead.example")
	if err != nil {
		t.Fatal(err)
	}
	if len(dropped) != 2 {
		t.Fatalf("DropHost returned %d items, want 2", len(dropped))
	}
	if s := f.Stats(); s.Queued != 1 {
		t.Errorf("Stats.Queued = %d after dropping a host, want 1", s.Queued)
	}
	if it := next(t, f); it.Host != "http://alive.example" {
		t.Errorf("Next = %s, want the other host's URL", it.URL)
	}
	if err := f.Done(t.Context(), frontier.Item{Host: "http://alive.example"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Next(t.Context()); !errors.Is(err, frontier.ErrExhausted) {
		t.Errorf("Next = %v, want ErrExhausted", err)
	}
}
