package crawler

import (
	"fmt"
	"os"
	"sync"
	"time"

	"arkisto/crawler/crawllog"
)

// crawlLog appends one line per fetch to logs/crawl.log, and counts each
// line into the crawl's summary. Every line is its own write, so a crash
// loses at most the line being written.
type crawlLog struct {
	mu    sync.Mutex
	f     *os.File
	tally *tally
}

func openCrawlLog(path string, t *tally) (*crawlLog, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open crawl log: %w", err)
	}
	return &crawlLog{f: f, tally: t}, nil
}

func (l *crawlLog) Write(e crawllog.Entry) error {
	line := crawllog.Format(time.Now(), e)
	l.tally.add(e)
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.f.WriteString(line); err != nil {
		return fmt.Errorf("write crawl log: %w", err)
	}
	return nil
}

func (l *crawlLog) Close() error { return l.f.Close() }
