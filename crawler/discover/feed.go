package discover

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mmcdole/gofeed"
)

// Feed parses an RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 1.0 or JSON Feed document
// into one entry per item that has a link. A gzip body is undone by sniffing,
// bounded by limits.MaxBytes. Errors are ErrNotFeed, ErrMalformed,
// ErrTooLarge, or ErrTooManyEntries with the first MaxEntries entries.
func Feed(body []byte, limits Limits) ([]Entry, error) {
	limits = limits.withDefaults()
	plain, err := plainBody(bytes.NewReader(body), limits.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("open feed: %w", err)
	}
	data, err := io.ReadAll(plain)
	if err != nil {
		return nil, readError("read feed", err, limits)
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return nil, fmt.Errorf("%w: no rss, rdf or atom root element and no json object", ErrNotFeed)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: parse feed: %w", ErrMalformed, err)
	}

	var entries []Entry
	for _, item := range feed.Items {
		if item == nil {
			continue
		}
		link := itemLink(item)
		if link == "" {
			continue
		}
		if len(entries) == limits.MaxEntries {
			return entries, tooMany(limits)
		}
		entries = append(entries, Entry{
			URL:      link,
			Modified: latest(item.PublishedParsed, item.UpdatedParsed),
			Title:    item.Title,
		})
	}
	return entries, nil
}

// itemLink is the item's page: gofeed already picks an Atom entry's first
// rel=alternate link (rel defaults to alternate). An RSS 2.0 item may give
// only a guid, which is a permalink unless isPermaLink="false"; gofeed drops
// that flag, so a guid is taken when it reads as an absolute http(s) URL.
func itemLink(item *gofeed.Item) string {
	if item.Link != "" {
		return item.Link
	}
	if isAbsoluteHTTP(item.GUID) {
		return item.GUID
	}
	return ""
}

// latest returns the later of two optional times, zero when both are absent:
// an item updated after the cut has changed since, whenever it was published.
func latest(a, b *time.Time) time.Time {
	var t time.Time
	for _, c := range []*time.Time{a, b} {
		if c != nil && c.After(t) {
			t = *c
		}
	}
	return t
}
