package metrics

import (
	"context"
	"fmt"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
)

// Pusher sends a crawl's metrics to a Prometheus Pushgateway, grouped by
// job, for one-shot crawls that end before a scrape would find them.
type Pusher struct {
	url    string
	pusher *push.Pusher
}

// NewPusher pushes g's arkisto_* metrics to the Pushgateway at url under
// the grouping key job. Only the crawl's own metrics go: the Go runtime and
// process metrics describe a process that is about to exit, and the
// Pushgateway exports go_* and process_* of its own. Their help texts
// differ between client library versions, so Pushgateway 1.5.1 (Debian 12)
// rewrites ours and logs "This is bad. Fix your pushed metrics!" on every
// push, and older versions refuse to serve the group at all.
func NewPusher(url, job string, g prometheus.Gatherer) *Pusher {
	return &Pusher{
		url:    url,
		pusher: push.New(url, job).Gatherer(crawlOnly(g)),
	}
}

// Push replaces the job's group on the Pushgateway with the current values
// (HTTP PUT), so metrics that vanished since the last push vanish there too.
func (p *Pusher) Push(ctx context.Context) error {
	if err := p.pusher.PushContext(ctx); err != nil {
		return fmt.Errorf("push metrics to %s: %w", p.url, err)
	}
	return nil
}

// PushEvery pushes every interval until ctx is done, handing each failure
// to onErr: a Pushgateway that is down must not stop a crawl. It does not
// push when ctx ends; the caller makes the final Push after the crawl,
// with a context of its own.
func (p *Pusher) PushEvery(ctx context.Context, interval time.Duration, onErr func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := p.Push(ctx); err != nil && ctx.Err() == nil && onErr != nil {
				onErr(err)
			}
		}
	}
}

// crawlOnly gathers g and keeps the arkisto_* families.
func crawlOnly(g prometheus.Gatherer) prometheus.Gatherer {
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		mfs, err := g.Gather()
		kept := make([]*dto.MetricFamily, 0, len(mfs))
		for _, mf := range mfs {
			if strings.HasPrefix(mf.GetName(), namespace+"_") {
				kept = append(kept, mf)
			}
		}
		return kept, err
	})
}
