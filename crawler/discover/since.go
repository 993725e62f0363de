package discover

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Since keeps the entries modified at or after cut, and those with no date,
// which may be new. A sitemap-index child is kept on the same rule: an older
// lastmod means none of its pages changed since.
//
// An entry modified exactly at the cut is kept, not dropped, because a
// date-only lastmod means midnight UTC and stands for the whole day: with a
// cut of 2026-01-02, pages dated 2026-01-02 must stay.
func Since(entries []Entry, cut time.Time) []Entry {
	kept := make([]Entry, 0, len(entries))
	for _, e := range entries {
		if e.Modified.IsZero() || !e.Modified.Before(cut) {
			kept = append(kept, e)
		}
	}
	return kept
}

// maxAgeDays keeps a day count within time.Duration.
const maxAgeDays = int64(1<<63-1) / int64(24*time.Hour)

// ParseSince reads a cut-off time: a date or time in any W3C Datetime form
// ("2026-01-02", RFC 3339 and the rest, a missing zone meaning UTC), or an
// age before now as a Go duration ("36h") or a number of days ("7d").
func ParseSince(s string, now time.Time) (time.Time, error) {
	v := strings.TrimSpace(s)
	if t, ok := parseW3C(v); ok {
		return t, nil
	}
	age, err := parseAge(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w %q: want a date like 2026-01-02, an RFC 3339 time, or an age like 36h or 7d: %w",
			ErrBadSince, s, err)
	}
	return now.Add(-age), nil
}

func parseAge(v string) (time.Duration, error) {
	var age time.Duration
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("read day count: %w", err)
		}
		if n > maxAgeDays {
			return 0, fmt.Errorf("more than %d days", maxAgeDays)
		}
		age = time.Duration(n) * 24 * time.Hour
	} else {
		d, err := time.ParseDuration(v)
		if err != nil {
			return 0, err
		}
		age = d
	}
	if age <= 0 {
		return 0, fmt.Errorf("age %s is not positive", age)
	}
	return age, nil
}

// parseW3C reads the W3C Datetime profile sitemaps use (YYYY, YYYY-MM,
// YYYY-MM-DD, then hh:mm, hh:mm:ss and fractions with a zone), plus the near
// misses real sitemaps carry: no zone (taken as UTC), a space for the T, a
// zone without a colon, and RFC 1123 dates. Fractional seconds need no layout
// of their own: time.Parse accepts them after the seconds.
func parseW3C(s string) (time.Time, bool) {
	for _, layout := range [...]string{
		"2006-01-02T15:04:05Z07:00",
		"2006-01-02T15:04Z07:00",
		"2006-01-02",
		"2006-01",
		"2006",
		"2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04:05",
		"2006-01-02T15:04",
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04:05Z0700",
		"2006-01-02 15:04:05",
		time.RFC1123Z,
		time.RFC1123,
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
