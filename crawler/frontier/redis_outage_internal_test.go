package frontier

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/redis/go-redis/v9"
)

// A new connection's handshake that meets a dead connection fails at once
// instead of waiting for Redis: go-redis runs it through a client bound to
// that connection, with this hook on it, so running it again there after
// the outage would fail the same way for ever (a crawl process hung so
// after a Redis restart). Its error leaves Redis marked as answering: the
// command that wanted the connection is the one that waits.
func TestOutageLeavesHandshakesToTheirConnection(t *testing.T) {
	o := &outage{log: slog.New(slog.DiscardHandler), done: make(chan struct{})}
	calls := 0
	dead := func(context.Context, redis.Cmder) error { calls++; return io.EOF }
	for _, name := range []string{"hello", "auth"} {
		calls = 0
		err := o.ProcessHook(dead)(t.Context(), redis.NewCmd(t.Context(), name))
		if !errors.Is(err, io.EOF) || calls != 1 {
			t.Errorf("%s on a dead connection: %v after %d tries, want io.EOF after one", name, err, calls)
		}
	}
	if o.down {
		t.Error("a failed handshake marked Redis down")
	}
}
