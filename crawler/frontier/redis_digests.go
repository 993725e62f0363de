package frontier

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// The crawl's index of payload digests lives in Redis beside its frontier,
// so that a payload one process stored becomes a revisit in another: the
// hash P..'d' maps a payload digest to its original capture, encoded by
// the caller. Clear leaves it, as a collection's deduplication index
// outlives its crawls.

// Original returns what AddOriginal kept for digest, nil when nothing was.
func (r *Redis) Original(ctx context.Context, digest string) ([]byte, error) {
	v, err := r.client.HGet(ctx, r.keys.digests(), digest).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up payload %s: %w", digest, err)
	}
	return v, nil
}

// AddOriginal keeps original for digest unless another capture is kept
// for it already: the first capture of a payload stays its original.
func (r *Redis) AddOriginal(ctx context.Context, digest string, original []byte) error {
	if err := r.client.HSetNX(ctx, r.keys.digests(), digest, original).Err(); err != nil {
		return fmt.Errorf("remember payload %s: %w", digest, err)
	}
	return nil
}
