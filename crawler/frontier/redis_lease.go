package frontier

import (
	"context"
	"fmt"
	"time"
)

// renew runs until Close: every LeaseTTL/3 it moves the expiry of this
// process's leases and heartbeat forward, and hands back the items of
// expired leases, whichever process held them. A round that fails (Redis
// unreachable) does not wait: it is tried again at the next tick, or as
// soon as Redis answers again.
func (r *Redis) renew() {
	defer close(r.renewDone)
	t := time.NewTicker(r.opts.LeaseTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-r.stopRenew:
			return
		case <-t.C:
		case <-r.kick:
		}
		ctx, cancel := context.WithTimeout(withoutWaiting(context.Background()), r.opts.LeaseTTL/3)
		_ = r.renewLeases(ctx)
		_ = r.heartbeat(ctx)
		_ = r.reclaim(ctx)
		cancel()
	}
}

// renewLeases extends every lease this process holds to now + LeaseTTL.
func (r *Redis) renewLeases(ctx context.Context) error {
	args := []any{r.keys.prefix, micros(time.Now().Add(r.opts.LeaseTTL))}
	r.mu.Lock()
	for _, ls := range r.leases {
		for _, l := range ls {
			args = append(args, l.id)
		}
	}
	r.mu.Unlock()
	if len(args) == 2 {
		return nil
	}
	if err := renewScript.Run(ctx, r.client, nil, args...).Err(); err != nil {
		return fmt.Errorf("renew leases: %w", err)
	}
	return nil
}

// reclaimBatch is how many expired leases one look at Redis hands back.
const reclaimBatch = 100

// reclaim hands back the items of every lease expired by now: their
// processes are gone, and the items go to the front of their queues.
func (r *Redis) reclaim(ctx context.Context) error {
	for {
		out, err := expiredScript.Run(ctx, r.client, nil, r.keys.prefix, nowMicros(time.Now()), reclaimBatch).StringSlice()
		if err != nil {
			return fmt.Errorf("find expired leases: %w", err)
		}
		for i := 0; i+3 < len(out); i += 4 {
			host, p, _, err := parseLease(out[i+1])
			if err != nil {
				return err
			}
			k, err := knownFrom(out[i+2], out[i+3])
			if err != nil {
				return err
			}
			r.mu.Lock()
			r.known[host] = k
			r.mu.Unlock()
			if err := r.release(ctx, out[i], host, p); err != nil {
				return err
			}
		}
		if len(out) < 4*reclaimBatch {
			return nil
		}
	}
}
