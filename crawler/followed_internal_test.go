package crawler

import (
	"fmt"
	"testing"
)

// The set remembers the newest one to two generations of URLs and forgets
// older ones, so its memory stays bounded however long the crawl.
func TestFollowedSetForgetsTheOldestGeneration(t *testing.T) {
	var s followedSet
	url := func(i int) string { return fmt.Sprintf("http://example.com/%d", i) }
	if s.has(url(0)) {
		t.Fatal("an empty set has a URL")
	}
	const n = 2*followedBatch + 1 // fills two generations and starts a third
	for i := range n {
		s.add(url(i))
	}
	for i := range n {
		want := i >= followedBatch // the first generation is dropped
		if got := s.has(url(i)); got != want {
			t.Fatalf("has(%s) = %v, want %v", url(i), got, want)
		}
	}
	if got := len(s.cur) + len(s.prev); got > 2*followedBatch {
		t.Errorf("the set holds %d URLs, more than two generations", got)
	}
}
