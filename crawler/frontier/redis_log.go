package frontier

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/redis/go-redis/v9"
)

// RouteRedisLog sends what go-redis logs (its connection pool's dial
// failures, broken connections) to l instead of stderr, with the
// passwords of rawURLs masked. go-redis keeps one logger for the whole
// process: the command line calls this once it knows its Redis URL.
// Failed dials are logged at debug level, since the frontier says itself,
// once, that Redis does not answer; anything else as a warning.
func RouteRedisLog(l *slog.Logger, rawURLs ...string) {
	var secrets []string
	for _, raw := range rawURLs {
		if pw := urlPassword(raw); pw != "" {
			secrets = append(secrets, pw)
		}
	}
	redis.SetLogger(redisLog{log: l, secrets: secrets})
}

type redisLog struct {
	log     *slog.Logger
	secrets []string
}

func (g redisLog) Printf(ctx context.Context, format string, v ...any) {
	msg := strings.TrimPrefix(fmt.Sprintf(format, v...), "redis: ")
	for _, s := range g.secrets {
		msg = strings.ReplaceAll(msg, s, passwordMask)
	}
	level := slog.LevelWarn
	if strings.Contains(msg, "dial") {
		level = slog.LevelDebug
	}
	g.log.Log(ctx, level, "redis client: "+msg)
}
