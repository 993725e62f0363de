package frontier

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"time"
)

// HostInfo is what a crawl knows of a host besides its queue: where its
// robots.txt stands, its failures in a row, the fetches taken from its
// page budget, whether it was given up. The crawler's rules read and
// change it through a HostBook, so in a crawl of several processes they
// hold for the crawl as a whole.
type HostInfo struct {
	Robots   RobotsState
	RobotsAt time.Time // when the robots.txt in use was fetched; zero when none was
	Failures int       // transient failures in a row
	Spent    int       // fetches taken from its page budget
	GivenUp  uint8     // why the crawler gave the host up, in its own codes; 0: it did not
}

// RobotsState is where a host's robots.txt stands.
type RobotsState uint8

const (
	RobotsUnasked    RobotsState = iota // nobody queued it yet
	RobotsQueued                        // queued, not read yet
	RobotsKnown                         // read: RobotsFile holds it
	RobotsRefetching                    // read, and queued again once its cache time was over
)

// RobotsFile is a host's robots.txt as fetched, for every process of the
// crawl to read the same policy from. The crawler says what Outcome,
// Status and Body mean; the frontier only keeps them.
type RobotsFile struct {
	Fetched time.Time
	Outcome string
	Status  int
	Body    []byte
}

// HostBook keeps a HostInfo per host, and the hosts' robots.txt. Memory,
// Bolt and Redis implement it; the rules that change a HostInfo are the
// caller's, applied through UpdateHost.
type HostBook interface {
	// Host returns host's info; the zero HostInfo for a host never met.
	Host(ctx context.Context, host string) (HostInfo, error)
	// UpdateHost applies change to host's info atomically for the whole
	// crawl and returns the info as change left it. change must depend on
	// nothing but its argument: a store shared by several processes calls
	// it again with the newer info when another process changed the host
	// meanwhile, and keeps the last call's result.
	UpdateHost(ctx context.Context, host string, change func(*HostInfo)) (HostInfo, error)
	// Robots returns the robots.txt last saved for host, nil when none was.
	Robots(ctx context.Context, host string) (*RobotsFile, error)
	// SaveRobots keeps f as host's robots.txt.
	SaveRobots(ctx context.Context, host string, f RobotsFile) error
	// Shared reports whether other processes change the book too, so that
	// what a process read of it may be out of date.
	Shared() bool
}

// hostBook is the HostBook of the stores that one process holds: Memory,
// and Bolt, which keeps it in memory only, so a resumed crawl reads every
// robots.txt again and starts the hosts' budgets and failures afresh.
type hostBook struct {
	mu     sync.Mutex
	info   map[string]HostInfo
	robots map[string]RobotsFile
}

func newHostBook() *hostBook {
	return &hostBook{info: make(map[string]HostInfo), robots: make(map[string]RobotsFile)}
}

func (b *hostBook) Host(_ context.Context, host string) (HostInfo, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.info[host], nil
}

func (b *hostBook) UpdateHost(_ context.Context, host string, change func(*HostInfo)) (HostInfo, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	i := b.info[host]
	change(&i)
	b.info[host] = i
	return i, nil
}

func (b *hostBook) Robots(_ context.Context, host string) (*RobotsFile, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f, ok := b.robots[host]
	if !ok {
		return nil, nil
	}
	return &f, nil
}

func (b *hostBook) SaveRobots(_ context.Context, host string, f RobotsFile) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.robots[host] = f
	return nil
}

func (b *hostBook) Shared() bool { return false }

func encodeHostInfo(i HostInfo) string {
	b := binary.AppendUvarint(nil, uint64(i.Robots))
	b = binary.AppendVarint(b, unixNano(i.RobotsAt))
	b = binary.AppendUvarint(b, uint64(i.Failures))
	b = binary.AppendUvarint(b, uint64(i.Spent))
	b = binary.AppendUvarint(b, uint64(i.GivenUp))
	return string(b)
}

func decodeHostInfo(raw string) (HostInfo, error) {
	if raw == "" {
		return HostInfo{}, nil
	}
	d := decoder{b: []byte(raw)}
	i := HostInfo{Robots: RobotsState(d.uvarint())}
	i.RobotsAt = fromUnixNano(d.varint())
	i.Failures = int(d.uvarint())
	i.Spent = int(d.uvarint())
	i.GivenUp = uint8(d.uvarint())
	if err := d.end(); err != nil {
		return HostInfo{}, fmt.Errorf("decode host info: %w", err)
	}
	return i, nil
}

func encodeRobotsFile(f RobotsFile) string {
	b := binary.AppendVarint(nil, unixNano(f.Fetched))
	b = appendString(b, f.Outcome)
	b = binary.AppendVarint(b, int64(f.Status))
	return string(append(b, f.Body...))
}

func decodeRobotsFile(raw string) (*RobotsFile, error) {
	d := decoder{b: []byte(raw)}
	f := RobotsFile{Fetched: fromUnixNano(d.varint()), Outcome: d.string(), Status: int(d.varint())}
	if d.err != nil {
		return nil, fmt.Errorf("decode robots.txt record: %w", d.err)
	}
	f.Body = d.b
	return &f, nil
}
