package discover

import (
	"errors"
	"fmt"
	"time"
)

// Entry is one URL found in a sitemap or feed.
type Entry struct {
	URL string
	// Modified is the sitemap lastmod, the news:publication_date or the
	// feed item's published or updated date, whichever is latest; zero when
	// the document gives none or none parses.
	Modified time.Time
	// Title is the news:title of a sitemap entry or a feed item's title.
	Title string
	// Images are the image:loc of an image sitemap entry: page requisites
	// of URL.
	Images []string
	// IsSitemap marks an entry of a sitemap index: another sitemap to fetch
	// at the next index depth, not a page.
	IsSitemap bool
}

// Limits bound the work one document may cause. A zero field means the
// sitemaps.org limit.
type Limits struct {
	// MaxEntries is how many entries one document may yield.
	MaxEntries int
	// MaxBytes bounds the body after any gzip layers are undone.
	MaxBytes int64
}

// The sitemaps.org limits for one sitemap file.
const (
	DefaultMaxEntries       = 50_000
	DefaultMaxBytes   int64 = 50 << 20
)

// MaxIndexDepth is how deep sitemap indexes may nest below the sitemaps named
// by robots.txt or the configuration, which are at depth 0.
const MaxIndexDepth = 3

var (
	// ErrTooLarge: the body, once decompressed, is longer than MaxBytes.
	ErrTooLarge = errors.New("document larger than the byte limit")
	// ErrTooManyEntries comes with the first MaxEntries entries when a
	// document lists more.
	ErrTooManyEntries = errors.New("document lists more entries than the limit")
	// ErrNotSitemap: the body is something else, typically an HTML page
	// served at a sitemap URL.
	ErrNotSitemap = errors.New("not a sitemap")
	// ErrNotFeed: the body is neither RSS, Atom nor JSON Feed.
	ErrNotFeed = errors.New("not a feed")
	// ErrMalformed: the document, or its gzip layer, is broken.
	ErrMalformed = errors.New("malformed document")
	// ErrIndexTooDeep: the children of a sitemap index would be deeper than
	// MaxIndexDepth.
	ErrIndexTooDeep = errors.New("sitemap index nested too deep")
	// ErrBadSince: ParseSince could not read its value.
	ErrBadSince = errors.New("bad since value")
)

// ChildDepth returns the index depth to carry on the sitemaps listed by an
// index found at depth, or ErrIndexTooDeep when they would pass
// MaxIndexDepth and so must not be fetched.
func ChildDepth(depth int) (int, error) {
	if depth >= MaxIndexDepth {
		return 0, fmt.Errorf("%w: index at depth %d lists sitemaps, limit is depth %d",
			ErrIndexTooDeep, depth, MaxIndexDepth)
	}
	return depth + 1, nil
}

func (l Limits) withDefaults() Limits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	return l
}
