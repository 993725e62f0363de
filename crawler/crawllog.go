package crawler

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Heritrix fetch status codes for URLs that got no HTTP status.
const (
	statusDNS              = -1
	statusConnect          = -2
	statusReset            = -3
	statusTimeout          = -4
	statusOther            = -5
	statusUnsupported      = -7
	statusRetriesExhausted = -8
	statusOutOfScope       = -5000
	statusBlocked          = -5001
	statusRobots           = -9998
)

// noteTLSUnverified marks an HTTPS fetch whose certificate would not
// verify: the transport accepts it, and the archive says so.
const noteTLSUnverified = "tls-unverified"

// logEntry is one crawl.log line, in Heritrix's column order.
type logEntry struct {
	Status      int
	Size        int64
	URL         string
	Hops        string
	Via         string
	MIME        string
	Worker      int
	Start       time.Time
	Duration    time.Duration
	Digest      string
	Annotations []string
}

// crawlLog appends one line per fetch to logs/crawl.log. Every line is its
// own write, so a crash loses at most the line being written.
type crawlLog struct {
	mu sync.Mutex
	f  *os.File
}

func openCrawlLog(path string) (*crawlLog, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open crawl log: %w", err)
	}
	return &crawlLog{f: f}, nil
}

func (l *crawlLog) Write(e logEntry) error {
	line := formatLogEntry(time.Now(), e)
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.f.WriteString(line); err != nil {
		return fmt.Errorf("write crawl log: %w", err)
	}
	return nil
}

func (l *crawlLog) Close() error { return l.f.Close() }

func formatLogEntry(now time.Time, e logEntry) string {
	fetch := "-"
	if !e.Start.IsZero() {
		fetch = fmt.Sprintf("%s+%d", e.Start.UTC().Format("20060102150405.000"), e.Duration.Milliseconds())
		fetch = strings.Replace(fetch, ".", "", 1)
	}
	annotations := "-"
	if len(e.Annotations) > 0 {
		annotations = strings.Join(e.Annotations, ",")
	}
	return fmt.Sprintf("%s %5d %10d %s %s %s %s #%03d %s %s - %s\n",
		now.UTC().Format("2006-01-02T15:04:05.000Z"), e.Status, e.Size, field(e.URL),
		field(e.Hops), field(e.Via), field(e.MIME), e.Worker, fetch, field(e.Digest), annotations)
}

// field keeps crawl.log columns space-separated whatever a URL or MIME
// holds: ASCII blanks and line ends become '+' (as in a query string);
// other control characters, Unicode spaces (which many readers split on
// too) and bytes that are not UTF-8 are percent-escaped. So a raw value
// from a page or a header (a malformed link or Location) can neither split
// a line or a column nor send escape sequences to a terminal.
func field(s string) string {
	if s == "" {
		return "-"
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == ' ' || r == '\n' || r == '\r' || r == '\t':
			b.WriteByte('+')
		case r == utf8.RuneError && size == 1, unicode.IsControl(r), unicode.IsSpace(r):
			for _, c := range []byte(s[i : i+size]) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
