package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// Every exported metric, ours and the runtime's, passes the same checks
// promtool check metrics runs on a scrape.
func TestMetricsLintClean(t *testing.T) {
	reg, _, err := crawlRegistry()
	if err != nil {
		t.Fatal(err)
	}
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}
