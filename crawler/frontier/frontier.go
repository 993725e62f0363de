package frontier

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrExhausted is returned by Next when nothing is queued and nothing is in
// flight: the crawl has reached its end.
var ErrExhausted = errors.New("frontier exhausted")

// Priority orders the URLs of one host: prerequisites (robots.txt) first,
// then page requisites, so a page's embeds are fetched before new pages.
type Priority int

const (
	Prerequisite Priority = iota
	Embed
	Page
	numPriorities
)

// checkPriority refuses an item of no known priority, which no store has a
// queue for; op names the call in the error.
func checkPriority(op string, it Item) error {
	if it.Priority < 0 || it.Priority >= numPriorities {
		return fmt.Errorf("%s %s: priority %d out of range", op, it.URL, it.Priority)
	}
	return nil
}

// Item is one URL to fetch and how it was found.
type Item struct {
	URL      string   // canonical URL, also the seen-set key
	Host     string   // politeness key: scheme://host:port
	Priority Priority //
	Depth    int      // link hops from a seed
	Hops     string   // Heritrix-style discovery path, e.g. "LLE"; "" for a seed
	Via      string   // the URL it was found on, "" for a seed
	Attempt  int      // fetches tried so far (retries)
	Doc      Doc      // how to read the body once fetched
}

// Doc says what kind of document an item is expected to be.
type Doc uint8

const (
	DocPage    Doc = iota // HTML, CSS or anything else: extract links
	DocSitemap            // a sitemap or sitemap index
	DocFeed               // an RSS or Atom feed
)

// Stats is a snapshot of the frontier's size, for progress lines and metrics.
type Stats struct {
	Queued       int // URLs waiting
	Seen         int // URLs ever accepted
	Hosts        int // hosts known
	HostsReady   int // hosts with URLs that may be fetched now
	HostsWaiting int // hosts with URLs held back by politeness or back-off
	InFlight     int // items handed out and not yet Done
	// Processes is how many processes work on a shared frontier (their
	// heartbeat is current); 0 for a frontier of one process.
	Processes int
}

// Settler is implemented by a Frontier that commits its calls in the
// background (Bolt). Settle returns once every call the frontier accepted
// before Next handed out it is durable. A crawler calls it after fetching it and before writing its
// records: the fetch overlaps the commit of the previous fetch's Done, and
// after a crash no more than one finished fetch per worker, besides those
// in flight, is repeated.
type Settler interface {
	Settle(ctx context.Context, it Item) error
}

// Frontier is the crawl's queue, and the book of what the crawl knows of
// each host. Implementations are safe for concurrent use.
type Frontier interface {
	HostBook
	// Push queues it unless its URL was seen before; it reports whether it was queued.
	Push(ctx context.Context, it Item) (bool, error)
	// Retry queues it again, though its URL was seen, for another attempt
	// after a failure. The failed attempt still needs its own Done.
	Retry(ctx context.Context, it Item) error
	// DropHost removes every URL queued for host and returns them, so a host
	// that stays dead is given up with its URLs logged, not lost silently.
	DropHost(ctx context.Context, host string) ([]Item, error)
	// Mark records url as seen without queueing it, so a refused URL is
	// judged and logged once; it reports whether url was new.
	Mark(ctx context.Context, url string) (bool, error)
	// Next blocks until some host may be fetched under the politeness rules
	// and returns its next item. It returns ErrExhausted at the end of the crawl.
	Next(ctx context.Context) (Item, error)
	// Done ends the fetch of it; its host may not be fetched again before ready.
	Done(ctx context.Context, it Item, ready time.Time) error
	// Stats reports the current sizes.
	Stats() Stats
	Close() error
}
