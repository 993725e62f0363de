//go:build pebble

package frontier_test

import (
	"path/filepath"
	"testing"

	"arkisto/crawler/frontier"
	"arkisto/crawler/frontier/frontiertest"
)

var _ frontier.Frontier = (*frontier.Pebble)(nil)

// Pebble shares Bolt's frontier logic; the contract run checks its store.
func TestPebbleContract(t *testing.T) {
	frontiertest.Run(t, func(t *testing.T, opts frontier.Options) frontier.Frontier {
		p, err := frontier.OpenPebble(filepath.Join(t.TempDir(), "frontier.pebble"), opts)
		if err != nil {
			t.Fatalf("OpenPebble: %v", err)
		}
		t.Cleanup(func() {
			if err := p.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return p
	})
}
