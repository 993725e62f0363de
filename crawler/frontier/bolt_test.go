package frontier_test

import (
	"path/filepath"
	"testing"

	"arkisto/crawler/frontier"
	"arkisto/crawler/frontier/frontiertest"
)

var (
	_ frontier.Frontier = (*frontier.Bolt)(nil)
	_ frontier.Settler  = (*frontier.Bolt)(nil)
	_ frontier.Frontier = (*frontier.Memory)(nil)
)

func TestContract(t *testing.T) {
	t.Run("Memory", func(t *testing.T) {
		frontiertest.Run(t, func(_ *testing.T, opts frontier.Options) frontier.Frontier {
			return frontier.NewMemory(opts)
		})
	})
	t.Run("Bolt", func(t *testing.T) {
		frontiertest.Run(t, func(t *testing.T, opts frontier.Options) frontier.Frontier {
			return openBolt(t, filepath.Join(t.TempDir(), "frontier.db"), opts)
		})
	})
}

// openBolt opens the frontier at path, to be closed when t ends.
func openBolt(t *testing.T, path string, opts frontier.Options) *frontier.Bolt {
	t.Helper()
	b, err := frontier.OpenBolt(path, opts)
	if err != nil {
		t.Fatalf("OpenBolt: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}
