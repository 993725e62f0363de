package main

import (
	"context"
	"errors"
	"fmt"

	"arkisto/crawler/frontier"
)

// redisMemory measures what a Redis frontier adds to Redis's used_memory
// (INFO memory): the whole server's, so it runs best on a Redis of its own.
type redisMemory struct {
	r     *frontier.Redis // nil for the other stores
	base  int64
	trips int64 // round trips at the last report
}

// startRedisMemory clears the crawl's keys and notes the memory Redis uses
// without them.
func startRedisMemory(ctx context.Context, f frontier.Frontier) (*redisMemory, error) {
	r, ok := f.(*frontier.Redis)
	if !ok {
		return &redisMemory{}, nil
	}
	if err := r.Clear(ctx); err != nil {
		return nil, err
	}
	base, err := r.UsedMemory(ctx)
	return &redisMemory{r: r, base: base}, err
}

// report prints the memory added since the last report, per URL of n.
func (m *redisMemory) report(ctx context.Context, what string, n int) error {
	if m.r == nil || n == 0 {
		return nil
	}
	used, err := m.r.UsedMemory(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("redis    used_memory +%d MB for %d %s URLs: %.1f bytes per %s URL\n",
		(used-m.base)>>20, n, what, float64(used-m.base)/float64(n), what)
	m.base = used
	m.roundTrips(what, n)
	return nil
}

// markSeen marks n URLs seen that were never queued, and reports what
// each costs in Redis.
func markSeen(ctx context.Context, f frontier.Frontier, n int, m *redisMemory) error {
	for i := range n {
		url := fmt.Sprintf("https://elsewhere%05d.example/refused/%09d.html", i%50_000, i)
		if _, err := f.Mark(ctx, url); err != nil {
			return fmt.Errorf("mark: %w", err)
		}
	}
	return m.report(ctx, "seen", n)
}

// clearRedis deletes the crawl's keys after the run.
func clearRedis(ctx context.Context, c config) error {
	if c.store != "redis" {
		return nil
	}
	r, err := frontier.OpenRedis(ctx, c.redis, c.crawlID, frontier.RedisOptions{})
	if err != nil {
		return err
	}
	return errors.Join(r.Clear(ctx), r.Close())
}

// roundTrips prints the round trips to Redis since the last report, per
// URL of n.
func (m *redisMemory) roundTrips(what string, n int) {
	if m.r == nil || n == 0 {
		return
	}
	trips := m.r.RoundTrips()
	fmt.Printf("redis    %d round trips for %d %s URLs: %.2f per URL\n", trips-m.trips, n, what, float64(trips-m.trips)/float64(n))
	m.trips = trips
}
