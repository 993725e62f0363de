package crawllog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Heritrix fetch status codes for URLs that got no HTTP status.
const (
	StatusDNS              = -1    // lookup failed, or the name does not exist
	StatusConnect          = -2    // connection refused or unreachable, TLS failed
	StatusReset            = -3    // connection dropped
	StatusTimeout          = -4    // no answer in time
	StatusOther            = -5    // unparsable response, failed WARC write, anything else
	StatusUnsupported      = -7    // malformed URL or unsupported scheme
	StatusRetriesExhausted = -8    // its host was given up
	StatusOutOfScope       = -5000 // out of scope, excluded, a trap or a budget
	StatusBlocked          = -5001 // a private address the dial guard refused
	StatusRobots           = -9998 // robots.txt disallows it
)

// Entry is one crawl.log line.
type Entry struct {
	Logged      time.Time // when the line was written; set by Parse, Format takes it as an argument
	Status      int
	Size        int64 // response bytes on the wire
	URL         string
	Hops        string
	Via         string
	MIME        string
	Worker      int
	Start       time.Time // fetch start; zero when nothing was fetched
	Duration    time.Duration
	Digest      string
	Annotations []string
}

// logTime and fetchTime are the two time layouts of a line.
const (
	logTime   = "2006-01-02T15:04:05.000Z"
	fetchTime = "20060102150405.000"
)

// Format renders e as a crawl.log line logged at now, newline included.
func Format(now time.Time, e Entry) string {
	fetch := "-"
	if !e.Start.IsZero() {
		fetch = fmt.Sprintf("%s+%d", e.Start.UTC().Format(fetchTime), e.Duration.Milliseconds())
		fetch = strings.Replace(fetch, ".", "", 1)
	}
	annotations := "-"
	if len(e.Annotations) > 0 {
		annotations = strings.Join(e.Annotations, ",")
	}
	return fmt.Sprintf("%s %5d %10d %s %s %s %s #%03d %s %s - %s\n",
		now.UTC().Format(logTime), e.Status, e.Size, field(e.URL),
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

// Parse reads one crawl.log line as Format writes it.
func Parse(line string) (Entry, error) {
	f := strings.Fields(line)
	if len(f) != 12 {
		return Entry{}, fmt.Errorf("crawl.log line has %d fields, want 12: %q", len(f), line)
	}
	var e Entry
	var err error
	if e.Logged, err = time.Parse(logTime, f[0]); err != nil {
		return Entry{}, fmt.Errorf("crawl.log line time %q: %w", f[0], err)
	}
	if e.Status, err = strconv.Atoi(f[1]); err != nil {
		return Entry{}, fmt.Errorf("crawl.log line status %q: %w", f[1], err)
	}
	if e.Size, err = strconv.ParseInt(f[2], 10, 64); err != nil {
		return Entry{}, fmt.Errorf("crawl.log line size %q: %w", f[2], err)
	}
	e.URL, e.Hops, e.Via, e.MIME = dash(f[3]), dash(f[4]), dash(f[5]), dash(f[6])
	if e.Worker, err = strconv.Atoi(strings.TrimPrefix(f[7], "#")); err != nil {
		return Entry{}, fmt.Errorf("crawl.log line worker %q: %w", f[7], err)
	}
	if f[8] != "-" {
		if e.Start, e.Duration, err = parseFetch(f[8]); err != nil {
			return Entry{}, err
		}
	}
	e.Digest = dash(f[9])
	if f[11] != "-" {
		e.Annotations = strings.Split(f[11], ",")
	}
	return e, nil
}

// parseFetch reads the fetch column: start (yyyyMMddHHmmssSSS) + duration in ms.
func parseFetch(s string) (time.Time, time.Duration, error) {
	start, ms, ok := strings.Cut(s, "+")
	if !ok || len(start) != 17 {
		return time.Time{}, 0, fmt.Errorf("crawl.log fetch column %q: want yyyyMMddHHmmssSSS+ms", s)
	}
	t, err := time.Parse(fetchTime, start[:14]+"."+start[14:])
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("crawl.log fetch column %q: %w", s, err)
	}
	d, err := strconv.ParseInt(ms, 10, 64)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("crawl.log fetch column %q: %w", s, err)
	}
	return t, time.Duration(d) * time.Millisecond, nil
}

func dash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}
