package frontier

import (
	"context"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// tripCounter counts the round trips a client makes to Redis: one per
// command or pipeline sent (a script run is one, or two when Redis did not
// know it yet and it is sent whole after its hash).
type tripCounter struct{ n atomic.Int64 }

func (c *tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}

func (c *tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmds)
	}
}

// RoundTrips is how many round trips to Redis this process's frontier
// made so far, for measurements (store_bench, metrics).
func (r *Redis) RoundTrips() int64 { return r.trips.n.Load() }
