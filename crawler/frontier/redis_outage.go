package frontier

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// outage lets the crawl wait for a Redis that stopped answering instead of
// ending: a command that fails for want of Redis (connection refused or
// cut, a server still loading its data after a restart) waits until Redis
// answers again, then runs again. It is a go-redis hook, so every command
// of the store waits the same way. One prober per process looks for Redis
// with back-off while commands wait, so a crawl of many workers logs one
// line and makes one ping per look.
//
// A command whose reply was lost may have run: run again, a take leaves a
// lease nobody renews (it expires and its item is queued again), a Retry
// queues its item twice, an UpdateHost or a count of taken items counts
// twice. Each costs a fetch or a count, never a URL.
type outage struct {
	client *redis.Client // pinged by the prober
	log    *slog.Logger
	where  string          // the Redis address, password redacted, for the log
	notify func(bool)      // RedisOptions.Outage; nil: none
	kick   chan<- struct{} // wakes the lease renewer once Redis answers again
	done   <-chan struct{} // closed by Close: the prober stops

	mu    sync.Mutex
	down  bool
	since time.Time
	back  chan struct{} // closed when Redis answers again
}

// Back-off of the prober: the first look soon, as a restart is quick, then
// less often.
const (
	probeFirst = 100 * time.Millisecond
	probeMax   = 5 * time.Second
)

// noWaitKey marks a context whose commands fail at once when Redis is
// away: Stats and the lease renewer, which have something better to do
// than wait.
type noWaitKey struct{}

func withoutWaiting(ctx context.Context) context.Context {
	return context.WithValue(ctx, noWaitKey{}, true)
}

func (o *outage) DialHook(next redis.DialHook) redis.DialHook { return next }

func (o *outage) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func (o *outage) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		for {
			err := next(ctx, cmd)
			if !unreachable(ctx, err) {
				if err == nil || isRedisReply(err) {
					o.answered()
				}
				return err
			}
			if ctx.Value(noWaitKey{}) != nil || handshake(cmd) {
				return err
			}
			back := o.lost(err)
			select {
			case <-back:
			case <-ctx.Done():
				return err
			case <-o.done:
				return err
			}
		}
	}
}

// handshake reports whether cmd opens a new connection (HELLO, or AUTH
// where HELLO is unknown). go-redis sends it through a client bound to that
// one connection, which carries this hook too: waiting for Redis and
// running it again there would meet the same dead connection for ever, as
// a restart of Redis while connections were being opened showed. Its
// error goes back instead, so go-redis drops the connection; the command
// that wanted one waits here, and then runs on a new one.
func handshake(cmd redis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "auth":
		return true
	}
	return false
}

// lost marks Redis away, the first time with a log line, a notification
// and a prober, and returns the channel closed when it answers again.
func (o *outage) lost(err error) <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.down {
		o.down, o.since, o.back = true, time.Now(), make(chan struct{})
		o.log.Warn("the shared frontier's Redis does not answer: workers pause until it does, retrying with back-off",
			"redis", o.where, "err", err)
		if o.notify != nil {
			o.notify(true)
		}
		go o.probe(o.back)
	}
	return o.back
}

// answered marks Redis back, if it was away.
func (o *outage) answered() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.down {
		return
	}
	o.down = false
	o.log.Warn("the shared frontier's Redis answers again: workers go on", "redis", o.where, "paused", time.Since(o.since).Round(time.Millisecond))
	if o.notify != nil {
		o.notify(false)
	}
	close(o.back) // after the log and the notification: whoever waited sees them done
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// probe pings Redis with back-off until it answers (or a command does),
// or the store is closed.
func (o *outage) probe(back <-chan struct{}) {
	wait := probeFirst
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-back:
			return
		case <-o.done:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), probeMax)
		// The ping goes through this hook: it marks Redis back when it works.
		err := o.client.Ping(withoutWaiting(ctx)).Err()
		cancel()
		if err == nil || !unreachable(context.Background(), err) {
			o.answered()
			return
		}
		wait = min(2*wait, probeMax)
		t.Reset(wait)
	}
}

// unreachable reports whether err says Redis could not be reached or was
// not ready to serve, as opposed to a reply refusing the command, or the
// caller's own context ending.
func unreachable(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil || errors.Is(err, redis.ErrClosed) {
		return false
	}
	var netErr net.Error
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, redis.ErrPoolTimeout), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &netErr):
		return true
	}
	return redis.IsLoadingError(err) || redis.IsMasterDownError(err) || redis.IsTryAgainError(err) ||
		redis.IsClusterDownError(err) || redis.IsReadOnlyError(err) || redis.IsMaxClientsError(err)
}

// isRedisReply reports whether err is Redis's own answer (an error reply,
// or nil for a missing key): Redis is there.
func isRedisReply(err error) bool {
	var reply redis.Error
	return errors.Is(err, redis.Nil) || errors.As(err, &reply)
}
