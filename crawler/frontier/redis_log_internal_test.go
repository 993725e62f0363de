package frontier

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// go-redis's lines reach the crawl's logger with every password of the
// Redis URLs given masked; dial failures, which the outage line already
// says, at debug level.
func TestRedisLogMasksPasswords(t *testing.T) {
	var buf bytes.Buffer
	l := redisLog{log: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})), secrets: []string{"pw-7c1d"}}
	l.Printf(t.Context(), "redis: connection pool: conn[%d] has unread data from redis://:%s@db:6379", 3, "pw-7c1d")
	l.Printf(t.Context(), "redis: connection pool: failed to dial after %d attempts: %v", 5, "connection refused")
	got := buf.String()
	if strings.Contains(got, "pw-7c1d") || !strings.Contains(got, "xxxxx") || !strings.Contains(got, "level=WARN") {
		t.Errorf("log = %q; want the line as a warning with the password masked", got)
	}
	if strings.Contains(got, "failed to dial") {
		t.Errorf("a dial failure was logged above debug level: %q", got)
	}
}
