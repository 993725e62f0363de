package crawler

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"

	"arkisto/crawler/frontier"
)

// takenCount counts the items a crawl takes from its frontier, for
// --max-pages, which limits the crawl, not one run of one process: a
// frontier of one process keeps the count in its run metadata, so that a
// resumed run goes on from it; the processes of a shared crawl add to one
// count in Redis, atomically.
type takenCount struct {
	f      frontier.Frontier
	shared sharedCount // nil unless the frontier is shared
	max    int64       // --max-pages; 0: no limit
	n      atomic.Int64
}

// sharedCount is a shared frontier's crawl-wide count of items taken.
type sharedCount interface {
	CountTaken(ctx context.Context, n int64) (int64, error)
}

// saveTakenEvery is how often a crawl under --max-pages records how many
// items it has taken, besides when a run ends.
const saveTakenEvery = 16

func newTakenCount(f frontier.Frontier, maxPages int) (*takenCount, error) {
	t := &takenCount{f: f, max: int64(maxPages)}
	if shared, ok := f.(sharedCount); ok {
		t.shared = shared
		return t, nil
	}
	meta, ok := f.(metaStore)
	if !ok {
		return t, nil
	}
	raw, err := meta.Meta(metaTaken)
	if err != nil || raw == nil {
		return t, err
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("read the recorded page count of a crawl: %w", err)
	}
	t.n.Store(n)
	return t, nil
}

// take counts one more item and reports whether the limit lets it be
// fetched. A shared crawl under a limit pays a round trip for it.
func (t *takenCount) take(ctx context.Context) (bool, error) {
	if t.shared != nil {
		if t.max == 0 {
			return true, nil
		}
		n, err := t.shared.CountTaken(ctx, 1)
		return n <= t.max, err
	}
	n := t.n.Add(1)
	if t.max > 0 && n%saveTakenEvery == 0 {
		// So that a crawl killed outright overshoots its limit by this
		// many fetches at most when resumed.
		if err := t.save(); err != nil {
			return false, err
		}
	}
	return t.max == 0 || n <= t.max, nil
}

// save records the count in the run metadata, capped at --max-pages
// (workers that found the limit reached count past it). A shared count
// is saved as it goes.
func (t *takenCount) save() error {
	meta, ok := t.f.(metaStore)
	if t.shared != nil || !ok {
		return nil
	}
	n := t.n.Load()
	if t.max > 0 {
		n = min(n, t.max)
	}
	return meta.SetMeta(metaTaken, []byte(strconv.FormatInt(n, 10)))
}
